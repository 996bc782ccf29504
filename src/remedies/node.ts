// Remedies beyond the documentation for the node provider (source: extended). One owner: the node checks.
import { defineRemedies } from './types.js'

export const nodeRemedies = defineRemedies({})
