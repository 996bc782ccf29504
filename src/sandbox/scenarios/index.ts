// Every named scenario of `demo` and the e2e tests, grouped by provider.
import type { Scenario } from '../scenario.js'
import { awsScenarios } from './aws.js'
import { azureScenarios } from './azure.js'
import { combinedScenarios } from './combined.js'
import { gcpScenarios } from './gcp.js'
import { jobspecScenarios } from './jobspec.js'
import { kubernetesScenarios } from './kubernetes.js'
import { nodeScenarios } from './node.js'
import { vaultScenarios } from './vault.js'

export const scenarios: readonly Scenario[] = [
  ...nodeScenarios,
  ...vaultScenarios,
  ...awsScenarios,
  ...kubernetesScenarios,
  ...gcpScenarios,
  ...azureScenarios,
  ...jobspecScenarios,
  ...combinedScenarios,
]

export const findScenario = (name: string): Scenario | undefined => scenarios.find((s) => s.name === name)
