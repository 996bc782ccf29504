// The azure: section of edge-secrets.yaml; the workload-identity variables (AZURE_CLIENT_ID, AZURE_TENANT_ID,
// AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST) fill it.
import { Type } from '@sinclair/typebox'
import { defineSection, S } from '../../core/config.js'

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

export const azureConfig = defineSection({
  schema: S.object({
    vaultUrl: S.url(),
    clientId: S.str(),
    tenantId: S.str(),
    authorityHost: S.url(),
    maxRetries: S.int(0, 10),
    caCert: S.str(),
    secrets: Type.Optional(Type.Array(S.object({ name: Type.String(), keys: S.strList() }))),
  }),
  resolve(raw, { env, present, abs }) {
    const a = raw ?? {}
    return {
      configured:
        present || (!!env.AZURE_CLIENT_ID && !!env.AZURE_TENANT_ID && !!env.AZURE_FEDERATED_TOKEN_FILE),
      vaultUrl: strOf(a.vaultUrl),
      clientId: strOf(a.clientId) ?? strOf(env.AZURE_CLIENT_ID),
      tenantId: strOf(a.tenantId) ?? strOf(env.AZURE_TENANT_ID),
      federatedTokenFile: strOf(env.AZURE_FEDERATED_TOKEN_FILE),
      authorityHost: strOf(a.authorityHost) ?? strOf(env.AZURE_AUTHORITY_HOST),
      /** SDK retries on 408/429/5xx and network errors (default 1: one quick retry, not a long backoff). */
      maxRetries: a.maxRetries,
      /** Extra CA (PEM) for Key Vault and the authority, e.g. behind a TLS-inspecting proxy. */
      caCert: abs(strOf(a.caCert)),
      secrets: (a.secrets ?? []).map((s) => ({ name: s.name, keys: s.keys ?? [] })),
    }
  },
})

export type AzureConfig = ReturnType<typeof azureConfig.resolve>
