// A loopback HashiCorp Vault, faithful to research/wire-protocols.md §1: sys/health's status codes and
// bodies, the seal status, Kubernetes and AppRole login, token self-lookup, capabilities-self,
// sys/internal/ui/mounts (KV v1/v2 detection), KV v1 and v2 reads with their exact not-found shapes,
// sys/audit (sudo), ACL policies with glob paths, the go-multierror error strings, and `Cache-Control:
// no-store`. The state object is mutable between requests; every request lands in the request log.
import { randomBytes, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import {
  type LoopbackServer,
  type RequestLogEntry,
  type ServerKnobs,
  type SimRequest,
  startLoopbackServer,
} from './server.js'
import { type CertificateAuthority, createCA, issueCertificate } from './tls.js'

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
  /** Enabled audit devices (`file/` → options). */
  audit: Record<string, { type: 'file' | 'socket' | 'syslog'; options: Record<string, string> }>
}

export type VaultTlsMode = 'valid' | 'expired' | 'expiring' | 'wrong-host' | 'untrusted'

export interface VaultSimOptions {
  /** HTTPS with a certificate of this kind; plain HTTP when absent. */
  readonly tls?: VaultTlsMode
  /** Reuse a CA (e.g. one the scenario already wrote to disk). */
  readonly ca?: CertificateAuthority
  readonly knobs?: Partial<ServerKnobs>
  /** Days left for `expiring` (default 5). */
  readonly expiringDays?: number
}

export interface VaultSim {
  readonly url: string
  readonly port: number
  readonly state: VaultSimState
  readonly knobs: ServerKnobs
  readonly requests: RequestLogEntry[]
  /** The CA the doctor should trust (for `untrusted`, the CA that did NOT sign the server cert). */
  readonly caPem?: string
  readonly server: LoopbackServer
  close(): Promise<void>
}

const DAY = 86_400_000
const PD = '1 error occurred:\n\t* permission denied\n\n'
const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'

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

/** A Kubernetes service-account JWT (unsigned: the simulator checks claims, not signatures). */
export function makeServiceAccountJwt(claims: {
  namespace: string
  serviceAccount: string
  iss?: string
  aud?: string | string[]
  expSec?: number
}): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return [
    b64({ alg: 'RS256', kid: 'sandbox' }),
    b64({
      iss: claims.iss ?? 'https://kubernetes.default.svc.cluster.local',
      aud: claims.aud ?? ['https://kubernetes.default.svc.cluster.local'],
      sub: `system:serviceaccount:${claims.namespace}:${claims.serviceAccount}`,
      'kubernetes.io': { namespace: claims.namespace, serviceaccount: { name: claims.serviceAccount } },
      iat: now,
      exp: now + (claims.expSec ?? 3600),
    }),
    randomBytes(32).toString('base64url'),
  ].join('.')
}

/** Requests that change nothing: reads, logins, lookups, capability simulations. */
export function isReadOnlyRequest(e: RequestLogEntry): boolean {
  if (e.method === 'GET' || e.method === 'HEAD' || e.method === 'LIST') return true
  if (e.method === 'POST' || e.method === 'PUT')
    return /^\/v1\/auth\/.+\/login$/.test(e.path) || e.path === '/v1/sys/capabilities-self'
  return false
}

// ---- ACL --------------------------------------------------------------------------------------------

