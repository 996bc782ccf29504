// Remedies beyond the documentation for the azure provider (source: extended). One owner: the azure checks.
import { defineRemedies } from './types.js'

export const azureRemedies = defineRemedies({})
