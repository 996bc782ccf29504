// A loopback Kubernetes API server: HTTPS with a generated CA, bearer-token auth, discovery (/version, /api,
// /apis, resource lists), typed GETs and label-selector lists (with limit/continue) for the kinds the
// doctor reads, including the External Secrets and Secrets Store CSI CRDs, SelfSubjectAccessReview and
// SelfSubjectReview, and `Status` bodies for 401/403/404 as research/wire-protocols.md §4 records them.
// Writes are refused (403) and logged: the request log proves the doctor is read-only.
import type { ServerResponse } from 'node:http'
import { matchesSelector } from '../providers/kubernetes/model.js'
import { sendJson, sendText, startLoopbackServer, type LoopbackServer, type SimRequest } from './server.js'
import { createCA, issueCertificate, type CertificateAuthority } from './tls.js'

// Objects are free-form JSON, as the API serves them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

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

interface Resource {
  readonly kind: string
  readonly group: string
  readonly versions: () => readonly string[]
  readonly plural: string
  readonly singular: string
  readonly namespaced: boolean
  readonly shortNames?: readonly string[]
  readonly crd?: boolean
}

export interface KubeSim {
  readonly url: string
  readonly server: LoopbackServer
  readonly ca: CertificateAuthority
  readonly state: KubeSimState
  /** A kubeconfig (YAML) for this server: CA data, the token, the namespace. */
  kubeconfig(options?: { namespace?: string; token?: string; context?: string; trustCa?: boolean }): string
  close(): Promise<void>
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

function resources(state: KubeSimState): Resource[] {
  const v1 = () => ['v1']
  const eso = () => state.esoServed ?? []
  const csi = () => (state.csiCrds ? ['v1'] : [])
  return [
    {
      kind: 'Namespace',
      group: '',
      versions: v1,
      plural: 'namespaces',
      singular: 'namespace',
      namespaced: false,
      shortNames: ['ns'],
    },
    {
      kind: 'Pod',
      group: '',
      versions: v1,
      plural: 'pods',
      singular: 'pod',
      namespaced: true,
      shortNames: ['po'],
    },
    {
      kind: 'ServiceAccount',
      group: '',
      versions: v1,
      plural: 'serviceaccounts',
      singular: 'serviceaccount',
      namespaced: true,
      shortNames: ['sa'],
    },
    { kind: 'Secret', group: '', versions: v1, plural: 'secrets', singular: 'secret', namespaced: true },
    {
      kind: 'ConfigMap',
      group: '',
      versions: v1,
      plural: 'configmaps',
      singular: 'configmap',
      namespaced: true,
      shortNames: ['cm'],
    },
    {
      kind: 'Deployment',
      group: 'apps',
      versions: v1,
      plural: 'deployments',
      singular: 'deployment',
      namespaced: true,
      shortNames: ['deploy'],
    },
    {
      kind: 'StatefulSet',
      group: 'apps',
      versions: v1,
      plural: 'statefulsets',
      singular: 'statefulset',
      namespaced: true,
      shortNames: ['sts'],
    },
    {
      kind: 'DaemonSet',
      group: 'apps',
      versions: v1,
      plural: 'daemonsets',
      singular: 'daemonset',
      namespaced: true,
      shortNames: ['ds'],
    },
    {
      kind: 'CSIDriver',
      group: 'storage.k8s.io',
      versions: v1,
      plural: 'csidrivers',
      singular: 'csidriver',
      namespaced: false,
    },
    {
      kind: 'MutatingWebhookConfiguration',
      group: 'admissionregistration.k8s.io',
      versions: v1,
      plural: 'mutatingwebhookconfigurations',
      singular: 'mutatingwebhookconfiguration',
      namespaced: false,
    },
    {
      kind: 'CustomResourceDefinition',
      group: 'apiextensions.k8s.io',
      versions: v1,
      plural: 'customresourcedefinitions',
      singular: 'customresourcedefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
    },
    {
      kind: 'ExternalSecret',
      group: 'external-secrets.io',
      versions: eso,
      plural: 'externalsecrets',
      singular: 'externalsecret',
      namespaced: true,
      shortNames: ['es'],
      crd: true,
    },
    {
      kind: 'SecretStore',
      group: 'external-secrets.io',
      versions: eso,
      plural: 'secretstores',
      singular: 'secretstore',
      namespaced: true,
      shortNames: ['ss'],
      crd: true,
    },
    {
      kind: 'ClusterSecretStore',
      group: 'external-secrets.io',
      versions: eso,
      plural: 'clustersecretstores',
      singular: 'clustersecretstore',
      namespaced: false,
      shortNames: ['css'],
      crd: true,
    },
    {
      kind: 'SecretProviderClass',
      group: 'secrets-store.csi.x-k8s.io',
      versions: csi,
      plural: 'secretproviderclasses',
      singular: 'secretproviderclass',
      namespaced: true,
      crd: true,
    },
    {
      kind: 'SecretProviderClassPodStatus',
      group: 'secrets-store.csi.x-k8s.io',
      versions: csi,
      plural: 'secretproviderclasspodstatuses',
      singular: 'secretproviderclasspodstatus',
      namespaced: true,
      crd: true,
    },
  ]
}

// Key generation dominates start-up; one CA and leaf per process is as faithful and much faster.
let tlsCache: { ca: CertificateAuthority; leaf: ReturnType<typeof issueCertificate> } | undefined
function sandboxTls(now: Date) {
  if (!tlsCache) {
    const ca = createCA('edge-secrets kubernetes sandbox CA', now)
    tlsCache = { ca, leaf: issueCertificate(ca, { hosts: ['localhost', '127.0.0.1'] }) }
  }
  return tlsCache
}

const status = (code: number, reason: string, message: string, details?: Record<string, string>) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
})

