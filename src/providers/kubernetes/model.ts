// The one object model the k8s.* checks read, whichever source filled it: the live API (list calls) or
// `--manifests` files. Objects keep their Kubernetes JSON shape (so a check reads `spec.template` the way
// an operator reads YAML); Secrets are the exception: their values are dropped at the source and only key
// names with a state remain. SDK-free, so checks can import it.
import type { Location } from '../../core/check.js'
import type { KubernetesConfig } from './config.js'

/** What the model reads of the doctor config: the kubernetes section, and which clouds are set up. */
export interface ModelConfig {
  readonly kubernetes: KubernetesConfig
  readonly aws: { readonly configured: boolean }
  readonly gcp: { readonly configured: boolean }
  readonly azure: { readonly configured: boolean }
}

export const KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Pod',
  'ServiceAccount',
  'Secret',
  'ExternalSecret',
  'SecretStore',
  'ClusterSecretStore',
  'SecretProviderClass',
  'CSIDriver',
  'MutatingWebhookConfiguration',
] as const
export type KindName = (typeof KINDS)[number]

export interface ObjectMeta {
  readonly name: string
  readonly namespace?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  readonly creationTimestamp?: string
  readonly resourceVersion?: string
  readonly managedFields?: readonly {
    readonly time?: string
    readonly fieldsV1?: unknown
    readonly operation?: string
  }[]
}

/** A Kubernetes object as JSON. `location` is set for objects read from a manifest file. */
export interface KObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: ObjectMeta
  // Kubernetes specs are deep and kind-specific; checks narrow what they read.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec?: any
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly status?: any
  /** Secrets only: key → state. Never a value. */
  readonly keys?: Readonly<Record<string, KeyState>>
  readonly type?: string
  // MutatingWebhookConfiguration
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly webhooks?: any[]
  readonly location?: Location
}

export type KeyState = 'set' | 'empty'

/**
 * How much a kind's absence proves. `listed`: the API listed it, so absent means absent. `forbidden` /
 * `not-served`: unknown. `from-manifests`: the files are a subset of what the cluster will hold.
 */
export interface KindState {
  readonly state: 'listed' | 'forbidden' | 'not-served' | 'from-manifests'
  readonly detail?: string
}

export interface Inventory {
  readonly source: 'live' | 'manifests'
  /** The namespace the doctor looks at (live), or the default for manifest objects without one. */
  readonly namespace: string
  readonly objects: readonly KObject[]
  readonly kinds: Readonly<Partial<Record<KindName, KindState>>>
  /** ESO versions the cluster serves (from its CRD), when it could be read. */
  readonly esoServedVersions?: readonly string[]
}

export interface ManifestProblem {
  readonly message: string
  readonly location: Location
}

/** What the API (or the files) told us before any object was read. */
export interface AccessInfo {
  readonly source: 'live' | 'manifests'
  readonly server?: string
  readonly user?: string
  readonly version?: string
  /** Reads the doctor needs that a SelfSubjectAccessReview refused. */
  readonly denied: readonly DeniedRead[]
  /** Manifests: files read, objects found, and what could not be parsed. */
  readonly files?: readonly string[]
  readonly objectCount?: number
  readonly problems?: readonly ManifestProblem[]
}

export interface DeniedRead {
  readonly verb: string
  readonly resource: string
  readonly group: string
  readonly namespace?: string
  /** Cluster-scoped extras (CSI driver, injector webhook): missing them blinds one check, not the doctor. */
  readonly optional: boolean
}

/** The reads the doctor needs, asked of SelfSubjectAccessReview, and used by the list calls. */
export const NEEDED_READS: readonly (Omit<DeniedRead, 'namespace'> & { readonly namespaced: boolean })[] = [
  { verb: 'list', resource: 'deployments', group: 'apps', namespaced: true, optional: false },
  { verb: 'list', resource: 'pods', group: '', namespaced: true, optional: false },
  { verb: 'list', resource: 'serviceaccounts', group: '', namespaced: true, optional: false },
  { verb: 'list', resource: 'secrets', group: '', namespaced: true, optional: true },
  {
    verb: 'list',
    resource: 'externalsecrets',
    group: 'external-secrets.io',
    namespaced: true,
    optional: true,
  },
  { verb: 'list', resource: 'secretstores', group: 'external-secrets.io', namespaced: true, optional: true },
  {
    verb: 'list',
    resource: 'secretproviderclasses',
    group: 'secrets-store.csi.x-k8s.io',
    namespaced: true,
    optional: true,
  },
  { verb: 'list', resource: 'csidrivers', group: 'storage.k8s.io', namespaced: false, optional: true },
  {
    verb: 'list',
    resource: 'mutatingwebhookconfigurations',
    group: 'admissionregistration.k8s.io',
    namespaced: false,
    optional: true,
  },
]

