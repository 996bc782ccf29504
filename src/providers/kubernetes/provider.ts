// The Kubernetes provider: the live API through @kubernetes/client-node (loaded on first use), or the
// `--manifests` files. Both fill one Inventory (kubernetes-model.ts), read in one pass with list calls —
// one request per kind, not per object — so 2,000 objects cost a handful of requests. Metadata only:
// Secret values are registered with the redactor and dropped as they arrive; checks see key names.
import { existsSync } from 'node:fs'
import type * as K8s from '@kubernetes/client-node'
import {
  ProviderError,
  defineProvider,
  once,
  type ProviderSession as BaseSession,
  type ConfigWith,
} from '../../core/provider.js'
import { callSignal } from '../../core/net.js'
import { kubernetesConfig, type KubernetesConfig } from './config.js'

type ProviderSession = BaseSession<ConfigWith<'kubernetes', KubernetesConfig>>
import { registerSecret } from '../../core/redact.js'
import { loadManifests } from './manifests.js'
import {
  KINDS,
  NEEDED_READS,
  type AccessInfo,
  type DeniedRead,
  type Inventory,
  type KeyState,
  type KindName,
  type KindState,
  type KObject,
} from './model.js'

export * from './model.js'

export interface KubernetesApi {
  /** Where objects come from: the cluster, or `--manifests` files (no network). */
  readonly mode: 'live' | 'manifests'
  /** Who we are and which reads we may make (live), or which files were read (manifests). */
  access(): Promise<AccessInfo>
  /** Every object of the kinds the checks read, in the configured namespace (live) or in the files. */
  inventory(): Promise<Inventory>
}

export default defineProvider({
  id: 'kubernetes',
  title: 'Kubernetes',
  checkPrefix: 'k8s',
  config: kubernetesConfig,
  configured: (config) => config.kubernetes.configured,
  notConfigured: 'no cluster here: add a kubernetes: section, KUBECONFIG, run in a pod, or pass --manifests',
  create: (session) =>
    session.config.kubernetes.manifests.length > 0 ? manifestsApi(session) : liveApi(session),
})

function manifestsApi(session: ProviderSession): KubernetesApi {
  const k = session.config.kubernetes
  const load = once(() => loadManifests(k.manifests, k.namespace))
  return {
    mode: 'manifests',
    access: async () => {
      const set = await load()
      return {
        source: 'manifests',
        denied: [],
        files: set.files,
        objectCount: set.inventory.objects.length,
        problems: set.problems,
      }
    },
    inventory: async () => (await load()).inventory,
  }
}

// ---------------------------------------------------------------------------------------------------------
// Live

type Sdk = typeof K8s

interface Clients {
  readonly sdk: Sdk
  readonly kc: K8s.KubeConfig
  readonly server: string
  readonly user: string
  readonly source: string
  readonly core: K8s.CoreV1Api
  readonly apps: K8s.AppsV1Api
  readonly custom: K8s.CustomObjectsApi
  readonly storage: K8s.StorageV1Api
  readonly admission: K8s.AdmissionregistrationV1Api
  readonly apiext: K8s.ApiextensionsV1Api
  readonly authz: K8s.AuthorizationV1Api
  readonly authn: K8s.AuthenticationV1Api
  readonly version: K8s.VersionApi
}

const PAGE = 500

type CallOptions = Parameters<K8s.CoreV1Api['listNamespacedPod']>[1]