export async function startKubeSim(initial: Partial<KubeSimState> = {}, now = new Date()): Promise<KubeSim> {
  const state = defaultKubeState(initial)
  const { ca, leaf } = sandboxTls(now)
  const server = await startLoopbackServer((r) => handle(state, r), {
    tls: { certPem: leaf.certPem, keyPem: leaf.keyPem },
  })
  return {
    url: server.url,
    server,
    ca,
    state,
    kubeconfig: (o = {}) =>
      kubeconfigYaml(
        server.url,
        ca.certPem,
        o.token ?? state.token,
        o.namespace ?? 'expanso-system',
        o.context ?? 'sandbox',
        o.trustCa ?? true,
      ),
    close: () => server.close(),
  }
}

export function kubeconfigYaml(
  server: string,
  caPem: string,
  token: string,
  namespace: string,
  context: string,
  trustCa: boolean,
): string {
  const cluster = trustCa ? `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n` : ''
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    cluster.trimEnd(),
    'users:',
    '- name: edge-doctor',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    '    user: edge-doctor',
    `    namespace: ${namespace}`,
    `current-context: ${context}`,
    '',
  ]
    .filter((l) => l !== '')
    .join('\n')
    .concat('\n')
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function denied(state: KubeSimState, verb: string, resource: string): boolean {
  return state.deny.some((d) => {
    const [v, r] = d.split(/\s+/)
    return (v === '*' || v === verb) && (r === '*' || r === resource)
  })
}

function notFoundPath(state: KubeSimState, res: ServerResponse): void {
  if (state.notFoundStyle === 'status')
    sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
  else sendText(res, 404, '404 page not found\n')
}

