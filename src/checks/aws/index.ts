// The aws checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import credentials from './credentials.js'
import identity from './identity.js'
import latency from './latency.js'
import leastPrivilege from './least-privilege.js'
import region from './region.js'
import rotation from './rotation.js'
import secretAccess from './secret-access.js'
import secretKeys from './secret-keys.js'

export const awsChecks: readonly Check[] = [
  credentials,
  region,
  identity,
  secretAccess,
  secretKeys,
  rotation,
  leastPrivilege,
  latency,
]
