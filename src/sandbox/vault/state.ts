// The simulated Vault's state: mounts, secrets, policies, tokens, auth roles and audit devices. Mutable
// between requests; scenarios and tests shape it, the handlers read and (for logins and writes) change it.
import { randomBytes } from 'node:crypto'

export interface VaultPolicyRule {
  /** ACL path pattern: exact, `prefix*`, with `+` for one segment. */
  readonly path: string
  readonly capabilities: readonly string[]
}

export interface VaultSimToken {
  readonly policies: readonly string[]
  /** Absolute expiry (ms since epoch, real clock); undefined = never (root). */
  expiresAt?: number
  readonly creationTtlSec?: number
  readonly renewable?: boolean
  readonly displayName?: string
  readonly entityId?: string
  readonly path?: string
  readonly meta?: Readonly<Record<string, string>>
  readonly identityPolicies?: readonly string[]
}

export interface VaultKubernetesRole {
  readonly boundServiceAccountNames: readonly string[]
  readonly boundServiceAccountNamespaces: readonly string[]
  readonly policies: readonly string[]
  readonly ttlSec: number
  readonly renewable?: boolean
  readonly audience?: string
  /** When set, the JWT's `iss` must equal it (Vault < 1.9 validated `iss` by default). */
  readonly issuer?: string
}

export interface VaultAppRole {
  readonly roleId: string
  readonly secretId: string
  readonly policies: readonly string[]
  readonly ttlSec: number
}

/** A role of Vault's JWT/OIDC auth method (`role_type=jwt`), the bindings a login is judged by. */
export interface VaultJwtRole {
  /** `bound_audiences`: one of them must be in `aud`; none bound and an `aud` present is refused. */
  readonly boundAudiences?: readonly string[]
  readonly boundSubject?: string
  /** `bound_claims`: each claim must equal one of the values. */
  readonly boundClaims?: Readonly<Record<string, string | readonly string[]>>
  /** `user_claim` (default `sub`): names the token. */
  readonly userClaim?: string
  readonly policies: readonly string[]
  readonly ttlSec: number
}

export interface VaultSimSecret {
  data: Record<string, string>
  version?: number
  updatedTime?: string
  /** KV v2 soft delete of the current version. */
  deleted?: boolean
}

export interface VaultSimState {
  initialized: boolean
  sealed: boolean
  standby: boolean
  version: string
  clusterName: string
  /** `secret/` → KV version. */
  mounts: Record<string, { readonly type: 'kv'; readonly version: 1 | 2 }>
  /** Keyed by mount + logical path, without `data/`: `secret/expanso/prod/pipeline`. */
  secrets: Record<string, VaultSimSecret>
  policies: Record<string, readonly VaultPolicyRule[]>
  tokens: Record<string, VaultSimToken>
  kubernetes: { mount: string; roles: Record<string, VaultKubernetesRole> } | undefined
  approle: { mount: string; roles: Record<string, VaultAppRole> } | undefined
  /** JWT auth; `boundIssuer` is the mount's `bound_issuer` (checked against `iss` when set). */
  jwt?: { mount: string; boundIssuer?: string; roles: Record<string, VaultJwtRole> }
  /** Enabled audit devices (`file/` → options). */
  audit: Record<string, { type: 'file' | 'socket' | 'syslog'; options: Record<string, string> }>
}

/** The `default` policy every token carries (the part that matters to the doctor). */
export const DEFAULT_POLICY: readonly VaultPolicyRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
  { path: 'sys/capabilities-self', capabilities: ['update'] },
  { path: 'sys/internal/ui/resultant-acl', capabilities: ['read'] },
]

export function newToken(): string {
  return `hvs.${randomBytes(18).toString('base64url')}`
}