function handle(state: KubeSimState, { req, res, url, body, log }: SimRequest): void {
  const method = req.method ?? 'GET'
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const auth = req.headers.authorization ?? ''
  if (auth !== `Bearer ${state.token}`) {
    log.operation = 'unauthorized'
    sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'))
    return
  }
  const all = resources(state)
  if (method === 'GET' && path === '/version') {
    log.operation = 'version'
    const [, major, minor] = state.gitVersion.match(/^v(\d+)\.(\d+)/) ?? []
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
    return
  }
  if (method === 'GET' && path === '/api') {
    log.operation = 'discovery'
    sendJson(res, 200, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${url.port || '443'}` },
      ],
    })
    return
  }
  if (method === 'GET' && path === '/apis') {
    log.operation = 'discovery'
    const groups = new Map<string, string[]>()
    for (const r of all) {
      if (!r.group) continue
      const vs = r.versions()
      if (vs.length === 0) continue
      const g = groups.get(r.group) ?? []
      for (const v of vs) if (!g.includes(v)) g.push(v)
      groups.set(r.group, g)
    }
    groups.set('authorization.k8s.io', ['v1'])
    groups.set('authentication.k8s.io', ['v1'])
    sendJson(res, 200, {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    })
    return
  }

  // /api/v1/... or /apis/<group>/<version>/...
  const m = path.match(/^\/api\/(v1)(\/.*)?$/) ?? path.match(/^\/apis\/([^/]+\/[^/]+)(\/.*)?$/)
  if (!m) return notFoundPath(state, res)
  const groupVersion = m[1] as string
  const [group, version] = groupVersion.includes('/')
    ? (groupVersion.split('/') as [string, string])
    : ['', groupVersion]
  const rest = (m[2] ?? '').split('/').filter(Boolean)

  // Reviews: the only POSTs the doctor may make.
  if (
    method === 'POST' &&
    group === 'authorization.k8s.io' &&
    version === 'v1' &&
    rest[0] === 'selfsubjectaccessreviews'
  ) {
    log.operation = 'SelfSubjectAccessReview'
    let spec: { resourceAttributes?: { verb?: string; resource?: string } } = {}
    try {
      spec = (JSON.parse(body) as { spec?: typeof spec }).spec ?? {}
    } catch {
      sendJson(res, 400, status(400, 'BadRequest', 'the request body is not valid JSON'))
      return
    }
    const a = spec.resourceAttributes ?? {}
    const allowed = !denied(state, a.verb ?? '', a.resource ?? '')
    sendJson(res, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: allowed
        ? {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "edge-doctor/expanso-system" of Role "edge-doctor" to User "${state.user}"`,
          }
        : { allowed: false, reason: '' },
    })
    return
  }
  if (
    method === 'POST' &&
    group === 'authentication.k8s.io' &&
    version === 'v1' &&
    rest[0] === 'selfsubjectreviews'
  ) {
    log.operation = 'SelfSubjectReview'
    sendJson(res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: {
        userInfo: { username: state.user, groups: ['system:serviceaccounts', 'system:authenticated'] },
      },
    })
    return
  }

  const served = all.filter((r) => r.group === group && r.versions().includes(version))
  if (group === 'authorization.k8s.io' || group === 'authentication.k8s.io') {
    if (method === 'GET' && rest.length === 0) {
      const name = group === 'authorization.k8s.io' ? 'selfsubjectaccessreviews' : 'selfsubjectreviews'
      const kind = group === 'authorization.k8s.io' ? 'SelfSubjectAccessReview' : 'SelfSubjectReview'
      sendJson(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion,
        resources: [
          { name, singularName: name.slice(0, -1).toLowerCase(), namespaced: false, kind, verbs: ['create'] },
        ],
      })
      return
    }
  }
  if (served.length === 0) return notFoundPath(state, res)
  if (method === 'GET' && rest.length === 0) {
    log.operation = 'discovery'
    sendJson(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: served.map((r) => ({
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.crd ? { categories: [r.group.split('.')[0]] } : {}),
      })),
    })
    return
  }

  // [namespaces/<ns>/]<plural>[/<name>]
  let namespace: string | undefined
  let parts = rest
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1]
    parts = parts.slice(2)
  }
  const resource = served.find((r) => r.plural === parts[0])
  if (!resource || parts.length > 2) return notFoundPath(state, res)
  const name = parts[1]
  const verb = WRITE.has(method)
    ? (({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[
        method
      ] ?? 'update')
    : name
      ? 'get'
      : 'list'
  log.operation = `${verb} ${resource.plural}`
  const qualified = resource.group ? `${resource.plural}.${resource.group}` : resource.plural
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'

  if (WRITE.has(method) || denied(state, verb, resource.plural)) {
    sendJson(
      res,
      403,
      status(
        403,
        'Forbidden',
        `${qualified}${name ? ` "${name}"` : ''} is forbidden: User "${state.user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`,
        {
          ...(name ? { name } : {}),
          ...(resource.group ? { group: resource.group } : {}),
          kind: resource.plural,
        },
      ),
    )
    return
  }
  if (method !== 'GET' && method !== 'HEAD') {
    sendJson(
      res,
      405,
      status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
    )
    return
  }
  if (resource.namespaced === false && namespace) return notFoundPath(state, res)

  const apiVersion = group ? `${group}/${version}` : version
  const present = (o: RawObject) => ({ ...o, apiVersion })
  const matches = (o: RawObject) =>
    o.kind === resource.kind &&
    (!resource.namespaced || !namespace || (o.metadata.namespace ?? 'default') === namespace)
  const pool =
    resource.kind === 'CustomResourceDefinition'
      ? crds(state)
      : resource.kind === 'Namespace'
        ? namespaces(state)
        : state.objects

  if (name) {
    const o = pool.find((x) => matches(x) && x.metadata.name === name)
    if (!o) {
      sendJson(
        res,
        404,
        status(404, 'NotFound', `${qualified} "${name}" not found`, {
          name,
          ...(resource.group ? { group: resource.group } : {}),
          kind: resource.plural,
        }),
      )
      return
    }
    sendJson(res, 200, present(o))
    return
  }

  const q = url.searchParams
  const selector = q.get('labelSelector')
  let items = pool.filter(matches)
  if (selector) items = items.filter((o) => matchesSelector(o.metadata.labels ?? {}, selector))
  const limit = Number(q.get('limit') ?? '0')
  const start = q.get('continue')
    ? Number(Buffer.from(q.get('continue') as string, 'base64').toString('utf8')) || 0
    : 0
  const end = limit > 0 ? start + limit : items.length
  const page = items.slice(start, end)
  const more = end < items.length
  sendJson(res, 200, {
    kind: `${resource.kind}List`,
    apiVersion,
    metadata: {
      resourceVersion: '51002',
      ...(more ? { continue: Buffer.from(String(end)).toString('base64') } : {}),
    },
    // Built-in lists omit each item's kind/apiVersion; custom resources (unstructured) keep them.
    items: page.map((o) => {
      if (resource.crd) return present(o)
      const { kind: _k, apiVersion: _a, ...restOf } = o
      return restOf
    }),
  })
}

/** Namespaces exist for every object's namespace (kubectl reads one to explain a NotFound). */
function namespaces(state: KubeSimState): RawObject[] {
  const names = new Set(['default', 'kube-system', 'kube-public'])
  for (const o of state.objects) if (o.metadata.namespace) names.add(o.metadata.namespace)
  if (state.objects.some((o) => o.kind === 'Namespace'))
    return state.objects.filter((o) => o.kind === 'Namespace')
  return [...names].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }))
}

