// Remedies beyond the documentation for the aws provider (source: extended). One owner: the aws checks.
import { defineRemedies } from './types.js'

export const awsRemedies = defineRemedies({})