// ---------------------------------------------------------------------------------------------------------
// Lookups

export const nsOf = (o: KObject, inv: Inventory): string => o.metadata.namespace ?? inv.namespace

export const refOf = (o: KObject, inv?: Inventory): string =>
  o.metadata.namespace || inv
    ? `${o.kind}/${o.metadata.namespace ?? inv?.namespace}/${o.metadata.name}`
    : `${o.kind}/${o.metadata.name}`

export const ofKind = (inv: Inventory, kind: KindName): KObject[] =>
  inv.objects.filter((o) => o.kind === kind)

export function findObject(inv: Inventory, kind: KindName, namespace: string | undefined, name: string) {
  return inv.objects.find(
    (o) =>
      o.kind === kind && o.metadata.name === name && (namespace === undefined || nsOf(o, inv) === namespace),
  )
}

/** True when the absence of this kind's object is evidence it does not exist (a successful live list). */
export const absenceProves = (inv: Inventory, kind: KindName): boolean => inv.kinds[kind]?.state === 'listed'

/** A human phrase for why an absent object cannot be judged. */
export function absenceNote(inv: Inventory, kind: KindName): string {
  const k = inv.kinds[kind]
  if (!k || k.state === 'from-manifests') return 'not in the manifests; check it in the cluster'
  if (k.state === 'forbidden') return `the doctor may not list ${kind} objects`
  if (k.state === 'not-served') return `the cluster does not serve ${kind}${k.detail ? ` (${k.detail})` : ''}`
  return 'not found'
}

export const annotations = (o: { metadata?: { annotations?: Readonly<Record<string, string>> } }) =>
  o.metadata?.annotations ?? {}

// ---------------------------------------------------------------------------------------------------------
// Workloads and pods

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PodSpec = any

export interface Workload {
  readonly obj: KObject
  readonly kind: string
  readonly name: string
  readonly namespace: string
  readonly ref: string
  readonly templateMeta:
    ObjectMeta | { labels?: Record<string, string>; annotations?: Record<string, string> }
  readonly podSpec: PodSpec
  readonly location?: Location
}

const WORKLOAD_KINDS: readonly KindName[] = ['Deployment', 'StatefulSet', 'DaemonSet']

/**
 * The command that restarts a workload's pods. Controllers roll; a bare pod has no rollout, and deleting it
 * brings it back only when something recreates it — the command says so rather than pretending.
 */
export function restartCommand(w: Pick<Workload, 'kind' | 'name' | 'namespace'>): string {
  if (w.kind === 'Pod')
    return `kubectl -n ${w.namespace} delete pod ${w.name}   # a bare pod: re-create it from its manifest afterwards`
  return `kubectl -n ${w.namespace} rollout restart ${w.kind.toLowerCase()}/${w.name}`
}

/** The workloads the config selects: its deployment, the controllers whose pods match its selector, or all. */
export function workloads(inv: Inventory, config: ModelConfig): Workload[] {
  const k = config.kubernetes
  const out: Workload[] = []
  for (const o of inv.objects) {
    if (!WORKLOAD_KINDS.includes(o.kind as KindName)) continue
    const template = o.spec?.template ?? {}
    if (k.deployment && !(o.kind === 'Deployment' && o.metadata.name === k.deployment)) continue
    if (k.selector && !matchesSelector(template.metadata?.labels ?? {}, k.selector)) continue
    out.push({
      obj: o,
      kind: o.kind,
      name: o.metadata.name,
      namespace: nsOf(o, inv),
      ref: refOf(o, inv),
      templateMeta: template.metadata ?? {},
      podSpec: template.spec ?? {},
      location: o.location,
    })
  }
  // Bare pods (a manifest of a Pod, or --selector naming pods with no controller we read).
  if (!k.deployment && inv.source === 'manifests') {
    for (const o of ofKind(inv, 'Pod')) {
      if (k.selector && !matchesSelector(o.metadata.labels ?? {}, k.selector)) continue
      out.push({
        obj: o,
        kind: 'Pod',
        name: o.metadata.name,
        namespace: nsOf(o, inv),
        ref: refOf(o, inv),
        templateMeta: o.metadata,
        podSpec: o.spec ?? {},
        location: o.location,
      })
    }
  }
  return out
}

