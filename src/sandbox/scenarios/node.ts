// Scenarios of the node provider. One owner: whoever owns the node checks.
import type { Scenario } from '../scenario.js'

export const nodeScenarios: Scenario[] = []
