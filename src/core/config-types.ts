// The resolved doctor config: CONTRACT §3 after defaults, env vars and discovery are applied.
// Durations are milliseconds. Every provider section is always present; `configured` says whether the user
// (or the environment) set that provider up, which decides `skip: not-configured`.

export interface VaultAuthConfig {
  readonly method?: 'token' | 'kubernetes' | 'approle'
  readonly role?: string
  readonly mount?: string
  readonly jwtPath?: string
  readonly tokenFile?: string
  readonly roleIdFile?: string
  readonly secretIdFile?: string
}

export interface VaultSecretConfig {
  readonly path: string
  readonly keys: readonly string[]
}

export interface ResolvedConfig {
  /** The file the config came from, or undefined for zero-config. */
  readonly file?: string
  readonly environment?: string
  readonly pipeline: {
    readonly config?: string
    readonly envFiles: readonly string[]
    readonly maxStalenessMs: number
    /** Whether `config`/`envFiles` were set explicitly (else defaults that may not exist). */
    readonly explicit: boolean
  }
  readonly vault: {
    readonly configured: boolean
    readonly address?: string
    readonly caCert?: string
    readonly skipVerify: boolean
    readonly namespace?: string
    readonly token?: string
    readonly auth: VaultAuthConfig
    readonly agentConfig?: string
    readonly agentPidFile?: string
    readonly secrets: readonly VaultSecretConfig[]
  }
  readonly aws: {
    readonly configured: boolean
    readonly region?: string
    readonly profile?: string
    readonly endpoint?: string
    readonly expectRoleArn?: string
    readonly maxRotationDays: number
    readonly secrets: readonly { readonly id: string; readonly keys: readonly string[] }[]
  }
  readonly gcp: {
    readonly configured: boolean
    readonly project?: string
    readonly endpoint?: string
    readonly credentialsFile?: string
    readonly secrets: readonly { readonly name: string; readonly keys: readonly string[] }[]
  }
  readonly azure: {
    readonly configured: boolean
    readonly vaultUrl?: string
    readonly clientId?: string
    readonly tenantId?: string
    readonly federatedTokenFile?: string
    readonly authorityHost?: string
    /** SDK retries on 408/429/5xx and network errors (default 1: one quick retry, not a long backoff). */
    readonly maxRetries?: number
    /** Extra CA (PEM) for Key Vault and the authority, e.g. behind a TLS-inspecting proxy. */
    readonly caCert?: string
    readonly secrets: readonly { readonly name: string; readonly keys: readonly string[] }[]
  }
  readonly kubernetes: {
    readonly configured: boolean
    readonly context?: string
    readonly kubeconfig?: string
    readonly namespace: string
    readonly deployment?: string
    readonly selector?: string
    /** Files/folders from --manifests; when non-empty, checks read these instead of a live cluster. */
    readonly manifests: readonly string[]
  }
  readonly ignore: readonly IgnoreEntry[]
  readonly thresholds: {
    readonly latencyP95Ms: number
    readonly latencySamples: number
    readonly tokenMinTtlMs: number
    readonly certMinValidityMs: number
    readonly clockSkewWarnMs: number
    readonly clockSkewFailMs: number
  }
}

export interface IgnoreEntry {
  readonly check: string
  readonly reason: string
  /** YYYY-MM-DD; the entry applies through the end of that day (UTC). */
  readonly until?: string
}