/** Live pods of a workload: same namespace, labels matching its selector. */
export function podsOf(inv: Inventory, w: Workload): KObject[] {
  if (w.kind === 'Pod') return inv.source === 'live' ? [w.obj] : []
  const sel = w.obj.spec?.selector
  const match: Record<string, string> = sel?.matchLabels ?? w.templateMeta.labels ?? {}
  const exprs: { key: string; operator: string; values?: string[] }[] = sel?.matchExpressions ?? []
  if (Object.keys(match).length === 0 && exprs.length === 0) return []
  return ofKind(inv, 'Pod').filter((p) => {
    if (nsOf(p, inv) !== w.namespace) return false
    const labels = p.metadata.labels ?? {}
    for (const [key, v] of Object.entries(match)) if (labels[key] !== v) return false
    for (const e of exprs) if (!exprMatches(labels, e.key, e.operator, e.values ?? [])) return false
    return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'
  })
}

function exprMatches(labels: Record<string, string>, key: string, op: string, values: readonly string[]) {
  const has = key in labels
  switch (op.toLowerCase()) {
    case 'in':
      return has && values.includes(labels[key] as string)
    case 'notin':
      return !has || !values.includes(labels[key] as string)
    case 'exists':
      return has
    case 'doesnotexist':
      return !has
    default:
      return false
  }
}

/** Label-selector syntax (`a=b,c!=d,e in (x,y),f notin (z),g,!h`), as `kubectl -l` takes it. */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  const terms = splitSelector(selector)
  return terms.every((t) => {
    let m: RegExpMatchArray | null
    if ((m = t.match(/^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/i)))
      return exprMatches(
        labels as Record<string, string>,
        m[1] as string,
        m[2] as string,
        (m[3] as string).split(',').map((s) => s.trim()),
      )
    if ((m = t.match(/^([^\s!=]+)\s*!=\s*(.*)$/))) return labels[m[1] as string] !== (m[2] as string).trim()
    if ((m = t.match(/^([^\s!=]+)\s*==?\s*(.*)$/))) return labels[m[1] as string] === (m[2] as string).trim()
    if (t.startsWith('!')) return !(t.slice(1).trim() in labels)
    return t in labels
  })
}

function splitSelector(selector: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of selector) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

export interface Container {
  readonly name: string
  readonly image?: string
  readonly command?: readonly string[]
  readonly args?: readonly string[]
  readonly env?: readonly {
    name: string
    value?: string
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } }
  }[]
  readonly envFrom?: readonly { secretRef?: { name: string; optional?: boolean }; prefix?: string }[]
  readonly volumeMounts?: readonly { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[]
  readonly restartPolicy?: string
}

export const containersOf = (spec: PodSpec): Container[] => (spec?.containers ?? []) as Container[]
export const initContainersOf = (spec: PodSpec): Container[] => (spec?.initContainers ?? []) as Container[]

/** Secrets a pod spec takes through env vars: secret name → keys (`*` for envFrom: every key). */
export function envSecretRefs(spec: PodSpec): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  const add = (name: string, key: string) => {
    let s = out.get(name)
    if (!s) out.set(name, (s = new Set()))
    s.add(key)
  }
  for (const c of [...containersOf(spec), ...initContainersOf(spec)]) {
    for (const e of c.env ?? []) {
      const r = e.valueFrom?.secretKeyRef
      if (r?.name) add(r.name, r.key)
    }
    for (const e of c.envFrom ?? []) if (e.secretRef?.name) add(e.secretRef.name, '*')
  }
  return out
}

export const scriptOf = (c: Container): string => [...(c.command ?? []), ...(c.args ?? [])].join(' ')

// ---------------------------------------------------------------------------------------------------------
// Time and durations

/** Go's time.ParseDuration (what ESO's refreshInterval is): `1h`, `15m0s`, `1.5h`, `0`. No `d`. */
export function parseGoDuration(text: string): number | undefined {
  const t = text.trim()
  if (t === '0' || t === '+0' || t === '-0') return 0
  const m = t.match(/^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/)
  if (!m) return undefined
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    μs: 1e-3,
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 3.6e6,
  }
  let total = 0
  for (const part of t.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(part[1]) * (units[part[2] as string] as number)
  return m[1] === '-' ? -total : total
}

/** When an object last changed, as far as the API shows: the newest managedFields entry, else creation. */
export function lastChanged(o: KObject): Date | undefined {
  let best: number | undefined
  for (const f of o.metadata.managedFields ?? []) {
    const t = f.time ? Date.parse(f.time) : NaN
    if (!Number.isNaN(t) && (best === undefined || t > best)) best = t
  }
  if (best === undefined && o.metadata.creationTimestamp) best = Date.parse(o.metadata.creationTimestamp)
  return best === undefined || Number.isNaN(best) ? undefined : new Date(best)
}