function patternRegex(pattern: string): RegExp {
  const esc = pattern
    .split('')
    .map((c, i) =>
      c === '+'
        ? '[^/]+'
        : c === '*' && i === pattern.length - 1
          ? '.*'
          : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${esc}$`)
}

/** Vault's rule: an exact path beats globs; among globs the longest literal prefix wins; deny wins. */
export function capabilitiesFor(state: VaultSimState, policies: readonly string[], path: string): string[] {
  if (policies.includes('root')) return ['root']
  const rules: VaultPolicyRule[] = []
  for (const name of new Set([...policies, 'default'])) {
    const p = name === 'default' ? (state.policies.default ?? DEFAULT_POLICY) : state.policies[name]
    if (p) rules.push(...p)
  }
  const matching = rules.filter((r) => patternRegex(r.path).test(path))
  if (matching.length === 0) return ['deny']
  const score = (p: string) => (/[*+]/.test(p) ? p.search(/[*+]/) : 10_000 + p.length)
  const best = Math.max(...matching.map((r) => score(r.path)))
  const caps = new Set(matching.filter((r) => score(r.path) === best).flatMap((r) => r.capabilities))
  if (caps.has('deny') || caps.size === 0) return ['deny']
  return [...caps].sort()
}

const OP_CAP: Record<string, string> = {
  GET: 'read',
  HEAD: 'read',
  LIST: 'list',
  POST: 'update',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
}

// ---- HTTP helpers ----------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : `${JSON.stringify(body)}\n`
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    headers['Content-Length'] = String(Buffer.byteLength(text))
  }
  res.writeHead(status, headers)
  res.end(text)
}

const errors = (res: ServerResponse, status: number, ...msgs: string[]) => send(res, status, { errors: msgs })

function envelope(fields: {
  data?: unknown
  auth?: unknown
  leaseDuration?: number
  renewable?: boolean
  leaseId?: string
  warnings?: string[] | null
  mountType?: string
}): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: fields.leaseId ?? '',
    renewable: fields.renewable ?? false,
    lease_duration: fields.leaseDuration ?? 0,
    data: fields.data ?? null,
    wrap_info: null,
    warnings: fields.warnings ?? null,
    auth: fields.auth ?? null,
    mount_type: fields.mountType ?? '',
  }
}

/** sys/ routes listed in Vault's injectDataIntoTopRoutes duplicate `data` at the top level. */
const injected = (env: Record<string, unknown>) => ({ ...(env.data as Record<string, unknown>), ...env })

const parseBool = (v: string | null) => (v === null ? undefined : v === '' || v === 'true' || v === '1')

// ---- handlers -------------------------------------------------------------------------------------

function health(state: VaultSimState, r: SimRequest): void {
  const q = r.url.searchParams
  const code = (name: string, dflt: number) => {
    const v = q.get(name)
    return v === null ? dflt : Number(v)
  }
  for (const k of [
    'activecode',
    'standbycode',
    'sealedcode',
    'uninitcode',
    'drsecondarycode',
    'performancestandbycode',
  ])
    if (q.has(k) && !/^\d+$/.test(q.get(k) as string)) return errors(r.res, 400)
  const serverTime = Math.floor(r.now.getTime() / 1000)
  const unsealedBody = {
    initialized: true,
    sealed: false,
    standby: state.standby,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: serverTime,
    version: state.version,
    enterprise: false,
    cluster_name: state.clusterName,
    cluster_id: '0e4e2f40-6f0b-1d83-8b6c-3c4a1c1f9e21',
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    replication_primary_canary_age_ms: 0,
    ...(state.standby
      ? { ha_connection_healthy: true, last_request_forwarding_heartbeat_ms: 1 }
      : { removed_from_cluster: false }),
  }
  const sealedBody = {
    initialized: state.initialized,
    sealed: true,
    standby: true,
    performance_standby: false,
    replication_performance_mode: 'unknown',
    replication_dr_mode: 'unknown',
    server_time_utc: serverTime,
    version: state.version,
    enterprise: false,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    replication_primary_canary_age_ms: 0,
  }
  let status: number
  let body: unknown
  if (!state.initialized) [status, body] = [code('uninitcode', 501), sealedBody]
  else if (state.sealed) [status, body] = [code('sealedcode', 503), sealedBody]
  else if (state.standby && !parseBool(q.get('standbyok')))
    [status, body] = [code('standbycode', 429), unsealedBody]
  else [status, body] = [code('activecode', 200), unsealedBody]
  if (r.req.method === 'HEAD') {
    r.res.writeHead(status, { 'Cache-Control': 'no-store' })
    r.res.end()
    return
  }
  send(r.res, status, body)
}

function sealStatus(state: VaultSimState, r: SimRequest): void {
  send(r.res, 200, {
    type: 'shamir',
    initialized: state.initialized,
    sealed: !state.initialized || state.sealed,
    t: state.initialized ? 3 : 0,
    n: state.initialized ? 5 : 0,
    progress: 0,
    nonce: '',
    version: state.version,
    build_date: '2024-10-29T14:21:31Z',
    migration: false,
    ...(state.sealed || !state.initialized
      ? {}
      : { cluster_name: state.clusterName, cluster_id: '0e4e2f40-6f0b-1d83-8b6c-3c4a1c1f9e21' }),
    recovery_seal: false,
    storage_type: 'raft',
    removed_from_cluster: false,
  })
}

function parseJson(body: string): Record<string, unknown> {
  if (!body.trim()) return {}
  try {
    const v = JSON.parse(body) as unknown
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function decodeJwt(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1]
  if (!part) return undefined
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function issueToken(
  state: VaultSimState,
  r: SimRequest,
  t: {
    policies: readonly string[]
    ttlSec: number
    renewable: boolean
    displayName: string
    path: string
    meta: Record<string, string>
  },
): void {
  const token = newToken()
  const entityId = randomUUID()
  state.tokens[token] = {
    policies: t.policies,
    expiresAt: Date.now() + t.ttlSec * 1000,
    creationTtlSec: t.ttlSec,
    renewable: t.renewable,
    displayName: t.displayName,
    entityId,
    path: t.path,
    meta: t.meta,
  }
  send(
    r.res,
    200,
    envelope({
      auth: {
        client_token: token,
        accessor: randomUUID(),
        policies: ['default', ...t.policies.filter((p) => p !== 'default')],
        token_policies: ['default', ...t.policies.filter((p) => p !== 'default')],
        metadata: t.meta,
        lease_duration: t.ttlSec,
        renewable: t.renewable,
        entity_id: entityId,
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    }),
  )
}

function login(state: VaultSimState, r: SimRequest, mount: string): void {
  const body = parseJson(r.body)
  if (state.kubernetes && mount === state.kubernetes.mount) {
    r.log.operation = 'kubernetes-login'
    const role = typeof body.role === 'string' ? body.role : ''
    const jwt = typeof body.jwt === 'string' ? body.jwt : ''
    if (!role) return errors(r.res, 400, 'missing role')
    if (!jwt) return errors(r.res, 400, 'missing jwt')
    const def = state.kubernetes.roles[role]
    if (!def) return errors(r.res, 400, `invalid role name "${role}"`)
    const claims = decodeJwt(jwt)
    if (!claims) return errors(r.res, 403, 'permission denied')
    const [, , ns = '', sa = ''] = String(claims.sub ?? '').split(':')
    if (typeof claims.exp === 'number' && claims.exp * 1000 < r.now.getTime())
      return errors(r.res, 403, 'permission denied')
    if (def.issuer && claims.iss !== def.issuer) return errors(r.res, 403, 'claim "iss" is invalid')
    if (def.audience) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      if (!aud.includes(def.audience))
        return errors(
          r.res,
          403,
          'invalid audience (aud) claim: audience claim does not match any expected audience',
        )
    }
    if (!def.boundServiceAccountNames.includes('*') && !def.boundServiceAccountNames.includes(sa))
      return errors(r.res, 403, 'service account name not authorized')
    if (!def.boundServiceAccountNamespaces.includes('*') && !def.boundServiceAccountNamespaces.includes(ns))
      return errors(r.res, 403, 'namespace not authorized')
    return issueToken(state, r, {
      policies: def.policies,
      ttlSec: def.ttlSec,
      renewable: def.renewable ?? true,
      displayName: `${mount}-${ns}-${sa}`,
      path: `auth/${mount}/login`,
      meta: { role, service_account_name: sa, service_account_namespace: ns },
    })
  }
  if (state.approle && mount === state.approle.mount) {
    r.log.operation = 'approle-login'
    const roleId = typeof body.role_id === 'string' ? body.role_id : ''
    if (!roleId) return errors(r.res, 400, 'missing role_id')
    const entry = Object.entries(state.approle.roles).find(([, v]) => v.roleId === roleId)
    if (!entry || entry[1].secretId !== body.secret_id) return errors(r.res, 400, 'invalid role or secret ID')
    return issueToken(state, r, {
      policies: entry[1].policies,
      ttlSec: entry[1].ttlSec,
      renewable: true,
      displayName: `approle`,
      path: `auth/${mount}/login`,
      meta: { role_name: entry[0] },
    })
  }
  errors(r.res, 404, `no handler for route "auth/${mount}/login". route entry not found.`)
}

function tokenOf(
  state: VaultSimState,
  r: SimRequest,
): { token: string; t: VaultSimToken } | 'missing' | 'invalid' {
  const header = r.req.headers['x-vault-token']
  const auth = r.req.headers.authorization
  const token =
    (typeof header === 'string' ? header : undefined) ??
    (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined)
  if (!token) return 'missing'
  const t = state.tokens[token]
  if (!t) return 'invalid'
  if (t.expiresAt !== undefined && t.expiresAt <= Date.now()) return 'invalid'
  return { token, t }
}

function lookupSelf(r: SimRequest, token: string, t: VaultSimToken): void {
  const ttl = t.expiresAt === undefined ? 0 : Math.max(0, Math.floor((t.expiresAt - Date.now()) / 1000))
  const isRoot = t.policies.includes('root')
  const iso = (ms: number) => new Date(ms).toISOString()
  send(
    r.res,
    200,
    envelope({
      mountType: 'token',
      data: {
        accessor: '8609694a-cdbc-db9b-d345-e782dbb562ed',
        creation_time: Math.floor(Date.now() / 1000) - ((t.creationTtlSec ?? 0) - ttl),
        creation_ttl: t.creationTtlSec ?? 0,
        display_name: t.displayName ?? (isRoot ? 'root' : 'token'),
        entity_id: t.entityId ?? '',
        expire_time: t.expiresAt === undefined ? null : iso(t.expiresAt),
        explicit_max_ttl: 0,
        id: token,
        identity_policies: t.identityPolicies,
        issue_time: iso(Date.now() - ((t.creationTtlSec ?? 0) - ttl) * 1000),
        meta: t.meta ?? null,
        num_uses: 0,
        orphan: true,
        path: t.path ?? (isRoot ? 'auth/token/root' : 'auth/token/create'),
        policies: isRoot ? ['root'] : ['default', ...t.policies.filter((p) => p !== 'default')],
        renewable: t.renewable ?? false,
        ttl,
        type: 'service',
      },
    }),
  )
}

function mountOf(
  state: VaultSimState,
  path: string,
): { mount: string; rest: string; version: 1 | 2 } | undefined {
  const mount = Object.keys(state.mounts)
    .filter((m) => `${path}/`.startsWith(m))
    .sort((a, b) => b.length - a.length)[0]
  if (!mount) return undefined
  return {
    mount,
    rest: path.slice(mount.length),
    version: (state.mounts[mount] as { version: 1 | 2 }).version,
  }
}

function uiMounts(state: VaultSimState, r: SimRequest, policies: readonly string[], path: string): void {
  const m = mountOf(state, path)
  // The preflight: the token needs some capability somewhere under the path's mount.
  const visible =
    m &&
    (policies.includes('root') ||
      policies.some((p) =>
        (state.policies[p] ?? []).some(
          (rule) => rule.path.startsWith(m.mount) && !rule.capabilities.includes('deny'),
        ),
      ))
  if (!m || !visible) {
    const shown = path.endsWith('/') ? path : `${path}/`
    return errors(
      r.res,
      403,
      `preflight capability check returned 403, please ensure client's policies grant access to path "${shown}"`,
    )
  }
  send(
    r.res,
    200,
    envelope({
      mountType: 'system',
      data: {
        accessor: `kv_${m.mount.replace(/\W/g, '')}`,
        config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
        description: 'key/value secret storage',
        external_entropy_access: false,
        local: false,
        options: m.version === 2 ? { version: '2' } : null,
        path: m.mount,
        plugin_version: '',
        running_plugin_version: 'v0.20.0+builtin',
        running_sha256: '',
        seal_wrap: false,
        type: 'kv',
        uuid: 'b2e6c4de-7f0b-6f5e-2e0a-9c0f3a2b6d11',
      },
    }),
  )
}