function liveApi(session: ProviderSession): KubernetesApi {
  const k = session.config.kubernetes
  const ns = k.namespace

  const clients = once(async (): Promise<Clients> => {
    let sdk: Sdk
    try {
      sdk = await import('@kubernetes/client-node')
    } catch (e) {
      throw new ProviderError('kubernetes', 'unexpected', `cannot load @kubernetes/client-node: ${String(e)}`)
    }
    const kc = new sdk.KubeConfig()
    let source = 'kubeconfig'
    try {
      // KUBECONFIG may name a file that is not there inside a pod; the service account is then the way in.
      const inCluster = !!session.env.KUBERNETES_SERVICE_HOST && !(k.kubeconfig && existsSync(k.kubeconfig))
      if (k.kubeconfig && !inCluster) kc.loadFromFile(k.kubeconfig)
      else if (inCluster) {
        kc.loadFromCluster()
        source = 'in-cluster'
      } else kc.loadFromDefault()
      if (k.context) kc.setCurrentContext(k.context)
    } catch (e) {
      throw new ProviderError(
        'kubernetes',
        'invalid',
        `cannot load the kubeconfig${k.kubeconfig ? ` ${k.kubeconfig}` : ''}: ${(e as Error).message}`,
      )
    }
    const cluster = kc.getCurrentCluster()
    if (!cluster)
      throw new ProviderError(
        'kubernetes',
        'invalid',
        `kubeconfig has no cluster for context "${kc.getCurrentContext()}"`,
      )
    // loadFromDefault falls back to http://localhost:8080 when it finds nothing; that is "no kubeconfig".
    if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify)
      throw new ProviderError(
        'kubernetes',
        'invalid',
        cluster.server === 'http://localhost:8080'
          ? 'no kubeconfig found (KUBECONFIG unset, ~/.kube/config missing, not running in a pod)'
          : `kubeconfig cluster ${cluster.name} uses plain http (${cluster.server}) without insecure-skip-tls-verify`,
      )
    const u = kc.getCurrentUser()
    registerSecret(u?.token)
    registerSecret(u?.password)
    return {
      sdk,
      kc,
      server: cluster.server,
      user: u?.name ?? 'unknown',
      source,
      core: kc.makeApiClient(sdk.CoreV1Api),
      apps: kc.makeApiClient(sdk.AppsV1Api),
      custom: kc.makeApiClient(sdk.CustomObjectsApi),
      storage: kc.makeApiClient(sdk.StorageV1Api),
      admission: kc.makeApiClient(sdk.AdmissionregistrationV1Api),
      apiext: kc.makeApiClient(sdk.ApiextensionsV1Api),
      authz: kc.makeApiClient(sdk.AuthorizationV1Api),
      authn: kc.makeApiClient(sdk.AuthenticationV1Api),
      version: kc.makeApiClient(sdk.VersionApi),
    }
  })

  /** Per-call options: the run's signal with this call's time limit, and the server's Date for clock skew. */
  const callOptions = (sdk: Sdk): CallOptions => {
    let sentAt = new Date()
    // Under the check's own limit (callSignal), so a silent API is this check's `unreachable` finding
    // rather than the runner's timeout of the whole check.
    const signal = callSignal(session)
    return {
      middlewareMergeStrategy: 'append',
      middleware: [
        {
          pre: (ctx: K8s.RequestContext) => {
            sentAt = new Date()
            ctx.setSignal(signal)
            return new sdk.Observable(Promise.resolve(ctx))
          },
          post: (ctx: K8s.ResponseContext) => {
            session.recorder.observeDate('kubernetes', ctx.headers['date'], sentAt, new Date())
            return new sdk.Observable(Promise.resolve(ctx))
          },
        },
      ],
    }
  }

  const call = async <T>(what: string, fn: (opts: CallOptions) => Promise<T>): Promise<T> => {
    try {
      return await fn(callOptions((await clients()).sdk))
    } catch (e) {
      throw classify(e, what, (await clients()).server)
    }
  }

  const access = once(async (): Promise<AccessInfo> => {
    const c = await clients()
    // /version first: it separates "cannot reach" from "reached, but rejected us".
    const version = await call('GET /version', (o) => c.version.getCode(undefined, o))
    let user = c.user
    try {
      const review = await call('SelfSubjectReview', (o) =>
        c.authn.createSelfSubjectReview(
          { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
          o,
        ),
      )
      user = review.status?.userInfo?.username ?? user
    } catch (e) {
      // Older clusters (< 1.28) lack SelfSubjectReview; the kubeconfig's user name will do.
      if (!(e instanceof ProviderError) || e.kind !== 'not-found') throw e
    }
    const reviews = await Promise.all(
      NEEDED_READS.map(async (r) => {
        const res = await call(`SelfSubjectAccessReview ${r.verb} ${r.resource}`, (o) =>
          c.authz.createSelfSubjectAccessReview(
            {
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: {
                  resourceAttributes: {
                    verb: r.verb,
                    resource: r.resource,
                    group: r.group,
                    ...(r.namespaced ? { namespace: ns } : {}),
                  },
                },
              },
            },
            o,
          ),
        )
        return { r, allowed: res.status?.allowed === true }
      }),
    )
    const denied: DeniedRead[] = reviews
      .filter((x) => !x.allowed)
      .map(({ r }) => ({
        verb: r.verb,
        resource: r.resource,
        group: r.group,
        optional: r.optional,
        ...(r.namespaced ? { namespace: ns } : {}),
      }))
    session.recorder.identity({ provider: 'kubernetes', principal: user, source: c.source, server: c.server })
    return { source: 'live', server: c.server, user, version: version.gitVersion, denied }
  })

  const inventory = once(async (): Promise<Inventory> => {
    const c = await clients()
    const kinds: Partial<Record<KindName, KindState>> = {}
    const objects: KObject[] = []

    /** Lists all pages of a kind. Forbidden / not served are facts about the cluster, not errors. */
    const list = async (
      kind: KindName,
      what: string,
      fn: (
        cont: string | undefined,
        o: CallOptions,
      ) => Promise<{ items?: unknown[]; metadata?: { _continue?: string; continue?: string } }>,
      toObject: (raw: unknown) => KObject = (raw) => plain(raw, kind),
    ): Promise<void> => {
      try {
        let cont: string | undefined
        const got: KObject[] = []
        do {
          const page = await call(what, (o) => fn(cont, o))
          for (const item of page.items ?? []) got.push(toObject(item))
          cont = page.metadata?._continue ?? page.metadata?.continue ?? undefined
        } while (cont)
        objects.push(...got)
        kinds[kind] = { state: 'listed' }
      } catch (e) {
        if (e instanceof ProviderError && e.kind === 'denied')
          kinds[kind] = { state: 'forbidden', detail: e.message }
        else if (e instanceof ProviderError && e.kind === 'not-found')
          kinds[kind] = { state: 'not-served', detail: what }
        else throw e
      }
    }

    // ESO: which versions the cluster serves decides which one we list (v0.17+ serves only v1).
    let esoServed: string[] | undefined
    try {
      const crd = await call('read CRD externalsecrets.external-secrets.io', (o) =>
        c.apiext.readCustomResourceDefinition({ name: 'externalsecrets.external-secrets.io' }, o),
      )
      esoServed = (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name)
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e
      if (e.kind === 'not-found') esoServed = []
      else if (e.kind !== 'denied') throw e
    }
    const esoVersion = esoServed === undefined ? 'v1' : esoServed.includes('v1') ? 'v1' : esoServed[0]

    const custom = (
      kind: KindName,
      group: string,
      version: string | undefined,
      plural: string,
      namespaced: boolean,
    ) => {
      if (!version) {
        kinds[kind] = { state: 'not-served', detail: `${group} is not installed` }
        return Promise.resolve()
      }
      return list(kind, `list ${plural}.${group}/${version}`, (cont, o) =>
        namespaced
          ? c.custom.listNamespacedCustomObject(
              { group, version, plural, namespace: ns, limit: PAGE, _continue: cont },
              o,
            )
          : c.custom.listClusterCustomObject({ group, version, plural, limit: PAGE, _continue: cont }, o),
      )
    }

    const page = (cont: string | undefined) => ({ namespace: ns, limit: PAGE, _continue: cont })
    await Promise.all([
      list('Deployment', 'list deployments', (cont, o) => c.apps.listNamespacedDeployment(page(cont), o)),
      list('StatefulSet', 'list statefulsets', (cont, o) => c.apps.listNamespacedStatefulSet(page(cont), o)),
      list('DaemonSet', 'list daemonsets', (cont, o) => c.apps.listNamespacedDaemonSet(page(cont), o)),
      list('Pod', 'list pods', (cont, o) => c.core.listNamespacedPod(page(cont), o)),
      list('ServiceAccount', 'list serviceaccounts', (cont, o) =>
        c.core.listNamespacedServiceAccount(page(cont), o),
      ),
      list('Secret', 'list secrets', (cont, o) => c.core.listNamespacedSecret(page(cont), o), secretMetadata),
      custom(
        'ExternalSecret',
        'external-secrets.io',
        esoServed === undefined || esoServed.length ? esoVersion : undefined,
        'externalsecrets',
        true,
      ),
      custom(
        'SecretStore',
        'external-secrets.io',
        esoServed === undefined || esoServed.length ? esoVersion : undefined,
        'secretstores',
        true,
      ),
      custom(
        'ClusterSecretStore',
        'external-secrets.io',
        esoServed === undefined || esoServed.length ? esoVersion : undefined,
        'clustersecretstores',
        false,
      ),
      custom('SecretProviderClass', 'secrets-store.csi.x-k8s.io', 'v1', 'secretproviderclasses', true),
      list('CSIDriver', 'list csidrivers', (cont, o) =>
        c.storage.listCSIDriver({ limit: PAGE, _continue: cont }, o),
      ),
      list('MutatingWebhookConfiguration', 'list mutatingwebhookconfigurations', (cont, o) =>
        c.admission.listMutatingWebhookConfiguration({ limit: PAGE, _continue: cont }, o),
      ),
    ])
    // Keep the declared order of kinds stable for reports.
    const order = new Map(KINDS.map((kd, i) => [kd as string, i]))
    objects.sort((a, b) => (order.get(a.kind) ?? 99) - (order.get(b.kind) ?? 99))
    return { source: 'live', namespace: ns, objects, kinds, esoServedVersions: esoServed }
  })

  return { mode: 'live', access, inventory }
}

