// Scenarios of the aws provider. One owner: whoever owns the aws checks.
import type { Scenario } from '../scenario.js'

export const awsScenarios: Scenario[] = []
