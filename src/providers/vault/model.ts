// Pure Vault facts that checks (and the provider) share: how a path relates to its KV mount, Vault's error
// text, and the defaults Vault and its agent use when a setting is left out. No I/O, no SDK.

/** Where a Kubernetes pod's service-account token is mounted, and where the agent reads it by default. */
export const DEFAULT_JWT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/** Vault Agent's default for non-leased (KV v2) secrets. */
export const DEFAULT_STATIC_RENDER_INTERVAL_MS = 5 * 60_000

/** Vault's go-multierror text → `permission denied; invalid token`. */
export function cleanVaultError(message: string): string {
  const items = [...message.matchAll(/^\s*\*\s+(.+)$/gm)].map((m) => (m[1] as string).trim())
  return (items.length ? items.join('; ') : message).trim()
}

/** The part of a mount's description that decides how a path on it is read. */
export interface KvMount {
  /** With its trailing slash: `secret/`. */
  readonly mount: string
  readonly kvVersion?: 1 | 2
}

/** How a configured path relates to its KV mount: the API path to read, and the correction when it is wrong. */
export function kvPathCheck(
  path: string,
  mount: KvMount,
): {
  readonly problem?: 'kv2-missing-data' | 'kv1-given-data'
  readonly corrected?: string
  readonly logical: string
} {
  const clean = path.replace(/^\/+/, '')
  const rest = clean.startsWith(mount.mount) ? clean.slice(mount.mount.length) : clean
  if (mount.kvVersion === 2) {
    if (rest.startsWith('data/') || rest.startsWith('metadata/'))
      return { logical: rest.replace(/^(data|metadata)\//, '') }
    return { problem: 'kv2-missing-data', corrected: `${mount.mount}data/${rest}`, logical: rest }
  }
  if (mount.kvVersion === 1 && rest.startsWith('data/'))
    return { problem: 'kv1-given-data', corrected: `${mount.mount}${rest.slice(5)}`, logical: rest.slice(5) }
  return { logical: rest }
}

/** `0600` for 0o600: how Vault's HCL writes a file mode. */
export const octalMode = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`