/** When a given annotation last changed: the newest managedFields entry that owns it. */
export function annotationChanged(o: KObject, key: string): Date | undefined {
  let best: number | undefined
  for (const f of o.metadata.managedFields ?? []) {
    const owns = JSON.stringify(f.fieldsV1 ?? {}).includes(`"f:${key}"`)
    const t = f.time ? Date.parse(f.time) : NaN
    if (owns && !Number.isNaN(t) && (best === undefined || t > best)) best = t
  }
  return best === undefined ? undefined : new Date(best)
}

/** When the pod's containers last started (the newest running container's startedAt, else startTime). */
export function podStarted(p: KObject): Date | undefined {
  let best: number | undefined
  for (const cs of p.status?.containerStatuses ?? []) {
    const s = cs?.state?.running?.startedAt
    const t = s ? Date.parse(String(s)) : NaN
    if (!Number.isNaN(t) && (best === undefined || t < best)) best = t
  }
  if (best === undefined && p.status?.startTime) best = Date.parse(String(p.status.startTime))
  return best === undefined || Number.isNaN(best) ? undefined : new Date(best)
}

/** A condition of `status.conditions` by type. */
export function condition(o: KObject, type: string) {
  const list: {
    type: string
    status: string
    reason?: string
    message?: string
    lastTransitionTime?: string
  }[] = o.status?.conditions ?? []
  return list.find((c) => c.type === type)
}

export const GKE_ANNOTATION = 'iam.gke.io/gcp-service-account'
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn'
export const AZURE_ANNOTATION = 'azure.workload.identity/client-id'
export const AZURE_LABEL = 'azure.workload.identity/use'

export type Cloud = 'aws' | 'gcp' | 'azure'

export interface IdentityAccount {
  readonly ns: string
  readonly name: string
  readonly why: string
  readonly workload?: Workload
  /** The clouds this account must be bound to, each with the evidence. */
  readonly clouds: Map<Cloud, string>
  /** Clouds whose evidence is only the doctor config: the pod may get credentials another way. */
  readonly configOnly: Set<Cloud>
}

const storeCloud = (o: KObject): Cloud | undefined => {
  const p = o.spec?.provider ?? {}
  if (p.aws?.auth?.jwt) return 'aws'
  if (p.gcpsm?.auth?.workloadIdentity) return 'gcp'
  if (p.azurekv?.authType === 'WorkloadIdentity') return 'azure'
  return undefined
}

/**
 * The service accounts that need a cloud identity, and for which cloud: a workload's own account for the
 * clouds the doctor config sets up (the agent calls them itself) and the CSI providers it mounts; an ESO
 * store's account for the store's cloud; any account for an annotation it already carries (to judge its form).
 */