/** A typed SDK object back to API JSON (Dates become RFC 3339 strings, as on the wire). */
function plain(raw: unknown, kind: KindName): KObject {
  const o = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>
  return { ...(o as unknown as KObject), kind, apiVersion: (o.apiVersion as string | undefined) ?? '' }
}

/** A Secret reduced to key names and states; its values go to the redactor and no further. */
function secretMetadata(raw: unknown): KObject {
  const s = raw as {
    metadata?: unknown
    type?: string
    data?: Record<string, string>
    stringData?: Record<string, string>
  }
  const keys: Record<string, KeyState> = {}
  for (const [k, v] of Object.entries(s.data ?? {})) {
    const decoded = Buffer.from(v ?? '', 'base64').toString('utf8')
    registerSecret(v)
    registerSecret(decoded)
    keys[k] = decoded.length > 0 ? 'set' : 'empty'
  }
  const meta = JSON.parse(JSON.stringify(s.metadata ?? {})) as KObject['metadata']
  // last-applied-configuration holds the values again, in clear.
  if (meta.annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    registerSecret(meta.annotations['kubectl.kubernetes.io/last-applied-configuration'])
    const { ['kubectl.kubernetes.io/last-applied-configuration']: _drop, ...rest } = meta.annotations
    return { apiVersion: 'v1', kind: 'Secret', metadata: { ...meta, annotations: rest }, type: s.type, keys }
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta, type: s.type, keys }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
])

