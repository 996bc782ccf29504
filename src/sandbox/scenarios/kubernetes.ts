// Scenarios of the kubernetes provider. One owner: whoever owns the kubernetes checks.
import type { Scenario } from '../scenario.js'

export const kubernetesScenarios: Scenario[] = []