function kv(state: VaultSimState, r: SimRequest, path: string, method: string): void {
  const m = mountOf(state, path)
  if (!m) return errors(r.res, 404, `no handler for route "${path}". route entry not found.`)
  if (m.version === 1) {
    r.log.operation = 'kv1'
    const s = state.secrets[path]
    if (method === 'GET' && s)
      return send(r.res, 200, envelope({ data: { ...s.data }, leaseDuration: 2764800, mountType: 'kv' }))
    if (method === 'GET') return errors(r.res, 404)
    if (method === 'POST' || method === 'PUT') {
      state.secrets[path] = { data: parseJson(r.body) as Record<string, string> }
      return send(r.res, 204)
    }
    return errors(r.res, 405)
  }
  r.log.operation = 'kv2'
  const [kind, ...restParts] = m.rest.split('/')
  const logical = `${m.mount}${restParts.join('/')}`
  const s = state.secrets[logical]
  if (kind === 'data' && method === 'GET') {
    if (!s) return errors(r.res, 404)
    const version = s.version ?? 1
    const created = s.updatedTime ?? '2026-11-01T10:00:00.000000000Z'
    if (s.deleted)
      return send(
        r.res,
        404,
        envelope({
          data: {
            data: null,
            metadata: {
              created_time: created,
              custom_metadata: null,
              deletion_time: created,
              destroyed: false,
              version,
            },
          },
        }),
      )
    return send(
      r.res,
      200,
      envelope({
        mountType: 'kv',
        data: {
          data: { ...s.data },
          metadata: {
            created_time: created,
            custom_metadata: null,
            deletion_time: '',
            destroyed: false,
            version,
          },
        },
      }),
    )
  }
  if (kind === 'metadata' && (method === 'GET' || method === 'LIST')) {
    if (method === 'LIST' || r.url.searchParams.get('list')) {
      const prefix = logical.endsWith('/') || logical === m.mount ? logical : `${logical}/`
      const keys = new Set<string>()
      for (const k of Object.keys(state.secrets))
        if (k.startsWith(prefix)) {
          const rest = k.slice(prefix.length)
          keys.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest)
        }
      if (keys.size === 0) return errors(r.res, 404)
      return send(r.res, 200, envelope({ mountType: 'kv', data: { keys: [...keys].sort() } }))
    }
    if (!s) return errors(r.res, 404)
    const version = s.version ?? 1
    const t = s.updatedTime ?? '2026-11-01T10:00:00.000000000Z'
    return send(
      r.res,
      200,
      envelope({
        mountType: 'kv',
        data: {
          cas_required: false,
          created_time: t,
          current_version: version,
          custom_metadata: null,
          delete_version_after: '0s',
          max_versions: 0,
          oldest_version: 0,
          updated_time: t,
          versions: { [String(version)]: { created_time: t, deletion_time: '', destroyed: false } },
        },
      }),
    )
  }
  if (kind === 'data' && (method === 'POST' || method === 'PUT')) {
    const body = parseJson(r.body)
    const prev = s?.version ?? 0
    state.secrets[logical] = {
      data: (body.data ?? {}) as Record<string, string>,
      version: prev + 1,
      updatedTime: new Date().toISOString(),
    }
    return send(r.res, 200, envelope({ data: { version: prev + 1 } }))
  }
  // A v1-style path on a v2 mount.
  send(r.res, 404, {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: [
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
    ],
    auth: null,
  })
}

