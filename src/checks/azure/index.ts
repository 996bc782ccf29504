// The azure checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'

export const azureChecks: Check[] = []
