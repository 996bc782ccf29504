// Which credential the doctor authenticates with, decided the way the agent's SDK decides it: a federated
// token file means workload identity; a client secret with client and tenant ids means an app
// registration; anything else is a managed identity (a client id alone picks a user-assigned one).
import type { AzureConfig } from './config.js'
import type { AzureCredentialPlan } from './api.js'
import { AZURE_PUBLIC_AUTHORITY, WORKLOAD_IDENTITY_VARS } from './model.js'

export function credentialPlan(a: AzureConfig, env: NodeJS.ProcessEnv): AzureCredentialPlan {
  const authorityHost = (a.authorityHost || AZURE_PUBLIC_AUTHORITY).replace(/\/+$/, '')
  const wi = {
    AZURE_CLIENT_ID: a.clientId,
    AZURE_TENANT_ID: a.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: a.federatedTokenFile,
  }
  const unset = WORKLOAD_IDENTITY_VARS.filter((k) => !wi[k])
  const base = { clientId: a.clientId, tenantId: a.tenantId, authorityHost }
  if (a.federatedTokenFile)
    return { ...base, source: 'workload-identity', tokenFile: a.federatedTokenFile, missing: unset }
  if (env.AZURE_CLIENT_SECRET && a.clientId && a.tenantId)
    return { ...base, source: 'client-secret', missing: [] }
  // A tenant id beside the client id but no token file is the half-injected workload-identity pod.
  const missing = WORKLOAD_IDENTITY_VARS.length - unset.length >= 2 ? unset : []
  return { ...base, source: 'managed-identity', missing }
}
