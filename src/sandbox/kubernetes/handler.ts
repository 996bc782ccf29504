// The simulated API server's request handling: bearer-token authentication, `/version`, discovery
// (`/api`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`), the two reviews (the only POSTs a
// read-only client makes), and typed GETs and label-selector lists with limit/continue. Writes are refused
// with 403 and logged: the request log proves the doctor is read-only. Errors are `Status` objects, and an
// unknown path the classic `404 page not found` text or a newer server's Status, as research/wire-protocols.md
// §4 records them.
import type { ServerResponse } from 'node:http'
import { sendJson, sendText, type SimRequest } from '../server.js'
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  crds,
  namespaces,
  servedAt,
  type Resource,
} from './resources.js'
import { parseLabelSelector, SelectorSyntaxError } from './selector.js'
import { status, type Json, type KubeSimState, type RawObject } from './state.js'

const VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
}

export function handleKube(state: KubeSimState, r: SimRequest): void {
  const method = r.req.method ?? 'GET'
  const path = r.url.pathname.replace(/\/+$/, '') || '/'
  if ((r.req.headers.authorization ?? '') !== `Bearer ${state.token}`) {
    r.log.operation = 'unauthorized'
    return sendJson(r.res, 401, status(401, 'Unauthorized', 'Unauthorized'))
  }
  if (method === 'GET' && (path === '/version' || path === '/api' || path === '/apis'))
    return discovery(state, r, path)
  const api = /^\/api\/(v1)(\/.*)?$/.exec(path) ?? /^\/apis\/([^/]+)(?:\/([^/]+)(\/.*)?)?$/.exec(path)
  if (!api) return notFound(state, r.res)
  const [group, version, rest] = path.startsWith('/api/')
    ? ['', api[1] as string, api[2] ?? '']
    : [api[1] as string, api[2], api[3] ?? '']
  if (version === undefined)
    return method === 'GET' ? groupDiscovery(state, r, group) : notFound(state, r.res)
  const parts = rest.split('/').filter(Boolean)
  if (method === 'POST' && parts.length === 1 && reviewed(state, r, group, version, parts[0] as string))
    return
  if (parts.length === 0) {
    const list = method === 'GET' ? apiResourceList(state, group, version) : undefined
    if (!list) return notFound(state, r.res)
    r.log.operation = 'discovery'
    return sendJson(r.res, 200, list)
  }
  return resourceRequest(state, r, method, group, version, parts)
}