export function identityServiceAccounts(inv: Inventory, config: ModelConfig): IdentityAccount[] {
  const out = new Map<string, IdentityAccount>()
  const add = (ns: string, name: string, why: string, workload?: Workload) => {
    const key = `${ns}/${name}`
    let e = out.get(key)
    if (!e) out.set(key, (e = { ns, name, why, workload, clouds: new Map(), configOnly: new Set() }))
    return e
  }
  for (const w of workloads(inv, config)) {
    const e = add(
      w.namespace,
      w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount ?? 'default',
      `${w.ref} runs as it`,
      w,
    )
    const fromConfig: [Cloud, boolean, string][] = [
      ['aws', config.aws.configured, 'the doctor config sets up AWS'],
      ['gcp', config.gcp.configured, 'the doctor config sets up Google Secret Manager'],
      ['azure', config.azure.configured, 'the doctor config sets up Azure Key Vault'],
    ]
    for (const [cloud, on, why] of fromConfig)
      if (on && !e.clouds.has(cloud)) {
        e.clouds.set(cloud, why)
        e.configOnly.add(cloud)
      }
    for (const cls of csiClassesOf(w.podSpec)) {
      const spc = findObject(inv, 'SecretProviderClass', w.namespace, cls)
      const params = spc?.spec?.parameters ?? {}
      const evidence = `it mounts SecretProviderClass ${cls}`
      const firm = (cloud: Cloud, why: string) => {
        e.clouds.set(cloud, why)
        e.configOnly.delete(cloud)
      }
      if (spc?.spec?.provider === 'aws' && params.usePodIdentity !== 'true') firm('aws', evidence)
      if (spc?.spec?.provider === 'gcp') firm('gcp', evidence)
      if (spc?.spec?.provider === 'azure' && params.usePodIdentity !== 'true' && params.clientID)
        firm('azure', `${evidence} with workload identity (clientID)`)
    }
  }
  for (const o of inv.objects) {
    if (o.kind !== 'SecretStore' && o.kind !== 'ClusterSecretStore') continue
    const p = o.spec?.provider ?? {}
    const ref =
      p.aws?.auth?.jwt?.serviceAccountRef ??
      p.gcpsm?.auth?.workloadIdentity?.serviceAccountRef ??
      p.azurekv?.serviceAccountRef
    const cloud = storeCloud(o)
    if (!ref?.name || !cloud) continue
    const e = add(ref.namespace ?? nsOf(o, inv), ref.name, `${refOf(o, inv)} logs in as it`)
    e.clouds.set(cloud, `${refOf(o, inv)} logs in to ${cloud} as it`)
    e.configOnly.delete(cloud)
  }
  for (const e of out.values()) {
    const sa = findObject(inv, 'ServiceAccount', e.ns, e.name)
    if (!sa) continue
    const a = annotations(sa)
    if (IRSA_ANNOTATION in a && !e.clouds.has('aws')) e.clouds.set('aws', `it carries ${IRSA_ANNOTATION}`)
    if (GKE_ANNOTATION in a && !e.clouds.has('gcp')) e.clouds.set('gcp', `it carries ${GKE_ANNOTATION}`)
    if (AZURE_ANNOTATION in a && !e.clouds.has('azure'))
      e.clouds.set('azure', `it carries ${AZURE_ANNOTATION}`)
  }
  return [...out.values()]
}

/** The object names a SecretProviderClass fetches (objectName/objectAlias, or GCP `path`), or a parse error. */
export function spcObjectNames(
  spc: KObject,
  parseYaml: (text: string) => unknown,
): { names: string[]; error?: string } {
  const params: Record<string, string> = spc.spec?.parameters ?? {}
  const names: string[] = []
  const take = (entry: unknown) => {
    if (typeof entry === 'string') {
      try {
        take(parseYaml(entry))
      } catch (e) {
        throw new Error(`objects entry does not parse: ${(e as Error).message.split('\n')[0]}`, { cause: e })
      }
      return
    }
    if (!entry || typeof entry !== 'object') return
    const o = entry as Record<string, unknown>
    if (typeof o.objectAlias === 'string' && o.objectAlias) names.push(o.objectAlias)
    // Providers name the file differently (AWS replaces `/` with `_`); accept each spelling.
    else if (typeof o.objectName === 'string')
      names.push(o.objectName, o.objectName.split('/').pop() as string, o.objectName.replace(/\//g, '_'))
    if (typeof o.path === 'string') names.push(o.path)
    if (Array.isArray(o.jmesPath))
      for (const j of o.jmesPath as { objectAlias?: string }[]) if (j.objectAlias) names.push(j.objectAlias)
  }
  try {
    for (const field of ['objects', 'secrets']) {
      const text = params[field]
      if (typeof text !== 'string' || !text.trim()) continue
      const parsed = parseYaml(text) as unknown
      const list = Array.isArray(parsed)
        ? parsed
        : parsed && typeof parsed === 'object' && Array.isArray((parsed as { array?: unknown[] }).array)
          ? (parsed as { array: unknown[] }).array
          : undefined
      if (!list) return { names, error: `parameters.${field} is neither a list nor an "array:" of entries` }
      for (const entry of list) take(entry)
    }
  } catch (e) {
    return { names: [...new Set(names)], error: (e as Error).message.split('\n')[0] }
  }
  return { names: [...new Set(names)] }
}

/** The SecretProviderClass names a pod spec mounts through the CSI driver. */
export function csiClassesOf(spec: PodSpec): string[] {
  const out: string[] = []
  for (const v of spec?.volumes ?? []) {
    if (v?.csi?.driver === 'secrets-store.csi.k8s.io' && v.csi.volumeAttributes?.secretProviderClass)
      out.push(String(v.csi.volumeAttributes.secretProviderClass))
  }
  return out
}

/** Commands that fetch a secret from a manager (an init script or a sidecar doing the delivery itself). */
export const SECRET_FETCH =
  /gcloud\s+secrets\s+versions\s+access|aws\s+secretsmanager\s+get-secret-value|vault\s+(?:kv\s+get|read|agent)|az\s+keyvault\s+secret\s+show|secretmanager|get-secret-value/i
