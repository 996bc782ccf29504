// The KV secrets engines, v1 and v2, with their exact answers: a v1 read carries a 32-day lease, a v2 read
// nests `data` and `metadata`, a soft-deleted v2 version is a 404 with its metadata, a missing secret is
// `{"errors": []}`, and a v1-style path on a v2 mount is a 404 with the "Invalid path for a versioned K/V"
// warning. Writes exist so that conformance clients can seed data; the doctor never sends one.
import { randomUUID } from 'node:crypto'
import type { SimRequest } from '../server.js'
import type { VaultSimSecret, VaultSimState } from './state.js'
import { envelope, errors, parseJson, send, WRITE_METHODS } from './wire.js'

interface Mount {
  readonly mount: string
  readonly rest: string
  readonly version: 1 | 2
}

/** The longest mount a path is under, and the rest of the path. */
export function mountOf(state: VaultSimState, path: string): Mount | undefined {
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

const DEFAULT_TIME = '2026-11-01T10:00:00.000000000Z'

function kv1(state: VaultSimState, r: SimRequest, path: string, method: string): void {
  r.log.operation = 'kv1'
  const s = state.secrets[path]
  if (method === 'GET' && s)
    return send(r.res, 200, envelope({ data: { ...s.data }, leaseDuration: 2764800, mountType: 'kv' }))
  if (method === 'GET') return errors(r.res, 404)
  if (WRITE_METHODS.includes(method)) {
    state.secrets[path] = { data: parseJson(r.body) as Record<string, string> }
    return send(r.res, 204)
  }
  errors(r.res, 405)
}

/** The metadata of a secret's current version, as a v2 read shows it. */
function versionMetadata(s: VaultSimSecret) {
  const created = s.updatedTime ?? DEFAULT_TIME
  return {
    created_time: created,
    custom_metadata: null,
    deletion_time: s.deleted ? created : '',
    destroyed: false,
    version: s.version ?? 1,
  }
}

function kv2Read(r: SimRequest, s: VaultSimSecret | undefined): void {
  if (!s) return errors(r.res, 404)
  if (s.deleted) return send(r.res, 404, envelope({ data: { data: null, metadata: versionMetadata(s) } }))
  send(r.res, 200, envelope({ mountType: 'kv', data: { data: { ...s.data }, metadata: versionMetadata(s) } }))
}

function kv2List(state: VaultSimState, r: SimRequest, m: Mount, logical: string): void {
  const prefix = logical.endsWith('/') || logical === m.mount ? logical : `${logical}/`
  const keys = new Set<string>()
  for (const k of Object.keys(state.secrets))
    if (k.startsWith(prefix)) {
      const rest = k.slice(prefix.length)
      keys.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest)
    }
  if (keys.size === 0) return errors(r.res, 404)
  send(r.res, 200, envelope({ mountType: 'kv', data: { keys: [...keys].sort() } }))
}

function kv2Metadata(r: SimRequest, s: VaultSimSecret | undefined): void {
  if (!s) return errors(r.res, 404)
  const version = s.version ?? 1
  const t = s.updatedTime ?? DEFAULT_TIME
  send(
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

function kv2Write(state: VaultSimState, r: SimRequest, logical: string): void {
  const body = parseJson(r.body)
  const prev = state.secrets[logical]?.version ?? 0
  state.secrets[logical] = {
    data: (body.data ?? {}) as Record<string, string>,
    version: prev + 1,
    updatedTime: new Date().toISOString(),
  }
  send(r.res, 200, envelope({ data: { version: prev + 1 } }))
}

/** A v1-style path on a v2 mount: Vault's logical layer answers 404 with a warning and no mount_type. */
function versionlessPath(r: SimRequest): void {
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

function kv2(state: VaultSimState, r: SimRequest, m: Mount, method: string): void {
  r.log.operation = 'kv2'
  const [kind, ...restParts] = m.rest.split('/')
  const logical = `${m.mount}${restParts.join('/')}`
  const s = state.secrets[logical]
  if (kind === 'data' && method === 'GET') return kv2Read(r, s)
  if (kind === 'metadata' && method === 'LIST') return kv2List(state, r, m, logical)
  if (kind === 'metadata' && method === 'GET') return kv2Metadata(r, s)
  if (kind === 'data' && WRITE_METHODS.includes(method)) return kv2Write(state, r, logical)
  versionlessPath(r)
}

/** A request the ACL allowed, on a KV mount (or on no mount: Vault's "no handler for route"). */
export function kv(state: VaultSimState, r: SimRequest, path: string, method: string): void {
  const m = mountOf(state, path)
  if (!m) return errors(r.res, 404, `no handler for route "${path}". route entry not found.`)
  if (m.version === 1) return kv1(state, r, path, method)
  kv2(state, r, m, method)
}
