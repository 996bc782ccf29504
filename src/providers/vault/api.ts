// The narrow interface the vault checks see: metadata only — key names and states, token TTLs and policies,
// capabilities and mount versions — never a secret value or a token.
import type { ValueState } from '../../core/payload.js'
import type { AgentConfig, TemplateKeyRef } from './agent-config.js'

export type { AgentConfig, AgentSink, AgentTemplate, TemplateKeyRef } from './agent-config.js'

export type VaultAuthMethod = 'token' | 'kubernetes' | 'approle' | 'jwt'

/**
 * Where a login credential comes from when it is not one of the doctor config's files: a file, an environment
 * variable of the agent's (and the doctor's) environment, or the value written into the config itself (a
 * JobSpec's `secret_id: …`), registered with the redactor by whoever read it.
 */
export type CredentialSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'value'; readonly value: string }

/** Credential sources by what they hold; each one set here wins over the matching `*File` setting. */
export interface CredentialSources {
  readonly token?: CredentialSource
  readonly roleId?: CredentialSource
  readonly secretId?: CredentialSource
  readonly jwt?: CredentialSource
}

/** Where a setting came from, for messages ("address from the agent config"). */
export type SettingSource = 'config' | 'env' | 'agent' | 'default' | 'jobspec'

export interface VaultSettings {
  readonly address?: string
  readonly addressSource?: SettingSource
  readonly caCert?: string
  readonly caCertSource?: SettingSource
  readonly skipVerify: boolean
  readonly skipVerifySource?: SettingSource
  /** Client certificate and key for mutual TLS (both or neither). */
  readonly clientCert?: string
  readonly clientKey?: string
  readonly namespace?: string
  readonly auth: {
    readonly method: VaultAuthMethod | string
    readonly methodSource: SettingSource
    readonly role?: string
    readonly mount: string
    readonly jwtPath?: string
    readonly tokenFile?: string
    readonly roleIdFile?: string
    readonly secretIdFile?: string
    readonly sources?: CredentialSources
  }
}

export type AgentLoad =
  | { readonly status: 'none' }
  | { readonly status: 'missing'; readonly path: string }
  /** Not a regular file (a FIFO, a directory), over its cap, or not readable by the doctor. */
  | { readonly status: 'unreadable'; readonly path: string; readonly message: string }
  | {
      readonly status: 'invalid'
      readonly path: string
      readonly message: string
      readonly line?: number
      readonly column?: number
    }
  | { readonly status: 'ok'; readonly config: AgentConfig }

/** A secret path the deployment uses, from the doctor config or an agent template. */
export interface SecretRef {
  readonly path: string
  readonly keys: readonly string[]
  readonly source: 'config' | 'template'
  /** The template file (or agent HCL for inline contents) where the path is used. */
  readonly file?: string
  readonly keyRefs?: readonly TemplateKeyRef[]
}

export interface AddressProbe {
  readonly url: string
  readonly scheme: 'http' | 'https'
  readonly host: string
  readonly port: number
  readonly addresses: readonly string[]
  readonly connectMs: number
}

export interface TlsInfo {
  readonly scheme: 'http' | 'https'
  /** Trusted chain and matching host name. */
  readonly authorized?: boolean
  /** Node's verification code: UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN… */
  readonly authorizationError?: string
  readonly hostnameError?: string
  readonly subject?: string
  readonly issuer?: string
  readonly altNames?: string
  readonly validFrom?: Date
  readonly validTo?: Date
  /** Where the trusted CA came from, or 'system' roots. */
  readonly trust: string
  /** A configured CA file that could not be read, or holds no certificate. */
  readonly caError?: string
  /** The client certificate presented (mutual TLS), or why it could not be used. */
  readonly clientCert?: string
  readonly clientCertError?: string
  readonly skipVerify: boolean
}

export interface HealthInfo {
  readonly initialized: boolean
  readonly sealed: boolean
  readonly standby: boolean
  readonly performanceStandby: boolean
  readonly drSecondary: boolean
  readonly version?: string
  readonly clusterName?: string
  readonly serverTime?: Date
}

export interface LoginInfo {
  readonly method: string
  /** `VAULT_TOKEN`, `token file /x`, `agent sink /x`, `kubernetes login (auth/kubernetes, role r)`. */
  readonly source: string
  readonly mount?: string
  readonly role?: string
  readonly policies?: readonly string[]
}

export interface TokenInfo {
  readonly displayName: string
  readonly policies: readonly string[]
  readonly identityPolicies: readonly string[]
  /** Seconds left; 0 with `expireTime` null means it never expires (root, periodic without ttl). */
  readonly ttlSec: number
  readonly creationTtlSec: number
  readonly expireTime?: string
  readonly renewable: boolean
  readonly entityId?: string
  readonly path?: string
  readonly orphan?: boolean
}

export interface MountInfo {
  readonly mount: string
  readonly type: string
  readonly kvVersion?: 1 | 2
}

export type KeyState = ValueState

export type SecretShape =
  | {
      readonly state: 'ok'
      readonly keys: Readonly<Record<string, KeyState>>
      readonly version?: number
      readonly leaseDurationSec: number
      readonly renewable: boolean
      readonly leased: boolean
    }
  | { readonly state: 'not-found' }
  | { readonly state: 'deleted'; readonly version?: number }
  /** A v1-style path on a KV v2 mount: Vault answers 404 with an "Invalid path for a versioned K/V" warning. */
  | { readonly state: 'kv2-path-without-data'; readonly warning: string }
  | { readonly state: 'denied'; readonly message: string; readonly invalidToken: boolean }

export type AgentTokenState =
  | { readonly path: string; readonly state: 'unreadable' | 'empty' | 'invalid' | 'same-as-doctor' }
  | { readonly path: string; readonly state: 'ok'; readonly info: TokenInfo }

export interface VaultApi {
  settings(): Promise<VaultSettings>
  agent(): Promise<AgentLoad>
  /** Configured secrets plus every path the agent templates use. */
  secretRefs(): Promise<{
    readonly refs: readonly SecretRef[]
    readonly unreadableTemplates: readonly string[]
  }>
  probeAddress(): Promise<AddressProbe>
  tlsInfo(): Promise<TlsInfo>
  health(): Promise<HealthInfo>
  login(): Promise<LoginInfo>
  tokenSelf(): Promise<TokenInfo>
  /**
   * The token the running agent keeps in its file sink (not the doctor's own), looked up read-only.
   * undefined when there is no plain file sink; `unreadable` when the doctor may not read it.
   */
  agentToken(): Promise<AgentTokenState | undefined>
  capabilities(paths: readonly string[]): Promise<Readonly<Record<string, readonly string[]>>>
  /** undefined when the token cannot see the mount (preflight 403) or the endpoint does not exist. */
  mountInfo(path: string): Promise<MountInfo | undefined>
  readSecret(apiPath: string): Promise<SecretShape>
  audits(): Promise<readonly { readonly path: string; readonly type: string }[]>
  /** One timed read (not memoized), in ms. */
  sampleRead(apiPath: string): Promise<number>
}
