// Remedies beyond the documentation for the kubernetes provider (source: extended). One owner: the kubernetes checks.
import { defineRemedies } from './types.js'

export const kubernetesRemedies = defineRemedies({})
