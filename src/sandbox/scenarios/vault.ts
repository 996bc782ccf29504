// Scenarios of the vault provider. One owner: whoever owns the vault checks.
import type { Scenario } from '../scenario.js'

export const vaultScenarios: Scenario[] = []
