// The simulated API server's resource catalogue and discovery documents: which kinds it serves at which
// group/version (the ESO and Secrets Store CSI groups only when installed), the APIGroupList of `/apis`,
// the APIGroup of `/apis/<group>` (what kubectl and the doctor read to learn a group's served versions,
// preferred first) and the APIResourceList of `/apis/<group>/<version>`.
import { type KubeSimState, type RawObject } from './state.js'

export interface Resource {
  readonly kind: string
  readonly group: string
  /** Where its versions come from: always v1, or what the installed ESO / CSI driver serves. */
  readonly served: 'v1' | 'eso' | 'csi'
  readonly plural: string
  readonly namespaced: boolean
  readonly shortNames?: readonly string[]
  readonly crd?: boolean
}

const ESO = 'external-secrets.io'
const CSI = 'secrets-store.csi.x-k8s.io'

// prettier-ignore
const RESOURCES: readonly Resource[] = [
  { kind: 'Namespace', group: '', served: 'v1', plural: 'namespaces', namespaced: false, shortNames: ['ns'] },
  { kind: 'Pod', group: '', served: 'v1', plural: 'pods', namespaced: true, shortNames: ['po'] },
  { kind: 'ServiceAccount', group: '', served: 'v1', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'] },
  { kind: 'Secret', group: '', served: 'v1', plural: 'secrets', namespaced: true },
  { kind: 'ConfigMap', group: '', served: 'v1', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { kind: 'Deployment', group: 'apps', served: 'v1', plural: 'deployments', namespaced: true, shortNames: ['deploy'] },
  { kind: 'StatefulSet', group: 'apps', served: 'v1', plural: 'statefulsets', namespaced: true, shortNames: ['sts'] },
  { kind: 'DaemonSet', group: 'apps', served: 'v1', plural: 'daemonsets', namespaced: true, shortNames: ['ds'] },
  { kind: 'CSIDriver', group: 'storage.k8s.io', served: 'v1', plural: 'csidrivers', namespaced: false },
  { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', served: 'v1', plural: 'mutatingwebhookconfigurations', namespaced: false },
  { kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', served: 'v1', plural: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'] },
  { kind: 'ExternalSecret', group: ESO, served: 'eso', plural: 'externalsecrets', namespaced: true, shortNames: ['es'], crd: true },
  { kind: 'SecretStore', group: ESO, served: 'eso', plural: 'secretstores', namespaced: true, shortNames: ['ss'], crd: true },
  { kind: 'ClusterSecretStore', group: ESO, served: 'eso', plural: 'clustersecretstores', namespaced: false, shortNames: ['css'], crd: true },
  { kind: 'SecretProviderClass', group: CSI, served: 'csi', plural: 'secretproviderclasses', namespaced: true, crd: true },
  { kind: 'SecretProviderClassPodStatus', group: CSI, served: 'csi', plural: 'secretproviderclasspodstatuses', namespaced: true, crd: true },
]

/** The review APIs: served always, create only. */
const REVIEWS: Readonly<Record<string, { readonly name: string; readonly kind: string }>> = {
  'authorization.k8s.io': { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview' },
  'authentication.k8s.io': { name: 'selfsubjectreviews', kind: 'SelfSubjectReview' },
}

export function versionsOf(r: Resource, state: KubeSimState): readonly string[] {
  if (r.served === 'eso') return state.esoServed ?? []
  if (r.served === 'csi') return state.csiCrds ? ['v1'] : []
  return ['v1']
}

/** Kubernetes' version priority (GA before beta before alpha, higher numbers first), as discovery orders. */
function priority(v: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v)
  if (!m) return [0, 0, 0]
  return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)]
}
const byPriority = (a: string, b: string) => {
  const [x, y] = [priority(a), priority(b)]
  return y[0] - x[0] || y[1] - x[1] || y[2] - x[2]
}

/** Every served group with its versions, preferred first. */
export function servedGroups(state: KubeSimState): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const r of RESOURCES) {
    if (!r.group) continue
    const g = groups.get(r.group) ?? []
    for (const v of versionsOf(r, state)) if (!g.includes(v)) g.push(v)
    if (g.length) groups.set(r.group, g.sort(byPriority))
  }
  for (const group of Object.keys(REVIEWS)) groups.set(group, ['v1'])
  return groups
}

const groupDoc = (name: string, versions: readonly string[]) => ({
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
})

/** `GET /apis`. */
export const apiGroupList = (state: KubeSimState) => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [...servedGroups(state)].map(([name, versions]) => groupDoc(name, versions)),
})

/** `GET /apis/<group>`; undefined when the group is not served. */
export function apiGroup(state: KubeSimState, group: string) {
  const versions = servedGroups(state).get(group)
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, versions) } : undefined
}

/** The resources served at a group/version. */
export const servedAt = (state: KubeSimState, group: string, version: string): Resource[] =>
  RESOURCES.filter((r) => r.group === group && versionsOf(r, state).includes(version))

/** `GET /api/v1` or `GET /apis/<group>/<version>`; undefined when nothing is served there. */
export function apiResourceList(state: KubeSimState, group: string, version: string) {
  const groupVersion = group ? `${group}/${version}` : version
  const review = REVIEWS[group]
  const resources = review
    ? version === 'v1'
      ? [
          {
            name: review.name,
            singularName: review.name.slice(0, -1),
            namespaced: false,
            kind: review.kind,
            verbs: ['create'],
          },
        ]
      : []
    : servedAt(state, group, version).map((r) => ({
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.crd ? { categories: [r.group.split('.')[0]] } : {}),
      }))
  return resources.length ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources } : undefined
}

/** Namespaces exist for every object's namespace (kubectl reads one to explain a NotFound). */
export function namespaces(state: KubeSimState): RawObject[] {
  if (state.objects.some((o) => o.kind === 'Namespace'))
    return state.objects.filter((o) => o.kind === 'Namespace')
  const names = new Set(['default', 'kube-system', 'kube-public'])
  for (const o of state.objects) if (o.metadata.namespace) names.add(o.metadata.namespace)
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
export function crds(state: KubeSimState): RawObject[] {
  return RESOURCES.filter((r) => r.crd && versionsOf(r, state).length > 0).map((r) => {
    const versions = versionsOf(r, state)
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${r.plural}.${r.group}` },
      spec: {
        group: r.group,
        names: { plural: r.plural, singular: r.kind.toLowerCase(), kind: r.kind, listKind: `${r.kind}List` },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        versions: versions.map((v, i) => ({
          name: v,
          served: true,
          storage: i === 0,
          ...(v === 'v1beta1' ? { deprecated: true } : {}),
          subresources: { status: {} },
        })),
      },
      status: { acceptedNames: { plural: r.plural, kind: r.kind }, storedVersions: [versions[0]] },
    }
  })
}
