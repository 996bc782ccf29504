// The node checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import clockSkew from './clock-skew.js'
import envFileFreshness from './env-file-freshness.js'
import envFilePerms from './env-file-perms.js'
import envVars from './env-vars.js'
import pipelineConfig from './pipeline-config.js'
import secretsTmpfs from './secrets-tmpfs.js'
import vaultAgentProcess from './vault-agent-process.js'

export const nodeChecks: readonly Check[] = [
  pipelineConfig,
  envVars,
  envFilePerms,
  secretsTmpfs,
  envFileFreshness,
  vaultAgentProcess,
  clockSkew,
]
