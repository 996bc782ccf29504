// The ordered check registry: provider, then the order each provider's index gives.
import type { Check } from '../core/check.js'
import { awsChecks } from './aws/index.js'
import { azureChecks } from './azure/index.js'
import { gcpChecks } from './gcp/index.js'
import { jobspecChecks } from './jobspec/index.js'
import { kubernetesChecks } from './kubernetes/index.js'
import { nodeChecks } from './node/index.js'
import { vaultChecks } from './vault/index.js'

export const checks: readonly Check[] = [
  ...nodeChecks,
  ...vaultChecks,
  ...awsChecks,
  ...kubernetesChecks,
  ...gcpChecks,
  ...azureChecks,
  ...jobspecChecks,
]

export const findCheck = (id: string): Check | undefined => checks.find((c) => c.id === id)
