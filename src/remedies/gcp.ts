// Remedies beyond the documentation for the gcp provider (source: extended). One owner: the gcp checks.
import { defineRemedies } from './types.js'

export const gcpRemedies = defineRemedies({})
