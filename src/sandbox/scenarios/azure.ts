// Scenarios of the azure provider. One owner: whoever owns the azure checks.
import type { Scenario } from '../scenario.js'

export const azureScenarios: Scenario[] = []
