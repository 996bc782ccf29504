// The vault checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import address from './address.js'
import agentConfig from './agent-config.js'
import audit from './audit.js'
import auth from './auth.js'
import capabilities from './capabilities.js'
import health from './health.js'
import latency from './latency.js'
import pathLayout from './path-layout.js'
import refresh from './refresh.js'
import secretKeys from './secret-keys.js'
import secretPaths from './secret-paths.js'
import tls from './tls.js'
import tokenTtl from './token-ttl.js'

export const vaultChecks: readonly Check[] = [
  address,
  tls,
  health,
  auth,
  tokenTtl,
  capabilities,
  secretPaths,
  secretKeys,
  agentConfig,
  refresh,
  audit,
  latency,
  pathLayout,
]
