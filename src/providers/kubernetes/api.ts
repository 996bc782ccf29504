// What the k8s.* checks see of the cluster: who the doctor is there and which reads it may make (`access`),
// and every object of the kinds the checks read, in one Inventory (`inventory`) — filled by the live API or
// by `--manifests` files alike. Objects keep their Kubernetes JSON shape (a check reads `spec.template` the
// way an operator reads YAML); Secrets are the exception: their values are dropped at the source and only key
// names with a state remain. Types only: the pure helpers checks use are in model.ts.
import type { Location } from '../../core/check.js'

export interface KubernetesApi {
  /** Where objects come from: the cluster, or `--manifests` files (no network). */
  readonly mode: 'live' | 'manifests'
  /** Who we are and which reads we may make (live), or which files were read (manifests). */
  access(): Promise<AccessInfo>
  /** Every object of the kinds the checks read, in the configured namespace (live) or in the files. */
  inventory(): Promise<Inventory>
}

/** The kinds the doctor reads (model.ts `READS` says how and why). */
export type KindName =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Pod'
  | 'ServiceAccount'
  | 'Secret'
  | 'ExternalSecret'
  | 'SecretStore'
  | 'ClusterSecretStore'
  | 'SecretProviderClass'
  | 'CSIDriver'
  | 'MutatingWebhookConfiguration'

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

/** What a Secret's key holds, never the value: `no-value` and `null` are what a broken template renders. */
export type KeyState = 'set' | 'empty' | 'no-value' | 'null'

/**
 * How much a kind's absence proves. `listed`: the API listed it, so absent means absent. `forbidden` /
 * `not-served`: unknown. `from-manifests`: the files are a subset of what the cluster will hold.
 */
export interface KindState {
  readonly state: 'listed' | 'forbidden' | 'not-served' | 'from-manifests'
  readonly detail?: string
}

/** What API discovery (`GET /apis/<group>`, as kubectl asks) said about a custom resource group. */
export interface ApiGroupInfo {
  readonly group: string
  /** The versions discovery listed, the preferred first; undefined when discovery could not be read. */
  readonly served?: readonly string[]
  /** The version the doctor listed the group's kinds at; undefined when the cluster does not serve the group. */
  readonly listed?: string
  /** How `listed` was chosen, when not simply from discovery (`discovery was refused: assumed v1`). */
  readonly note?: string
}

export interface Inventory {
  readonly source: 'live' | 'manifests'
  /** The namespace the doctor looks at (live), or the default for manifest objects without one. */
  readonly namespace: string
  readonly objects: readonly KObject[]
  readonly kinds: Readonly<Partial<Record<KindName, KindState>>>
  /** ESO versions the cluster serves (API discovery), when it could be read. */
  readonly esoServedVersions?: readonly string[]
  /** Discovery of the custom resource groups (ESO, Secrets Store CSI), by group name. Live only. */
  readonly apiGroups?: Readonly<Record<string, ApiGroupInfo>>
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
