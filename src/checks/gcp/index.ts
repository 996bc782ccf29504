// The gcp checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import credentials from './credentials.js'

export const gcpChecks: Check[] = [credentials]
