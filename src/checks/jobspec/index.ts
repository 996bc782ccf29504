// The jobspec checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import awsSts from './aws-sts.js'
import providers from './providers.js'
import refresh from './refresh.js'
import secretRefs from './secret-refs.js'
import vaultLogin from './vault-login.js'
import vaultReach from './vault-reach.js'
import vaultRead from './vault-read.js'

export const jobspecChecks: readonly Check[] = [
  providers,
  secretRefs,
  vaultReach,
  vaultLogin,
  vaultRead,
  awsSts,
  refresh,
]
