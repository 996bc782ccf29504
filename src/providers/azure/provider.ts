// Azure Key Vault over @azure/keyvault-secrets and @azure/identity, both loaded on first use. Checks see
// the metadata-only API of api.ts; the calls live beside this file (token.ts, secrets.ts), on a transport
// (transport.ts, wire.ts) that bounds them and names what is not the service; errors.ts classifies.
import { defineProvider } from '../../core/provider.js'
import type { AzureApi } from './api.js'
import { azureConfig } from './config.js'
import { azureContext, type AzureSession } from './context.js'
import { vaultNameFromUrl } from './model.js'
import { secretCalls } from './secrets.js'
import { tokenCalls } from './token.js'

export function createAzureApi(session: AzureSession): AzureApi {
  const ctx = azureContext(session)
  const tokens = tokenCalls(ctx)
  const secrets = secretCalls(ctx, tokens.shared)
  return {
    vaultUrl: ctx.vaultUrl,
    vaultName: () => vaultNameFromUrl(ctx.vaultUrl) ?? secrets.learnedVaultName(),
    credentialPlan: () => ctx.plan,
    federatedToken: tokens.federatedToken,
    token: tokens.token,
    secret: secrets.secret,
    timeSecretRead: secrets.timeRead,
  }
}

export default defineProvider({
  id: 'azure',
  title: 'Azure Key Vault',
  config: azureConfig,
  configured: (config) => config.azure.configured,
  notConfigured:
    'no Azure here: add an azure: section or the workload identity variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE)',
  create: createAzureApi,
})
