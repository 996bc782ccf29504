// The pure helpers the k8s.* checks read the Inventory with (api.ts has the types): lookups, the workloads
// in scope and their pods, label selectors, times, the service accounts that need a cloud identity and the
// credentials their pods show — and, as data, the reads the doctor needs (the live provider lists exactly
// these; a generated RBAC Role can grant exactly these). SDK-free, so checks can import it.
import type { Location } from '../../core/check.js'
import { oneLine, splitTopLevel } from '../../core/text.js'
import type { Inventory, KindName, KObject, ObjectMeta } from './api.js'
import type { KubernetesConfig } from './config.js'

/** What the model reads of the doctor config: the kubernetes section, and which clouds are set up. */
export interface ModelConfig {
  readonly kubernetes: KubernetesConfig
  readonly aws: { readonly configured: boolean }
  readonly gcp: { readonly configured: boolean }
  readonly azure: { readonly configured: boolean }
}

// ---------------------------------------------------------------------------------------------------------
// The reads the doctor needs

/** One kind the doctor lists: where it is served, and what missing it costs. */
export interface KindRead {
  readonly kind: KindName
  /** API group; '' for the core group. */
  readonly group: string
  /** Built-in kinds: their version. Custom resources: undefined — API discovery tells which one is served. */
  readonly version?: string
  /** The plural resource name RBAC and the URL use. */
  readonly resource: string
  readonly namespaced: boolean
  /** Missing it blinds one check (or part of one), not the doctor. */
  readonly optional: boolean
  /** What the doctor reads it for (a generated Role says why it grants each read). */
  readonly why: string
}

/** Every kind the doctor lists, in report order. `list` is the only verb it needs on any of them. */
// prettier-ignore
export const READS: readonly KindRead[] = [
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, optional: false, why: 'the workload, its pod template and service account' },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true, optional: true, why: 'workloads selected by kubernetes.selector' },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true, optional: true, why: 'workloads selected by kubernetes.selector' },
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', namespaced: true, optional: false, why: 'what the running pods got: injected containers, start times, credentials' },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true, optional: false, why: 'workload-identity annotations' },
  { kind: 'Secret', group: '', version: 'v1', resource: 'secrets', namespaced: true, optional: true, why: 'key names and when they changed (values are dropped as they arrive)' },
  { kind: 'ExternalSecret', group: 'external-secrets.io', resource: 'externalsecrets', namespaced: true, optional: true, why: 'sync status and refresh interval' },
  { kind: 'SecretStore', group: 'external-secrets.io', resource: 'secretstores', namespaced: true, optional: true, why: 'store status and the service account it logs in as' },
  { kind: 'ClusterSecretStore', group: 'external-secrets.io', resource: 'clustersecretstores', namespaced: false, optional: true, why: 'store status and the service account it logs in as' },
  { kind: 'SecretProviderClass', group: 'secrets-store.csi.x-k8s.io', resource: 'secretproviderclasses', namespaced: true, optional: true, why: 'the objects the CSI driver fetches and syncs' },
  { kind: 'CSIDriver', group: 'storage.k8s.io', version: 'v1', resource: 'csidrivers', namespaced: false, optional: true, why: 'whether the Secrets Store CSI driver is installed' },
  { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', namespaced: false, optional: true, why: 'whether the Vault Agent Injector is installed' },
]

export const KINDS: readonly KindName[] = READS.map((r) => r.kind)

/** A read as SelfSubjectAccessReview asks it, and as an RBAC rule grants it. */
export interface NeededRead {
  readonly verb: 'list'
  readonly resource: string
  readonly group: string
  readonly namespaced: boolean
  readonly optional: boolean
}

/** The reads the doctor needs, asked of SelfSubjectAccessReview (all at once) before anything is listed. */
export const NEEDED_READS: readonly NeededRead[] = READS.map((r) => ({
  verb: 'list',
  resource: r.resource,
  group: r.group,
  namespaced: r.namespaced,
  optional: r.optional,
}))

/** Custom resource groups whose served version API discovery tells, each with the version preferred. */
export const CUSTOM_GROUPS: Readonly<Record<string, { readonly prefer: string }>> = {
  // ESO v0.16 serves v1 and v1beta1; v0.17+ only v1; up to v0.15 only v1beta1.
  'external-secrets.io': { prefer: 'v1' },
  'secrets-store.csi.x-k8s.io': { prefer: 'v1' },
}

