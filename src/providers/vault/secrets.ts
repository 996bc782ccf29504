// What the token may do and what the secrets look like: capabilities-self, the KV mount behind a path, a
// secret's key states (values registered with the redactor, never returned), audit devices, timed reads.
import { describeObject } from '../../core/payload.js'
import { isProviderError, type ProviderError } from '../../core/provider.js'
import type { MountInfo, SecretShape } from './api.js'
import type { VaultSession } from './settings.js'
import { isObj, notVault, strOf, type Obj, type VaultCall, type VaultReply } from './transport.js'

type Token = () => Promise<string>

export async function capabilities(
  call: VaultCall,
  token: Token,
  paths: readonly string[],
): Promise<Record<string, string[]>> {
  const { body } = await call('POST sys/capabilities-self', {
    method: 'POST',
    path: '/sys/capabilities-self',
    json: { paths },
    token: await token(),
  })
  // sys/ answers carry `data` and, for older servers, the same keys at the top level.
  const data = isObj(body) && isObj(body.data) ? body.data : isObj(body) ? body : {}
  const out: Record<string, string[]> = {}
  for (const p of paths) out[p] = Array.isArray(data[p]) ? data[p].map(String) : ['deny']
  return out
}

export async function mountInfo(call: VaultCall, token: Token, path: string): Promise<MountInfo | undefined> {
  try {
    const { body } = await call(`GET sys/internal/ui/mounts/${path}`, {
      method: 'GET',
      path: `/sys/internal/ui/mounts/${path.replace(/^\/+/, '')}`,
      token: await token(),
    })
    const d = isObj(body) && isObj(body.data) ? body.data : {}
    const type = strOf(d.type) ?? 'unknown'
    const opts = isObj(d.options) ? d.options : {}
    const kvVersion = type === 'kv' || type === 'generic' ? (opts.version === '2' ? 2 : 1) : undefined
    return { mount: strOf(d.path) ?? '', type, kvVersion }
  } catch (e) {
    if (isProviderError(e) && !e.fault && (e.kind === 'denied' || e.kind === 'not-found')) return undefined
    throw e
  }
}

/** An answered read: the key states of its payload, and the version and lease facts around it. */
function secretShape(session: VaultSession, apiPath: string, reply: VaultReply): SecretShape {
  const b = reply.body
  if (!isObj(b) || !isObj(b.data)) throw notVault(reply.target, reply.answer)
  const d = b.data
  const meta = isObj(d.metadata) ? d.metadata : undefined
  const kv2 = isObj(d.data) && meta !== undefined
  const keys = describeObject(kv2 ? (d.data as Obj) : d)
  // When the current version was written: node.env-file-freshness tells a stale copy from an old source.
  const created = kv2 ? strOf(meta?.created_time) : undefined
  if (created && !Number.isNaN(Date.parse(created)))
    session.recorder.sourceChanged({ provider: 'vault', secret: apiPath, changedAt: new Date(created) })
  return {
    state: 'ok',
    keys,
    version: kv2 && typeof meta?.version === 'number' ? meta.version : undefined,
    leaseDurationSec: typeof b.lease_duration === 'number' ? b.lease_duration : 0,
    renewable: b.renewable === true,
    leased: strOf(b.lease_id) !== undefined,
  }
}

/** What a 404's body says (only these two metadata facts are kept: bodies may hold secrets). */
interface NotFoundFacts {
  warning?: string
  deleted?: boolean
  deletedVersion?: number
}

function notFoundFacts(into: NotFoundFacts) {
  return (b: Obj) => {
    if (Array.isArray(b.warnings))
      into.warning = b.warnings.map(String).find((w) => w.includes('Invalid path for a versioned K/V'))
    if (isObj(b.data) && isObj(b.data.metadata)) {
      into.deleted = true
      into.deletedVersion = Number(b.data.metadata.version) || undefined
    }
  }
}

export async function readSecret(
  session: VaultSession,
  call: VaultCall,
  token: Token,
  apiPath: string,
): Promise<SecretShape> {
  const nf: NotFoundFacts = {}
  try {
    const reply = await call(`GET ${apiPath}`, {
      method: 'GET',
      path: `/${apiPath}`,
      token: await token(),
      onErrorBody: notFoundFacts(nf),
    })
    return secretShape(session, apiPath, reply)
  } catch (e) {
    // A denial or a 404 counts only when Vault said it, not a proxy's page.
    if (!isProviderError(e) || e.fault) throw e
    if (e.kind === 'denied' || e.kind === 'unauthenticated')
      return {
        state: 'denied',
        message: String(e.facts.error ?? e.message),
        invalidToken: e.kind === 'unauthenticated',
      }
    if (e.kind !== 'not-found') throw e
    if (nf.warning) return { state: 'kv2-path-without-data', warning: nf.warning }
    if (nf.deleted) return { state: 'deleted', version: nf.deletedVersion }
    return { state: 'not-found' }
  }
}

export async function audits(call: VaultCall, token: Token): Promise<{ path: string; type: string }[]> {
  const { body } = await call('GET sys/audit', { method: 'GET', path: '/sys/audit', token: await token() })
  const d = isObj(body) && isObj(body.data) ? body.data : {}
  return Object.entries(d)
    .filter(([, v]) => isObj(v))
    .map(([k, v]) => ({ path: k, type: strOf((v as Obj).type) ?? 'unknown' }))
}

const SAMPLED = new Set<ProviderError['kind']>(['denied', 'not-found', 'unauthenticated', 'invalid'])

/** One timed read. A 403/404 still measures the round trip; only a failure on the way is not a sample. */
export async function sampleRead(call: VaultCall, token: Token, apiPath: string): Promise<number> {
  const t = await token()
  const started = performance.now()
  try {
    await call(`GET ${apiPath}`, { method: 'GET', path: `/${apiPath}`, token: t })
  } catch (e) {
    if (!isProviderError(e) || e.fault || !SAMPLED.has(e.kind)) throw e
  }
  return performance.now() - started
}
