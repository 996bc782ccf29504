// The config loader bound to the provider registry's sections: what `doctor`, `demo` and the tests load.
import { configLoader } from '../core/config.js'
import { configSections, type ResolvedConfig } from '../providers/index.js'

export type { ResolvedConfig } from '../providers/index.js'
export { ConfigError, discoverConfigFile, type LoadOptions, type RawConfig } from '../core/config.js'

export const {
  schema: configSchema,
  parseConfigText,
  resolveConfig,
  loadConfig,
  defaultConfig,
} = configLoader<ResolvedConfig>(configSections)
