// The sys/ endpoints the doctor and the conformance clients use: health (its status code per state and the
// query overrides), seal-status, init, leader, capabilities-self, the UI mounts preflight (KV v1/v2) and
// audit devices (which need sudo).
import type { SimRequest } from '../server.js'
import { capabilitiesFor } from './acl.js'
import { mountOf } from './kv.js'
import type { VaultSimState } from './state.js'
import { envelope, errors, injected, parseBool, parseJson, PD, send, type AuthedRequest } from './wire.js'

export function health(state: VaultSimState, r: SimRequest): void {
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

export function sealStatus(state: VaultSimState, r: SimRequest): void {
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

export function leader(state: VaultSimState, r: SimRequest): void {
  if (!state.initialized || state.sealed) return errors(r.res, 503, 'Vault is sealed')
  const self = `https://127.0.0.1:${r.req.socket.localPort ?? 8200}`
  send(r.res, 200, {
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

export function capabilitiesSelf({ state, r, t }: AuthedRequest): void {
  const body = parseJson(r.body)
  const paths = Array.isArray(body.paths)
    ? (body.paths as string[])
    : typeof body.path === 'string'
      ? [body.path]
      : []
  const data: Record<string, string[]> = {}
  for (const p of paths) data[p] = capabilitiesFor(state, t.policies, p.replace(/^\//, ''))
  if (paths.length === 1) data.capabilities = data[paths[0] as string] as string[]
  send(r.res, 200, injected(envelope({ data, mountType: 'system' })))
}

export function uiMounts({ state, r, t, path: route }: AuthedRequest): void {
  const path = route.slice('sys/internal/ui/mounts/'.length)
  const policies = t.policies
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

/** sys/audit: root, or `sudo` with `read` on the path; an empty list has no top-level copy of `data`. */
export function audit({ state, r, t, path }: AuthedRequest): void {
  const caps = capabilitiesFor(state, t.policies, path)
  if (!caps.includes('root') && !(caps.includes('sudo') && caps.includes('read')))
    return errors(r.res, 403, PD)
  const data: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(state.audit))
    data[k] = { description: '', local: false, options: v.options, path: k, type: v.type }
  const env = envelope({ data, mountType: 'system' })
  send(r.res, 200, Object.keys(data).length ? injected(env) : env)
}
