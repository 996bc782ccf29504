// Remedies beyond the documentation for the vault provider (source: extended). One owner: the vault checks.
import { defineRemedies } from './types.js'

export const vaultRemedies = defineRemedies({})
