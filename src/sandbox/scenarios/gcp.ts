// Scenarios of the gcp provider. One owner: whoever owns the gcp checks.
import type { Scenario } from '../scenario.js'

export const gcpScenarios: Scenario[] = []
