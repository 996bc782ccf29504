// What a support bundle and the Prometheus textfile say about the node beyond the report: the secret files
// (metadata only — path, mode, owner, size, write time, filesystem — never a byte of content) and summaries of
// the Kubernetes objects the doctor reads (names, references, key names — never `data`, env values or
// literal specs). Both are read through the providers' own APIs, the same safe readers the checks use.
import { readFile } from 'node:fs/promises'
import type { ProviderSession } from '../core/provider.js'
import { RunRecorder } from '../core/recorder.js'
import { redact } from '../core/redact.js'
import { secretFiles } from '../checks/node/lib/secret-files.js'
import type { ResolvedConfig } from '../providers/index.js'
import type { KObject, KubernetesApi } from '../providers/kubernetes/api.js'
import kubernetesProvider from '../providers/kubernetes/provider.js'
import type { Mount, NodeApi } from '../providers/node/api.js'
import nodeProvider from '../providers/node/provider.js'
import type { SecretFileFact } from '../render/prometheus.js'
import { scrubTemplate } from './bundle-scrub.js'

export interface SecretFileEntry {
  readonly path: string
  /** env-file, template, sink: why the doctor counts it as a secret file. */
  readonly roles: readonly string[]
  readonly exists: boolean
  readonly regular?: boolean
  readonly mode?: string
  readonly uid?: number
  readonly owner?: string
  readonly size?: number
  readonly mtime?: string
  readonly realPath?: string
  readonly filesystem?: string
  readonly mountPoint?: string
  /** Why the entry could not be examined (permission denied …). */
  readonly problem?: string
}

/** A provider session of its own, bounded like a check: the inventory runs after the doctor's run. */
export function inventorySession(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  offline: boolean,
): ProviderSession<ResolvedConfig> {
  return {
    config,
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    offline,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env,
  }
}

/** The mount a path lives on: the longest mount point that is a prefix of its resolved path. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  let best: Mount | undefined
  for (const m of mounts) {
    const prefix = m.mountPoint === '/' ? '/' : `${m.mountPoint}/`
    if (
      (path === m.mountPoint || path.startsWith(prefix)) &&
      (!best || m.mountPoint.length > best.mountPoint.length)
    )
      best = m
  }
  return best
}

/** uid → user name from /etc/passwd, best effort (a container may have none). */
async function userNames(): Promise<Map<number, string>> {
  const names = new Map<number, string>()
  try {
    const text = await readFile('/etc/passwd', 'utf8')
    for (const line of text.split('\n')) {
      const [name, , uid] = line.split(':')
      if (name && uid && /^\d+$/.test(uid)) names.set(Number(uid), name)
    }
  } catch {
    // no passwd: owners are uids
  }
  return names
}

export async function secretFileInventory(node: NodeApi, config: ResolvedConfig): Promise<SecretFileEntry[]> {
  const [{ files }, mounts, users] = await Promise.all([
    secretFiles(node, config),
    node.mounts(),
    userNames(),
  ])
  const out: SecretFileEntry[] = []
  for (const f of files) {
    try {
      const info = await node.fileInfo(f.path)
      if (!info) {
        out.push({ path: f.path, roles: f.roles, exists: false })
        continue
      }
      const mount = mountOf(info.realPath, mounts)
      out.push({
        path: f.path,
        roles: f.roles,
        exists: true,
        regular: info.isFile,
        mode: (info.mode & 0o7777).toString(8).padStart(4, '0'),
        uid: info.uid,
        ...(users.has(info.uid) ? { owner: users.get(info.uid) } : {}),
        size: info.size,
        mtime: info.mtime.toISOString(),
        ...(info.realPath !== f.path ? { realPath: info.realPath } : {}),
        ...(mount ? { filesystem: mount.fsType, mountPoint: mount.mountPoint } : {}),
      })
    } catch (e) {
      out.push({ path: f.path, roles: f.roles, exists: true, problem: redact((e as Error).message) })
    }
  }
  return out
}