function handle(state: VaultSimState, r: SimRequest): void {
  const method =
    (r.req.method ?? 'GET').toUpperCase() === 'GET' && r.url.searchParams.get('list')
      ? 'LIST'
      : (r.req.method ?? 'GET').toUpperCase()
  if (!r.url.pathname.startsWith('/v1/')) return errors(r.res, 404)
  const path = r.url.pathname.slice(4).replace(/\/$/, '')
  r.log.operation = path
  if (path === 'sys/health') return health(state, r)
  if (path === 'sys/seal-status') return sealStatus(state, r)
  if (path === 'sys/init' && method === 'GET') return send(r.res, 200, { initialized: state.initialized })
  if (path === 'sys/leader' && method === 'GET') {
    if (!state.initialized || state.sealed) return errors(r.res, 503, 'Vault is sealed')
    const self = `https://127.0.0.1:${r.req.socket.localPort ?? 8200}`
    return send(r.res, 200, {
      ha_enabled: true,
      is_self: !state.standby,
      active_time: state.standby ? '0001-01-01T00:00:00Z' : '2026-11-01T10:00:00Z',
      leader_address: self,
      leader_cluster_address: self.replace(/:\d+$/, ':8201'),
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
      raft_committed_index: 1234,
      raft_applied_index: 1234,
    })
  }
  if (!state.initialized || state.sealed) return errors(r.res, 503, 'Vault is sealed')

  const loginMatch = /^auth\/(.+)\/login$/.exec(path)
  if (loginMatch && (method === 'POST' || method === 'PUT')) return login(state, r, loginMatch[1] as string)

  const who = tokenOf(state, r)
  if (who === 'missing') return errors(r.res, 403, 'permission denied')
  if (who === 'invalid') return errors(r.res, 403, INVALID_TOKEN)
  const { token, t } = who

  if (path === 'auth/token/lookup-self' && method === 'GET') {
    if (!capabilitiesFor(state, t.policies, path).some((c) => c === 'read' || c === 'root'))
      return errors(r.res, 403, PD)
    return lookupSelf(r, token, t)
  }
  if (path === 'auth/token/renew-self' && (method === 'POST' || method === 'PUT')) {
    if (!t.renewable) return errors(r.res, 400, 'lease is not renewable')
    t.expiresAt = Date.now() + (t.creationTtlSec ?? 0) * 1000
    return send(
      r.res,
      200,
      envelope({
        auth: {
          client_token: token,
          policies: t.policies,
          lease_duration: t.creationTtlSec,
          renewable: true,
        },
      }),
    )
  }
  if (path === 'sys/capabilities-self' && (method === 'POST' || method === 'PUT')) {
    const body = parseJson(r.body)
    const paths = Array.isArray(body.paths)
      ? (body.paths as string[])
      : typeof body.path === 'string'
        ? [body.path]
        : []
    const data: Record<string, string[]> = {}
    for (const p of paths) data[p] = capabilitiesFor(state, t.policies, p.replace(/^\//, ''))
    if (paths.length === 1) data.capabilities = data[paths[0] as string] as string[]
    return send(r.res, 200, injected(envelope({ data, mountType: 'system' })))
  }
  if (path.startsWith('sys/internal/ui/mounts/') && method === 'GET')
    return uiMounts(state, r, t.policies, path.slice('sys/internal/ui/mounts/'.length))

  const needed = OP_CAP[method] ?? 'read'
  const caps = capabilitiesFor(state, t.policies, path)
  const allowed =
    caps.includes('root') || caps.includes(needed) || (needed === 'update' && caps.includes('create'))
  if (path === 'sys/audit' && method === 'GET') {
    if (!caps.includes('root') && !(caps.includes('sudo') && caps.includes('read')))
      return errors(r.res, 403, PD)
    const data: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(state.audit))
      data[k] = { description: '', local: false, options: v.options, path: k, type: v.type }
    const env = envelope({ data, mountType: 'system' })
    return send(r.res, 200, Object.keys(data).length ? injected(env) : env)
  }
  if (!allowed) return errors(r.res, 403, PD)
  kv(state, r, path, method)
}

function certificateFor(mode: VaultTlsMode, ca: CertificateAuthority, expiringDays: number) {
  const now = Date.now()
  switch (mode) {
    case 'expired':
      return issueCertificate(ca, { notBefore: new Date(now - 90 * DAY), notAfter: new Date(now - 2 * DAY) })
    case 'expiring':
      return issueCertificate(ca, {
        notBefore: new Date(now - 80 * DAY),
        notAfter: new Date(now + expiringDays * DAY),
      })
    case 'wrong-host':
      return issueCertificate(ca, { hosts: ['vault.other.example'], commonName: 'vault.other.example' })
    default:
      return issueCertificate(ca)
  }
}

// RSA key generation dominates start-up; one CA pair and one leaf per kind serve every simulator of a process.
let sharedCa: CertificateAuthority | undefined
let strangerCa: CertificateAuthority | undefined
const leafCache = new Map<string, { certPem: string; keyPem: string }>()

export async function startVaultSim(state: VaultSimState, options: VaultSimOptions = {}): Promise<VaultSim> {
  let tls: { certPem: string; keyPem: string } | undefined
  let caPem: string | undefined
  if (options.tls) {
    const ca = options.ca ?? (sharedCa ??= createCA('edge-secrets sandbox Vault CA'))
    caPem = ca.certPem
    // `untrusted`: the server's cert comes from a CA the doctor is not given.
    const signer = options.tls === 'untrusted' ? (strangerCa ??= createCA('unknown private CA')) : ca
    const key = `${signer.certPem}|${options.tls}|${options.expiringDays ?? 5}`
    tls = leafCache.get(key) ?? certificateFor(options.tls, signer, options.expiringDays ?? 5)
    leafCache.set(key, tls)
  }
  const server = await startLoopbackServer((r) => handle(state, r), { tls, knobs: options.knobs })
  return {
    url: server.url,
    port: server.port,
    state,
    knobs: server.knobs,
    requests: server.requests,
    caPem,
    server,
    close: () => server.close(),
  }
}

export interface HealthyVaultOptions {
  readonly rootToken?: string
  readonly appToken?: string
  /** Logical secret path of the pipeline (KV v2 mount `secret/`). */
  readonly secretPath?: string
  readonly secretData?: Record<string, string>
  readonly tokenTtlSec?: number
}

/**
 * A working Vault: KV v2 at `secret/`, KV v1 at `kv/`, a policy `expanso-edge` reading the pipeline's
 * secret, Kubernetes auth role `expanso-edge` bound to expanso-system/expanso-edge, an AppRole, a file
 * audit device, and an app token carrying the policy.
 */
export function healthyVaultState(o: HealthyVaultOptions = {}): VaultSimState {
  const secretPath = o.secretPath ?? 'secret/expanso/prod/pipeline'
  const [mount, ...rest] = secretPath.split('/')
  const policies = {
    'expanso-edge': [
      { path: `${mount}/data/${rest.join('/')}`, capabilities: ['read'] },
      { path: `${mount}/metadata/${rest.join('/')}`, capabilities: ['read', 'list'] },
      { path: 'kv/expanso/prod/*', capabilities: ['read'] },
    ],
  }
  const tokens: Record<string, VaultSimToken> = {}
  if (o.rootToken) tokens[o.rootToken] = { policies: ['root'] }
  if (o.appToken)
    tokens[o.appToken] = {
      policies: ['default', 'expanso-edge'],
      expiresAt: Date.now() + (o.tokenTtlSec ?? 3600) * 1000,
      creationTtlSec: o.tokenTtlSec ?? 3600,
      renewable: true,
      displayName: 'token-expanso-edge',
      entityId: '7d2e3179-f69b-450c-7179-ac8ee8bd8ca9',
      path: 'auth/token/create',
    }
  return {
    initialized: true,
    sealed: false,
    standby: false,
    version: '1.18.1',
    clusterName: 'vault-cluster-4c1b7a2e',
    mounts: { 'secret/': { type: 'kv', version: 2 }, 'kv/': { type: 'kv', version: 1 } },
    secrets: {
      [secretPath]: {
        data: o.secretData ?? {
          kafka_username: 'edge-user',
          kafka_password: 'kafka-pw-0000',
          api_token: 'api-token-0000',
          db_password: 'db-pw-0000',
        },
        version: 3,
        updatedTime: new Date(Date.now() - DAY).toISOString(),
      },
    },
    policies,
    tokens,
    kubernetes: {
      mount: 'kubernetes',
      roles: {
        'expanso-edge': {
          boundServiceAccountNames: ['expanso-edge'],
          boundServiceAccountNamespaces: ['expanso-system'],
          policies: ['expanso-edge'],
          ttlSec: 3600,
        },
      },
    },
    approle: undefined,
    audit: { 'file/': { type: 'file', options: { file_path: '/vault/audit/vault_audit.log' } } },
  }
}