/** An SDK failure as a ProviderError with safe facts: status, reason, the Status message (no headers). */
export function classify(e: unknown, what: string, server: string): ProviderError {
  if (e instanceof ProviderError) return e
  const pe = classifyRaw(e, what, server)
  return new ProviderError('kubernetes', pe.kind, pe.message, { ...pe.facts, server })
}

function classifyRaw(e: unknown, what: string, server: string): ProviderError {
  const err = e as {
    code?: unknown
    body?: unknown
    name?: string
    message?: string
    type?: string
    errno?: string
  }
  if (typeof err.code === 'number') {
    const status = err.code
    let message = ''
    let reason = ''
    if (typeof err.body === 'string') {
      try {
        const s = JSON.parse(err.body) as { message?: string; reason?: string }
        message = s.message ?? ''
        reason = s.reason ?? ''
      } catch {
        message = err.body.trim().slice(0, 200)
      }
    }
    const facts = { status, reason: reason || undefined, call: what }
    if (status === 401)
      return new ProviderError('kubernetes', 'unauthenticated', `${what}: 401 Unauthorized`, facts)
    if (status === 403)
      return new ProviderError('kubernetes', 'denied', message || `${what}: 403 Forbidden`, {
        ...facts,
        principal: message.match(/User "([^"]+)"/)?.[1],
      })
    if (status === 404)
      return new ProviderError('kubernetes', 'not-found', message || `${what}: 404 Not Found`, facts)
    if (status === 429)
      return new ProviderError('kubernetes', 'throttled', `${what}: 429 Too Many Requests`, facts)
    if (status >= 500)
      return new ProviderError('kubernetes', 'unavailable', `${what}: ${status} ${message}`.trim(), facts)
    return new ProviderError('kubernetes', 'unexpected', `${what}: HTTP ${status} ${message}`.trim(), facts)
  }
  const code = typeof err.code === 'string' ? err.code : err.errno
  const msg = err.message ?? String(e)
  if (err.name === 'AbortError' || err.type === 'aborted')
    return new ProviderError('kubernetes', 'timeout', `${what}: no answer from ${server} in time`, {
      call: what,
    })
  if (code && TLS_CODES.has(code))
    return new ProviderError('kubernetes', 'tls', `TLS with ${server} failed: ${code}`, { code, call: what })
  if (/certificate|self.signed|SSL|TLS/i.test(msg))
    return new ProviderError(
      'kubernetes',
      'tls',
      `TLS with ${server} failed: ${msg.replace(/^request to \S+ failed, reason: /, '')}`,
      {
        call: what,
      },
    )
  if (code === 'ECONNREFUSED')
    return new ProviderError('kubernetes', 'refused', `${server} refused the connection`, {
      code,
      call: what,
    })
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ProviderError('kubernetes', 'dns', `${server} does not resolve`, { code, call: what })
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new ProviderError('kubernetes', 'unreachable', `${server}: ${code}`, { code, call: what })
  return new ProviderError('kubernetes', 'unexpected', `${what}: ${msg.split('\n')[0]}`, { code, call: what })
}