export const nodeApi = (session: ProviderSession<ResolvedConfig>): NodeApi =>
  nodeProvider.create(session as never) as NodeApi

/** The secret files as the Prometheus textfile exports them (write times only). */
export async function secretFileFacts(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
): Promise<SecretFileFact[]> {
  try {
    const entries = await secretFileInventory(nodeApi(inventorySession(config, env, 5_000, true)), config)
    return entries.map((e) => ({ path: e.path, roles: e.roles, ...(e.mtime ? { mtime: e.mtime } : {}) }))
  } catch {
    // The metrics of the run matter more than the file series: without an inventory, no file series.
    return []
  }
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes object summaries

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
const LONG = 300

/** Annotation values are kept (they configure injection and identity), except copies of objects and templates. */
function annotationsOf(o: KObject): Record<string, string> | undefined {
  const a = o.metadata.annotations
  if (!a) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(a)) {
    if (k === LAST_APPLIED) out[k] = `[${v.length} characters: kubectl's copy of the object, left out]`
    else if (/agent-inject-template/.test(k)) out[k] = scrubTemplate(v)
    else out[k] = v.length > LONG ? `[${v.length} characters, left out]` : redact(v)
  }
  return out
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes JSON, narrowed field by field
type Json = any

const containerSummary = (c: Json) => ({
  name: c?.name,
  image: c?.image,
  ...(c?.command ? { command: (c.command as unknown[]).map(String).map(redact) } : {}),
  ...(c?.args ? { args: (c.args as unknown[]).map(String).map(redact) } : {}),
  // Names and where a value comes from, never a literal value.
  env: ((c?.env ?? []) as Json[]).map((e) => ({
    name: e?.name,
    ...(e?.valueFrom
      ? {
          from: Object.keys(e.valueFrom)[0],
          ref: e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef ?? e.valueFrom.fieldRef,
        }
      : { literal: e?.value !== undefined }),
  })),
  envFrom: ((c?.envFrom ?? []) as Json[]).map((e) => e?.secretRef ?? e?.configMapRef ?? {}),
  volumeMounts: ((c?.volumeMounts ?? []) as Json[]).map((m) => ({
    name: m?.name,
    mountPath: m?.mountPath,
    ...(m?.readOnly ? { readOnly: true } : {}),
  })),
  ...(c?.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
})

function volumeSummary(v: Json) {
  const type = Object.keys(v ?? {}).find((k) => k !== 'name') ?? 'unknown'
  const src = v?.[type] ?? {}
  return {
    name: v?.name,
    type,
    ...(type === 'emptyDir' ? { medium: src?.medium ?? '' } : {}),
    ...(type === 'secret' ? { secretName: src?.secretName } : {}),
    ...(type === 'configMap' ? { configMap: src?.name } : {}),
    ...(type === 'csi'
      ? { driver: src?.driver, secretProviderClass: src?.volumeAttributes?.secretProviderClass }
      : {}),
    ...(type === 'hostPath' ? { path: src?.path } : {}),
  }
}

function podSpecSummary(spec: Json) {
  return {
    serviceAccountName: spec?.serviceAccountName,
    initContainers: ((spec?.initContainers ?? []) as Json[]).map(containerSummary),
    containers: ((spec?.containers ?? []) as Json[]).map(containerSummary),
    volumes: ((spec?.volumes ?? []) as Json[]).map(volumeSummary),
  }
}

const conditions = (o: KObject) =>
  ((o.status?.conditions ?? []) as Json[]).map((c) => ({
    type: c?.type,
    status: c?.status,
    reason: c?.reason,
    message: typeof c?.message === 'string' ? redact(c.message) : undefined,
    lastTransitionTime: c?.lastTransitionTime,
  }))

function specSummary(o: KObject): Record<string, unknown> {
  const s = o.spec ?? {}
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return {
        selector: s.selector,
        template: {
          labels: s.template?.metadata?.labels,
          annotations: annotationsOf({
            ...o,
            metadata: { name: '', annotations: s.template?.metadata?.annotations },
          }),
          spec: podSpecSummary(s.template?.spec),
        },
      }
    case 'Pod':
      return { spec: podSpecSummary(s), phase: o.status?.phase, startTime: o.status?.startTime }
    case 'Secret':
      return { type: o.type, keys: o.keys }
    case 'ExternalSecret':
      return {
        refreshInterval: s.refreshInterval,
        secretStoreRef: s.secretStoreRef,
        target: { name: s.target?.name, creationPolicy: s.target?.creationPolicy },
        remoteRefs: ((s.data ?? []) as Json[]).map((d) => ({
          secretKey: d?.secretKey,
          remoteRef: { key: d?.remoteRef?.key, property: d?.remoteRef?.property },
        })),
        dataFrom: ((s.dataFrom ?? []) as Json[]).map((d) => ({
          extract: d?.extract?.key,
          find: d?.find ? true : undefined,
        })),
        conditions: conditions(o),
      }
    case 'SecretStore':
    case 'ClusterSecretStore':
      return { provider: Object.keys(s.provider ?? {})[0], conditions: conditions(o) }
    case 'SecretProviderClass':
      return {
        provider: s.provider,
        parameterKeys: Object.keys(s.parameters ?? {}),
        secretObjects: ((s.secretObjects ?? []) as Json[]).map((so) => ({
          secretName: so?.secretName,
          type: so?.type,
          keys: ((so?.data ?? []) as Json[]).map((d) => ({ key: d?.key, objectName: d?.objectName })),
        })),
      }
    case 'MutatingWebhookConfiguration':
      return { webhooks: (o.webhooks ?? []).map((w: Json) => w?.name) }
    default:
      return {}
  }
}

export interface ObjectSummary {
  readonly kind: string
  readonly apiVersion: string
  readonly namespace?: string
  readonly name: string
  readonly [field: string]: unknown
}

/** One object as a bundle shows it: identity, labels, annotations and a kind-specific summary — no `data`. */
export function summarizeObject(o: KObject): ObjectSummary {
  return {
    kind: o.kind,
    apiVersion: o.apiVersion,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    ...(o.metadata.creationTimestamp ? { created: o.metadata.creationTimestamp } : {}),
    ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
    ...(o.metadata.annotations ? { annotations: annotationsOf(o) } : {}),
    ...(o.location ? { location: o.location } : {}),
    ...specSummary(o),
  }
}

export type KubernetesCollection =
  | {
      readonly collected: true
      readonly source: string
      readonly namespace: string
      readonly objects: readonly ObjectSummary[]
      readonly kinds: unknown
    }
  | { readonly collected: false; readonly reason: string }

/** The objects the doctor reads, summarized; live clusters are listed again (read-only), manifests re-read. */
export async function kubernetesSummaries(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  offline: boolean,
): Promise<KubernetesCollection> {
  if (!kubernetesProvider.configured(config as never))
    return {
      collected: false,
      reason: 'no Kubernetes here (no kubernetes: section, KUBECONFIG, pod or --manifests)',
    }
  if (offline && config.kubernetes.manifests.length === 0)
    return { collected: false, reason: '--offline without --manifests: the cluster was not contacted' }
  try {
    const api = kubernetesProvider.create(
      inventorySession(config, env, timeoutMs, offline) as never,
    ) as KubernetesApi
    const inv = await api.inventory()
    return {
      collected: true,
      source: inv.source,
      namespace: inv.namespace,
      kinds: inv.kinds,
      objects: inv.objects.map(summarizeObject),
    }
  } catch (e) {
    return { collected: false, reason: redact((e as Error).message ?? String(e)) }
  }
}