/** The CRDs the cluster has, as ESO and the CSI driver install them. */
function crds(state: KubeSimState): RawObject[] {
  const out: RawObject[] = []
  const crd = (
    plural: string,
    group: string,
    kind: string,
    versions: readonly string[],
    namespaced: boolean,
  ) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      scope: namespaced ? 'Namespaced' : 'Cluster',
      versions: versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        ...(v === 'v1beta1' ? { deprecated: true } : {}),
        subresources: { status: {} },
      })),
    },
    status: { acceptedNames: { plural, kind }, storedVersions: [versions[0]] },
  })
  if (state.esoServed && state.esoServed.length > 0) {
    out.push(crd('externalsecrets', 'external-secrets.io', 'ExternalSecret', state.esoServed, true))
    out.push(crd('secretstores', 'external-secrets.io', 'SecretStore', state.esoServed, true))
    out.push(crd('clustersecretstores', 'external-secrets.io', 'ClusterSecretStore', state.esoServed, false))
  }
  if (state.csiCrds) {
    out.push(crd('secretproviderclasses', 'secrets-store.csi.x-k8s.io', 'SecretProviderClass', ['v1'], true))
    out.push(
      crd(
        'secretproviderclasspodstatuses',
        'secrets-store.csi.x-k8s.io',
        'SecretProviderClassPodStatus',
        ['v1'],
        true,
      ),
    )
  }
  return out
}
