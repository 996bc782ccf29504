// Every object of the kinds the checks read, in one pass of list calls — one request per kind (and page),
// not per object, all at once — so 2,000 objects cost a handful of requests. Which version of a custom
// resource group to list comes from API discovery (`GET /apis/<group>`), which every authenticated user may
// read, as kubectl does: not from the CustomResourceDefinition, which needs a cluster-wide read an edge
// service account rarely has. A kind the doctor may not list, or the cluster does not serve, is a fact
// about the cluster (its KindState), not an error.
import { memoByKey, ProviderError, isNetworkFault } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import type { ApiGroupInfo, Inventory, KindName, KindState, KObject, ObjectMeta } from './api.js'
import type { Connection, Session } from './auth.js'
import { CUSTOM_GROUPS, READS, pickVersion, type KindRead } from './model.js'
import { secretKeyStates, withoutAppliedCopy } from './secret-keys.js'
import { send } from './transport.js'

const PAGE = 500
/** 100,000 objects of one kind; a server that keeps sending `continue` past that is not paging honestly. */
const MAX_PAGES = 200

interface KindResult {
  readonly kind: KindName
  readonly state: KindState
  readonly objects: readonly KObject[]
}

export async function readInventory(conn: Connection, session: Session, ns: string): Promise<Inventory> {
  const discover = memoByKey((group) => discoverGroup(conn, session, group))
  const results = await Promise.all(READS.map((r) => readKind(conn, session, r, ns, discover)))
  const apiGroups: Record<string, ApiGroupInfo> = {}
  for (const group of Object.keys(CUSTOM_GROUPS)) apiGroups[group] = await discover(group)
  return {
    source: 'live',
    namespace: ns,
    // READS is in report order, and so are the results.
    objects: results.flatMap((r) => r.objects),
    kinds: Object.fromEntries(results.map((r) => [r.kind, r.state])),
    esoServedVersions: apiGroups['external-secrets.io']?.served,
    apiGroups,
  }
}

async function readKind(
  conn: Connection,
  session: Session,
  r: KindRead,
  ns: string,
  discover: (group: string) => Promise<ApiGroupInfo>,
): Promise<KindResult> {
  const version = r.version ?? (await discover(r.group)).listed
  if (!version)
    return {
      kind: r.kind,
      state: { state: 'not-served', detail: `${r.group} is not installed` },
      objects: [],
    }
  try {
    return { kind: r.kind, state: { state: 'listed' }, objects: await listAll(conn, session, r, version, ns) }
  } catch (e) {
    if (!(e instanceof ProviderError) || isNetworkFault(e)) throw e
    if (e.kind === 'denied')
      return { kind: r.kind, state: { state: 'forbidden', detail: e.message }, objects: [] }
    if (e.kind === 'not-found')
      return {
        kind: r.kind,
        state: { state: 'not-served', detail: `${r.group || 'core'}/${version} has no ${r.resource}` },
        objects: [],
      }
    throw e
  }
}

/** What discovery lists for a custom group: its versions (preferred first) and the one to list. */
async function discoverGroup(conn: Connection, session: Session, group: string): Promise<ApiGroupInfo> {
  try {
    const g = await send(conn, session, {
      what: `GET /apis/${group}`,
      path: `/apis/${group}`,
      expect: (j) => j.kind === 'APIGroup' && Array.isArray(j.versions),
    })
    const versions = (g.versions as { version?: unknown }[]).flatMap((v) =>
      typeof v?.version === 'string' ? [oneLine(v.version, 40)] : [],
    )
    const preferred = (g.preferredVersion as { version?: unknown } | undefined)?.version
    const served =
      typeof preferred === 'string' && versions.includes(preferred)
        ? [preferred, ...versions.filter((v) => v !== preferred)]
        : versions
    return { group, served, listed: pickVersion(group, served) }
  } catch (e) {
    if (!(e instanceof ProviderError) || isNetworkFault(e)) throw e
    if (e.kind === 'not-found') return { group, served: [] }
    // Discovery is open to every authenticated user by default; a cluster that closes it still serves the
    // group, most likely at the version we prefer.
    const listed = CUSTOM_GROUPS[group]?.prefer
    return { group, listed, note: `discovery failed (${e.message}); listed at ${listed}` }
  }
}

function listPath(r: KindRead, version: string, ns: string, cont: string | undefined): string {
  const base = r.group ? `/apis/${r.group}/${version}` : `/api/${version}`
  const scope = r.namespaced ? `/namespaces/${encodeURIComponent(ns)}` : ''
  const query = new URLSearchParams({ limit: String(PAGE) })
  if (cont) query.set('continue', cont)
  return `${base}${scope}/${r.resource}?${query}`
}

async function listAll(
  conn: Connection,
  session: Session,
  r: KindRead,
  version: string,
  ns: string,
): Promise<KObject[]> {
  const what = r.version ? `list ${r.resource}` : `list ${r.resource}.${r.group}/${version}`
  const groupVersion = r.group ? `${r.group}/${version}` : version
  const out: KObject[] = []
  let cont: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await send(conn, session, {
      what,
      path: listPath(r, version, ns, cont),
      expect: (j) => Array.isArray(j.items),
    })
    for (const item of list.items as unknown[]) {
      const o = toObject(r.kind, item, groupVersion)
      if (o) out.push(o)
    }
    const next = (list.metadata as { continue?: unknown } | undefined)?.continue
    if (typeof next !== 'string' || next === '') return out
    cont = next
  }
  return out
}

/** A list item as the checks see it: its kind and apiVersion set (lists omit them), a Secret reduced to keys. */
function toObject(kind: KindName, raw: unknown, apiVersion: string): KObject | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined
  const o = raw as Record<string, unknown>
  const metadata = (o.metadata && typeof o.metadata === 'object' ? o.metadata : {}) as ObjectMeta
  if (typeof metadata.name !== 'string') return undefined
  if (kind === 'Secret')
    return {
      apiVersion: 'v1',
      kind,
      metadata: withoutAppliedCopy(metadata),
      type: typeof o.type === 'string' ? o.type : undefined,
      keys: secretKeyStates(o.data, o.stringData),
    }
  return { ...o, kind, apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : apiVersion, metadata }
}
