// The TokenCredential the plan calls for, built the way the agent's SDK builds it, on our transport:
// loopback authorities skip instance discovery (CONTRACT §3), and every Entra answer passes the guard.
import type { TokenCredential } from '@azure/identity'
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { AzureCredentialPlan } from './api.js'
import { isLoopbackUrl } from './model.js'
import type { Transport } from './transport.js'

export async function createCredential(
  plan: AzureCredentialPlan,
  transport: Transport,
  clientSecret: string | undefined,
): Promise<TokenCredential> {
  if (plan.source === 'workload-identity' && plan.missing.length > 0)
    throw new ProviderError('azure', 'invalid', `workload identity is missing ${plan.missing.join(', ')}`)
  const identity = await import('@azure/identity')
  const common = {
    authorityHost: plan.authorityHost,
    disableInstanceDiscovery: isLoopbackUrl(plan.authorityHost),
    retryOptions: transport.retryOptions,
    additionalPolicies: transport.policies(transport.entra),
    // A managed identity's endpoint is plain HTTP (IMDS, App Service), which an https.Agent cannot carry.
    ...(plan.source === 'managed-identity' ? {} : { agent: transport.agent }),
  }
  switch (plan.source) {
    case 'workload-identity':
      return new identity.WorkloadIdentityCredential({
        ...common,
        clientId: plan.clientId,
        tenantId: plan.tenantId,
        tokenFilePath: plan.tokenFile,
      })
    case 'client-secret':
      registerSecret(clientSecret)
      return new identity.ClientSecretCredential(
        plan.tenantId ?? '',
        plan.clientId ?? '',
        clientSecret ?? '',
        common,
      )
    case 'managed-identity':
      return new identity.ManagedIdentityCredential({
        ...common,
        ...(plan.clientId ? { clientId: plan.clientId } : {}),
      })
  }
}
