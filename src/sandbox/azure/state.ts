// The state of a simulated Azure deployment: one Entra tenant with its identities, one Key Vault with its
// permission model, grants and secrets. Tests and scenarios change it; the handlers read it per request.

export interface AzureSimSecret {
  value: string
  enabled?: boolean
  expiresOn?: Date
  notBefore?: Date
  createdOn?: Date
  updatedOn?: Date
  contentType?: string
  /** 32 hex chars, as Key Vault makes them; generated when absent. */
  version?: string
  tags?: Record<string, string>
}

export interface AzureSimFederatedCredential {
  issuer: string
  subject: string
  audience?: string
}

/** A user-assigned managed identity or app registration that can sign in. */
export interface AzureSimIdentity {
  clientId: string
  objectId: string
  federatedCredentials?: AzureSimFederatedCredential[]
  clientSecret?: string
}

export interface AzureSimState {
  tenantId: string
  /** The vault's name: ids in responses read `https://<vaultName>.vault.azure.net/secrets/…`. */
  vaultName: string
  location: string
  /** `enableRbacAuthorization`: decides the 403 body a missing grant gets. */
  permissionModel: 'rbac' | 'access-policy'
  identities: AzureSimIdentity[]
  /** Who may `get` secrets: an object id, vault-wide or for the listed secrets only. */
  grants: { objectId: string; secrets?: string[] }[]
  secrets: Record<string, AzureSimSecret>
  /** When set, the vault firewall refuses every caller: 403 ForbiddenByFirewall naming this address. */
  firewallClientAddress?: string
  /** Access token lifetime, seconds. */
  tokenLifetimeSeconds: number
  /** The tenant the vault's 401 challenge names; a vault of another tenant than the identity's. */
  challengeTenantId?: string
  /** Answer this many Key Vault secret reads with 429 Throttled before serving again. */
  throttleNext?: number
}

export const AZURE_VAULT_RESOURCE = 'https://vault.azure.net'
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export function defaultAzureState(overrides: Partial<AzureSimState> = {}): AzureSimState {
  return {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    vaultName: 'expanso-secrets',
    location: 'westeurope',
    permissionModel: 'rbac',
    identities: [],
    grants: [],
    secrets: {},
    tokenLifetimeSeconds: 3599,
    ...overrides,
  }
}
