// The gcp checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import credentials from './credentials.js'
import latency from './latency.js'
import rotation from './rotation.js'
import secretAccess from './secret-access.js'
import secretKeys from './secret-keys.js'

export const gcpChecks: readonly Check[] = [credentials, secretAccess, secretKeys, rotation, latency]