function discovery(state: KubeSimState, { res, url, log }: SimRequest, path: string): void {
  log.operation = path === '/version' ? 'version' : 'discovery'
  if (path === '/apis') return sendJson(res, 200, apiGroupList(state))
  if (path === '/api')
    return sendJson(res, 200, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${url.port || '443'}` },
      ],
    })
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(state.gitVersion) ?? []
  sendJson(res, 200, {
    major: major ?? '1',
    minor: minor ?? '30',
    gitVersion: state.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.22.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  })
}

/** `GET /apis/<group>`: the APIGroup, which lists the served versions, preferred first. */
function groupDiscovery(state: KubeSimState, { res, log }: SimRequest, group: string): void {
  const doc = apiGroup(state, group)
  if (!doc) return notFound(state, res)
  log.operation = `discovery ${group}`
  sendJson(res, 200, doc)
}

function notFound(state: KubeSimState, res: ServerResponse): void {
  if (state.notFoundStyle === 'status')
    sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
  else sendText(res, 404, '404 page not found\n')
}

function denied(state: KubeSimState, verb: string, resource: string): boolean {
  return state.deny.some((d) => {
    const [v, what] = d.split(/\s+/)
    return (v === '*' || v === verb) && (what === '*' || what === resource)
  })
}

/** The reviews: true when this request was one (answered here). */
function reviewed(state: KubeSimState, r: SimRequest, group: string, version: string, name: string): boolean {
  if (version !== 'v1') return false
  const ssar = group === 'authorization.k8s.io' && name === 'selfsubjectaccessreviews'
  const ssr = group === 'authentication.k8s.io' && name === 'selfsubjectreviews'
  if (!ssar && !ssr) return false
  r.log.operation = ssar ? 'SelfSubjectAccessReview' : 'SelfSubjectReview'
  let body: Json
  try {
    body = JSON.parse(r.body)
  } catch {
    sendJson(r.res, 400, status(400, 'BadRequest', 'the request body is not valid JSON'))
    return true
  }
  const meta = { metadata: { creationTimestamp: null } }
  if (ssr) {
    const userInfo = { username: state.user, groups: ['system:serviceaccounts', 'system:authenticated'] }
    sendJson(r.res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: `${group}/v1`,
      ...meta,
      status: { userInfo },
    })
    return true
  }
  const spec = body?.spec ?? {}
  const a = spec.resourceAttributes ?? {}
  const allowed = !denied(state, a.verb ?? '', a.resource ?? '')
  const reason = `RBAC: allowed by RoleBinding "edge-doctor/expanso-system" of Role "edge-doctor" to User "${state.user}"`
  sendJson(r.res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: `${group}/v1`,
    ...meta,
    spec,
    status: allowed ? { allowed: true, reason } : { allowed: false, reason: '' },
  })
  return true
}

/** `[namespaces/<ns>/]<plural>[/<name>]` of a served group/version. */
function resourceRequest(
  state: KubeSimState,
  r: SimRequest,
  method: string,
  group: string,
  version: string,
  parts: readonly string[],
): void {
  const scoped = parts[0] === 'namespaces' && parts.length >= 3
  const namespace = scoped ? parts[1] : undefined
  const [plural, name, extra] = scoped ? parts.slice(2) : parts
  const resource = servedAt(state, group, version).find((x) => x.plural === plural)
  if (!resource || extra !== undefined || (namespace && !resource.namespaced)) return notFound(state, r.res)
  const verb = VERBS[method] ?? (name ? 'get' : 'list')
  r.log.operation = `${verb} ${resource.plural}`
  if (VERBS[method] || denied(state, verb, resource.plural))
    return forbidden(state, r.res, resource, verb, name, namespace)
  if (method !== 'GET' && method !== 'HEAD')
    return sendJson(
      r.res,
      405,
      status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'),
    )
  const apiVersion = group ? `${group}/${version}` : version
  const pool = (
    resource.kind === 'CustomResourceDefinition'
      ? crds(state)
      : resource.kind === 'Namespace'
        ? namespaces(state)
        : state.objects
  ).filter(
    (o) =>
      o.kind === resource.kind &&
      (!resource.namespaced || !namespace || (o.metadata.namespace ?? 'default') === namespace),
  )
  if (name) return getOne(r.res, resource, pool, name, apiVersion)
  listMany(r, resource, pool, apiVersion)
}

function forbidden(
  state: KubeSimState,
  res: ServerResponse,
  resource: Resource,
  verb: string,
  name: string | undefined,
  namespace: string | undefined,
): void {
  const qualified = resource.group ? `${resource.plural}.${resource.group}` : resource.plural
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'
  const message = `${qualified}${name ? ` "${name}"` : ''} is forbidden: User "${state.user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`
  sendJson(
    res,
    403,
    status(403, 'Forbidden', message, {
      ...(name ? { name } : {}),
      ...(resource.group ? { group: resource.group } : {}),
      kind: resource.plural,
    }),
  )
}

function getOne(
  res: ServerResponse,
  resource: Resource,
  pool: RawObject[],
  name: string,
  apiVersion: string,
): void {
  const o = pool.find((x) => x.metadata.name === name)
  if (o) return sendJson(res, 200, { ...o, apiVersion })
  const qualified = resource.group ? `${resource.plural}.${resource.group}` : resource.plural
  sendJson(
    res,
    404,
    status(404, 'NotFound', `${qualified} "${name}" not found`, {
      name,
      ...(resource.group ? { group: resource.group } : {}),
      kind: resource.plural,
    }),
  )
}

function listMany({ res, url }: SimRequest, resource: Resource, pool: RawObject[], apiVersion: string): void {
  const q = url.searchParams
  let items = pool
  const selector = q.get('labelSelector')
  if (selector) {
    try {
      const matches = parseLabelSelector(selector)
      items = items.filter((o) => matches(o.metadata.labels ?? {}))
    } catch (e) {
      if (!(e instanceof SelectorSyntaxError)) throw e
      return sendJson(res, 400, status(400, 'BadRequest', `unable to parse requirement: ${e.message}`))
    }
  }
  const limit = Number(q.get('limit') ?? '0')
  const start = Number(Buffer.from(q.get('continue') ?? '', 'base64').toString('utf8')) || 0
  const end = limit > 0 ? start + limit : items.length
  const more = end < items.length
  sendJson(res, 200, {
    kind: `${resource.kind}List`,
    apiVersion,
    metadata: {
      resourceVersion: '51002',
      ...(more ? { continue: Buffer.from(String(end)).toString('base64') } : {}),
    },
    // Built-in lists omit each item's kind/apiVersion; custom resources (unstructured) keep them.
    items: items.slice(start, end).map((o) => {
      if (resource.crd) return { ...o, apiVersion }
      const { kind: _k, apiVersion: _a, ...rest } = o
      return rest
    }),
  })
}
