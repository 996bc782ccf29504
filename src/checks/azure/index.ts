// The azure checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import credentials from './credentials.js'
import latency from './latency.js'
import secretAccess from './secret-access.js'
import secretExpiry from './secret-expiry.js'

export const azureChecks: readonly Check[] = [credentials, secretAccess, secretExpiry, latency]