/**
 * Non-resource URLs the doctor GETs: the version, and discovery of each custom group (which every
 * authenticated user may read through the built-in system:discovery and system:public-info-viewer roles).
 */
export const DISCOVERY_PATHS: readonly string[] = [
  '/version',
  ...Object.keys(CUSTOM_GROUPS).map((g) => `/apis/${g}`),
]

/** The version to list a custom group at: the one we prefer when served, else the server's preferred one. */
export function pickVersion(group: string, served: readonly string[]): string | undefined {
  const prefer = CUSTOM_GROUPS[group]?.prefer
  return prefer && served.includes(prefer) ? prefer : served[0]
}

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
  const terms = splitTopLevel(selector)
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
  readonly envFrom?: readonly {
    secretRef?: { name: string; optional?: boolean }
    configMapRef?: { name: string; optional?: boolean }
    prefix?: string
  }[]
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
// Times

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

export interface Condition {
  readonly type: string
  readonly status: string
  readonly reason?: string
  readonly message?: string
  readonly lastTransitionTime?: string
}

/**
 * A condition of `status.conditions` by type. Its reason and message are a controller's words, quoted in
 * findings verbatim — as one printable line, so they can forge neither a terminal nor a CI log line.
 */
export function condition(o: KObject, type: string): Condition | undefined {
  const list: unknown = o.status?.conditions
  const c = (Array.isArray(list) ? (list as Condition[]) : []).find((x) => x?.type === type)
  if (!c) return undefined
  const line = (v: unknown) => (typeof v === 'string' ? oneLine(v, 500) : undefined)
  return { ...c, status: String(c.status), reason: line(c.reason), message: line(c.message) }
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
  /**
   * Clouds whose evidence does not by itself require the annotation — the doctor config sets the cloud up,
   * or the pod carries the Azure workload-identity label — so the pod may get credentials another way:
   * what the pods show decides (see credentialEvidence).
   */
  readonly podsDecide: Set<Cloud>
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
    if (!e) out.set(key, (e = { ns, name, why, workload, clouds: new Map(), podsDecide: new Set() }))
    return e
  }
  for (const w of workloads(inv, config)) {
    const e = add(w.namespace, serviceAccountOf(w.podSpec), `${w.ref} runs as it`, w)
    const fromConfig: [Cloud, boolean, string][] = [
      ['aws', config.aws.configured, 'the doctor config sets up AWS'],
      ['gcp', config.gcp.configured, 'the doctor config sets up Google Secret Manager'],
      ['azure', config.azure.configured, 'the doctor config sets up Azure Key Vault'],
    ]
    for (const [cloud, on, why] of fromConfig)
      if (on && !e.clouds.has(cloud)) {
        e.clouds.set(cloud, why)
        e.podsDecide.add(cloud)
      }
    if (w.templateMeta.labels?.[AZURE_LABEL] === 'true' && !e.clouds.has('azure')) {
      e.clouds.set('azure', `${w.ref} has the pod label ${AZURE_LABEL}: "true"`)
      e.podsDecide.add('azure')
    }
    for (const cls of csiClassesOf(w.podSpec)) {
      const spc = findObject(inv, 'SecretProviderClass', w.namespace, cls)
      const params = spc?.spec?.parameters ?? {}
      const evidence = `it mounts SecretProviderClass ${cls}`
      const firm = (cloud: Cloud, why: string) => {
        e.clouds.set(cloud, why)
        e.podsDecide.delete(cloud)
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
    e.podsDecide.delete(cloud)
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

// ---------------------------------------------------------------------------------------------------------
// Credentials a pod gets other than through its service account's workload-identity annotation

/** Environment variables through which each cloud's SDK finds credentials of another kind. */
const OTHER_CREDENTIALS: Readonly<Record<Cloud, readonly (readonly [variable: string, what: string])[]>> = {
  aws: [
    ['AWS_WEB_IDENTITY_TOKEN_FILE', 'a web identity token'],
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'EKS Pod Identity'],
    ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'container credentials'],
    ['AWS_ACCESS_KEY_ID', 'an access key'],
    ['AWS_SHARED_CREDENTIALS_FILE', 'a credentials file'],
  ],
  gcp: [['GOOGLE_APPLICATION_CREDENTIALS', 'a key file']],
  azure: [
    // With the pod label, the webhook adds the federated token for this client id; without it, the id picks
    // a user-assigned managed identity.
    ['AZURE_CLIENT_ID', 'a client id set on the container'],
    ['AZURE_CLIENT_SECRET', 'a service principal secret'],
    ['AZURE_CLIENT_CERTIFICATE_PATH', 'a service principal certificate'],
    ['AZURE_FEDERATED_TOKEN_FILE', 'a federated token'],
    ['AZURE_USERNAME', 'a user name and password'],
  ],
}

/** Mount paths where a cloud SDK looks for a credentials file of its own. */
const CREDENTIAL_DIRS: Readonly<Record<Cloud, RegExp | undefined>> = {
  aws: /(^|\/)\.aws(\/|$)/,
  gcp: /(^|\/)\.config\/gcloud(\/|$)/,
  azure: /(^|\/)\.azure(\/|$)/,
}

/** What the pods of a service account show about credentials for one cloud, other than its annotation. */
export interface CredentialEvidence {
  /** What was read: running pods (they show what admission webhooks injected) or pod templates. */
  readonly from: 'running pods' | 'pod templates'
  /** Another source the pods get this cloud's credentials from, named (`EKS Pod Identity (AWS_…)`). */
  readonly other?: string
  /** Why the pods cannot settle it: a variable source whose keys the doctor cannot see. */
  readonly unknown?: string
}

/**
 * Reads the pods that run as `sa` (the running ones when the API listed any, else the templates of the
 * workloads in scope) for another source of `cloud` credentials.
 */
export function credentialEvidence(
  inv: Inventory,
  config: ModelConfig,
  sa: Pick<IdentityAccount, 'ns' | 'name'>,
  cloud: Cloud,
): CredentialEvidence {
  const mine = workloads(inv, config).filter(
    (w) => w.namespace === sa.ns && serviceAccountOf(w.podSpec) === sa.name,
  )
  const running = inv.source === 'live' ? mine.flatMap((w) => podsOf(inv, w)) : []
  const from = running.length > 0 ? 'running pods' : 'pod templates'
  const specs: PodSpec[] = running.length > 0 ? running.map((p) => p.spec) : mine.map((w) => w.podSpec)
  let unknown: string | undefined
  for (const spec of specs)
    for (const c of [...initContainersOf(spec), ...containersOf(spec)]) {
      const found = containerCredential(c, cloud, (name) => envFromKeys(inv, sa.ns, name))
      if (found.other) return { from, other: `${found.other} in container ${c.name}` }
      unknown ??= found.unknown && `container ${c.name} ${found.unknown}`
    }
  return { from, unknown }
}

export const serviceAccountOf = (spec: PodSpec): string =>
  spec?.serviceAccountName ?? spec?.serviceAccount ?? 'default'

/** The key names a Secret holds, when the inventory shows it; undefined when unknown. */
function envFromKeys(inv: Inventory, ns: string, secret: string): readonly string[] | undefined {
  const s = findObject(inv, 'Secret', ns, secret)
  return s?.keys ? Object.keys(s.keys) : undefined
}

function containerCredential(
  c: Container,
  cloud: Cloud,
  secretKeys: (name: string) => readonly string[] | undefined,
): { other?: string; unknown?: string } {
  const vars = OTHER_CREDENTIALS[cloud]
  const named = (names: readonly string[], how: string) => {
    const hit = vars.find(([v]) => names.includes(v))
    return hit ? `${hit[1]} (${hit[0]}${how})` : undefined
  }
  const direct = named(
    (c.env ?? []).map((e) => e.name),
    '',
  )
  if (direct) return { other: direct }
  const dir = CREDENTIAL_DIRS[cloud]
  const mount = dir && (c.volumeMounts ?? []).find((m) => dir.test(m.mountPath))
  if (mount) return { other: `a credentials file mounted at ${mount.mountPath}` }
  let unknown: string | undefined
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? ''
    if (from.secretRef?.name) {
      const keys = secretKeys(from.secretRef.name)
      if (!keys) unknown ??= `takes every key of Secret ${from.secretRef.name}, which the doctor cannot see`
      const hit =
        keys &&
        named(
          keys.map((k) => prefix + k),
          ` from Secret ${from.secretRef.name}`,
        )
      if (hit) return { other: hit }
    } else if (from.configMapRef?.name)
      unknown ??= `takes every key of ConfigMap ${from.configMapRef.name}, which the doctor does not read`
  }
  return { unknown }
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
