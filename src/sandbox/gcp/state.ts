// The simulated Google project: its secrets, IAM, service accounts, and what the token endpoint and the
// metadata server hand out. Tests and scenarios change it between calls.
import { randomBytes } from 'node:crypto'

export const ACCESSOR = 'roles/secretmanager.secretAccessor'
export const VIEWER = 'roles/secretmanager.viewer'

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED'

export interface GcpSimVersion {
  readonly id: number
  state: VersionState
  createTime: string
  /** The payload; a canary in tests, which must never reach any output. */
  data: string
}

export interface GcpSimSecret {
  createTime: string
  labels?: Record<string, string>
  topics?: string[]
  rotation?: { nextRotationTime?: string; rotationPeriodSeconds?: number }
  expireTime?: string
  versions: GcpSimVersion[]
  /** member (`serviceAccount:x@p.iam.gserviceaccount.com`) → roles granted on this secret. */
  iam: Record<string, string[]>
}

export interface GcpSimServiceAccount {
  /** PEM public keys by key id; a deleted key is simply absent. */
  keys: Record<string, string>
  disabled?: boolean
}

export interface GcpSimState {
  projectId: string
  projectNumber: string
  apiEnabled: boolean
  /** Roles granted at the project level, by member. */
  projectIam: Record<string, string[]>
  secrets: Record<string, GcpSimSecret>
  serviceAccounts: Record<string, GcpSimServiceAccount>
  /** Seconds of clock difference the token endpoint tolerates on `iat`/`exp`. */
  tokenLeewaySeconds: number
  metadata: {
    /** The service account the metadata server hands out tokens for (the GSA, or the node's default SA). */
    email: string
    /** Set to the text the GKE metadata server answers when the Workload Identity binding is missing. */
    tokenDenied?: string
  }
  /** Access tokens issued, mapped to the principal they stand for. */
  readonly tokens: Map<string, string>
}

export function defaultGcpState(overrides: Partial<GcpSimState> = {}): GcpSimState {
  return {
    projectId: 'my-project',
    projectNumber: '123456789012',
    apiEnabled: true,
    projectIam: {},
    secrets: {},
    serviceAccounts: {},
    tokenLeewaySeconds: 300,
    metadata: { email: 'expanso-edge@my-project.iam.gserviceaccount.com' },
    tokens: new Map(),
    ...overrides,
  }
}

/** An OAuth access token in Google's shape, remembered as standing for `principal`. */
export function issueToken(state: GcpSimState, principal: string): string {
  const token = `ya29.c.${randomBytes(48).toString('base64url')}`
  state.tokens.set(token, principal)
  return token
}

/** RFC 3339 with microseconds, as Google's JSON timestamps read. */
export const rfc3339 = (iso: string): string => iso.replace(/\.(\d{3})Z$/, '.$1000Z')
