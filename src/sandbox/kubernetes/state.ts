// What the simulated cluster holds: its objects (as the API serves them), who may do what, which custom
// resource groups are installed, and how it answers paths it does not serve.

// Objects are free-form JSON, as the API serves them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export type RawObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [k: string]: Json }
  [k: string]: Json
}

export interface KubeSimState {
  /** The bearer token the server accepts. */
  token: string
  /** The user SelfSubjectReview names. */
  user: string
  objects: RawObject[]
  /** ESO versions served; undefined = ESO not installed. */
  esoServed?: string[]
  /** Whether the Secrets Store CSI CRDs are installed. */
  csiCrds: boolean
  /** `verb resource` pairs this user may not do (`list secrets`, `get csidrivers`, `* *`). */
  deny: string[]
  /** Unknown API paths: the classic `404 page not found` text, or a newer apiserver's Status JSON. */
  notFoundStyle: 'text' | 'status'
  gitVersion: string
}

export function defaultKubeState(overrides: Partial<KubeSimState> = {}): KubeSimState {
  return {
    token: 'k8s-sandbox-token-7f3a9c',
    user: 'system:serviceaccount:expanso-system:edge-doctor',
    objects: [],
    esoServed: ['v1'],
    csiCrds: true,
    deny: [],
    notFoundStyle: 'text',
    gitVersion: 'v1.30.4',
    ...overrides,
  }
}

export const status = (code: number, reason: string, message: string, details?: Record<string, string>) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
})
