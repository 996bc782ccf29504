// What the gcp checks see of Google Secret Manager: metadata, key names and key states — never a payload.
import type { ValueState } from '../../core/payload.js'

export type GcpCredentialSource =
  | 'service-account-key'
  | 'external-account'
  | 'authorized-user'
  | 'impersonated-service-account'
  | 'metadata-server'

export interface GcpCredentials {
  readonly source: GcpCredentialSource
  /** The credentials file used and where its path came from. */
  readonly file?: string
  readonly fileFrom?: 'config' | 'GOOGLE_APPLICATION_CREDENTIALS' | 'gcloud'
  /** The identity's email, when the source names one. */
  readonly principal?: string
  /** `serviceAccount:…` / `user:…`, for IAM commands. */
  readonly member?: string
  readonly project?: string
  readonly projectFrom?: 'config' | 'GOOGLE_CLOUD_PROJECT' | 'credentials' | 'metadata'
  readonly tokenUri?: string
  readonly keyId?: string
  readonly expiresAt?: string
  /** `namespace/name` of the pod's Kubernetes service account, when running in a pod (Workload Identity). */
  readonly kubernetesServiceAccount?: string
}

export interface GcpPayloadInfo {
  /** `projects/<number>/secrets/<id>/versions/<n>` as the API named it. */
  readonly name: string
  readonly version: string
  readonly bytes: number
  readonly format: 'json-object' | 'json-other' | 'text' | 'empty'
  /** For a JSON object payload: each key's state. */
  readonly keys?: Readonly<Record<string, ValueState>>
}

export interface GcpRotationInfo {
  readonly nextRotationTime?: string
  readonly rotationPeriodSeconds?: number
}

export interface GcpSecretInfo {
  readonly name: string
  readonly createTime?: string
  readonly expireTime?: string
  readonly rotation?: GcpRotationInfo
  readonly topics: readonly string[]
}

export interface GcpVersionInfo {
  readonly name: string
  readonly version: string
  readonly state: 'ENABLED' | 'DISABLED' | 'DESTROYED' | 'UNKNOWN'
  readonly createTime?: string
}

/** A configured secret as the API addresses it. */
export interface GcpSecretRef {
  readonly project: string
  readonly secret: string
  /** `latest` unless the config pinned one. */
  readonly version: string
  /** `projects/<p>/secrets/<s>` */
  readonly resource: string
}

export interface GcpApi {
  /** The Secret Manager endpoint, `https://host[:port]`. */
  readonly endpoint: string
  /** Resolves credentials and obtains an access token (memoized). */
  credentials(): Promise<GcpCredentials>
  /** The configured secret `name` (short, or `projects/p/secrets/s[/versions/n]`) with the resolved project. */
  ref(name: string): Promise<GcpSecretRef>
  /** AccessSecretVersion on the configured version: payload shape and key states only (memoized). */
  access(name: string): Promise<GcpPayloadInfo>
  /** GetSecret: rotation, topics, expiry (memoized). Needs secretmanager.secrets.get (roles/secretmanager.viewer). */
  secret(name: string): Promise<GcpSecretInfo>
  /** GetSecretVersion on the configured version (memoized). Needs secretmanager.versions.get. */
  version(name: string): Promise<GcpVersionInfo>
  /** One unmemoized AccessSecretVersion, timed in ms (latency sampling). */
  timeAccess(name: string): Promise<number>
}
