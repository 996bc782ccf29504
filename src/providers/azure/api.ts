// The narrow, metadata-only API the azure checks see: which credential resolved and whom its token names,
// and each secret's attributes and the state of its value — never the value, which the provider registers
// with the redactor the moment it is read.
import type { ValueState } from '../../core/payload.js'

export type AzureCredentialSource = 'workload-identity' | 'client-secret' | 'managed-identity'

/** What the doctor will authenticate with, decided from config and environment alone (no I/O). */
export interface AzureCredentialPlan {
  readonly source: AzureCredentialSource
  readonly clientId?: string
  readonly tenantId?: string
  readonly tokenFile?: string
  readonly authorityHost: string
  /** Workload-identity variables that are missing while others are set (a half-injected pod). */
  readonly missing: readonly string[]
}

/** The claims of the projected service-account token, never the token. */
export interface FederatedTokenInfo {
  readonly path: string
  readonly error?: string
  readonly issuer?: string
  readonly subject?: string
  readonly audience?: readonly string[]
  readonly issuedAt?: Date
  readonly expiresAt?: Date
}

export interface AzureTokenInfo {
  readonly source: AzureCredentialSource
  readonly clientId?: string
  readonly tenantId?: string
  readonly objectId?: string
  readonly appId?: string
  readonly expiresAt: Date
  readonly authorityHost: string
}

export interface AzureSecretInfo {
  readonly name: string
  readonly version?: string
  readonly enabled: boolean
  readonly expiresOn?: Date
  readonly notBefore?: Date
  readonly createdOn?: Date
  readonly updatedOn?: Date
  readonly contentType?: string
  /** `set` or `empty`: the only thing a check learns about the value as a whole. */
  readonly value: 'set' | 'empty'
  /** The state of each top-level key when the value is a JSON object. */
  readonly keys?: Readonly<Record<string, ValueState>>
}

export interface AzureApi {
  readonly vaultUrl?: string
  /** The vault's name: from a `*.vault.azure.net` URL, else learned from the vault's own answers. */
  vaultName(): string | undefined
  credentialPlan(): AzureCredentialPlan
  federatedToken(): Promise<FederatedTokenInfo | undefined>
  /** Acquires a Key Vault token (memoized) and returns whom it names. */
  token(): Promise<AzureTokenInfo>
  /** GET the latest version of a secret (memoized per name). */
  secret(name: string): Promise<AzureSecretInfo>
  /** One fresh, unmemoized read of a secret; returns its wall time in ms. */
  timeSecretRead(name: string): Promise<number>
}
