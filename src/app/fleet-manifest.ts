// `fleet manifest kubernetes|bacalhau|expanso`: what each engine needs to run the doctor once on every
// selected node and bring the reports back. No scheduler of our own: Kubernetes runs a DaemonSet, Bacalhau
// an `ops` job, Expanso a one-shot pipeline JobSpec; each node runs `edge-secrets fleet run`, which prints
// its report as one JSON line (and, on Kubernetes, writes a Prometheus textfile for node_exporter).
//
// The Kubernetes RBAC is derived from the Kubernetes provider's own list of the reads it makes
// (NEEDED_READS), so the Role can neither grant less than the doctor needs nor drift when a read is added.
// Bacalhau and Expanso fields are only those their public documentation and examples show (docs/fleet.md
// says which and where).
import { Document } from 'yaml'
import { NEEDED_READS, type NeededRead } from '../providers/kubernetes/model.js'
import { splitTopLevel } from '../core/text.js'
import { UsageError } from './usage-error.js'

export const ENGINES = ['kubernetes', 'bacalhau', 'expanso'] as const
export type Engine = (typeof ENGINES)[number]

export interface FleetManifestOptions {
  readonly selector?: string
  readonly image?: string
  /** Kubernetes: the namespace the agent runs in (the doctor looks there). */
  readonly namespace?: string
  readonly name?: string
  /** Host folders the doctor reads (config, agent HCL, rendered secrets), mounted read-only where they are. */
  readonly hostPaths?: readonly string[]
  /** Kubernetes: node_exporter's --collector.textfile.directory on the host. */
  readonly textfileDir?: string
  /** Expanso: where each node's report goes: an http(s) URL (http_client) or a file path (file). */
  readonly reportTo?: string
  /** Extra doctor flags for `fleet run` (`--provider vault`, `--timeout 10s` …). */
  readonly doctorArgs?: readonly string[]
  readonly version: string
}

export const DEFAULTS = {
  name: 'edge-secrets-doctor',
  namespace: 'expanso-system',
  hostPaths: ['/etc/expanso', '/etc/vault', '/run/secrets'],
  textfileDir: '/var/lib/node_exporter/textfile_collector',
  textfile: 'edge_secrets.prom',
  reportFile: '/var/lib/edge-secrets/reports.jsonl',
} as const

// ---------------------------------------------------------------------------------------------------------
// Selectors: the `kubectl -l` syntax every engine has a form of

export type SelectorTerm =
  | { readonly key: string; readonly op: '=' | '!='; readonly value: string }
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | '!' }

const KEY = /^(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

/** `site=ams-1,tier in (edge,gw),!debug` → terms; anything else is exit 2 naming the term. */
export function parseSelector(selector: string | undefined): SelectorTerm[] {
  if (!selector?.trim()) return []
  return splitTopLevel(selector).map((t): SelectorTerm => {
    let m: RegExpExecArray | null
    const bad = (why: string) => new UsageError(`--selector ${selector}: "${t}" ${why}`)
    const key = (k: string) => {
      if (!KEY.test(k)) throw bad('has an invalid label key')
      return k
    }
    const value = (v: string) => {
      if (!VALUE.test(v) || v.length > 63) throw bad('has an invalid label value')
      return v
    }
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/i.exec(t))) {
      const values = (m[3] as string).split(',').map((v) => value(v.trim()))
      if (!values.length || values.some((v) => v === '')) throw bad('lists no values')
      return { key: key(m[1] as string), op: (m[2] as string).toLowerCase() as 'in' | 'notin', values }
    }
    if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(t)))
      return { key: key(m[1] as string), op: '!=', value: value(m[2] as string) }
    if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(t)))
      return { key: key(m[1] as string), op: '=', value: value(m[2] as string) }
    if ((m = /^!\s*(\S+)$/.exec(t))) return { key: key(m[1] as string), op: '!' }
    if (/^\S+$/.test(t)) return { key: key(t), op: 'exists' }
    throw bad('is not key=value, key!=value, key in (a,b), key notin (a,b), key or !key')
  })
}

/** The selector as the expression strings Expanso's match_expressions and kubectl take. */
export const termText = (t: SelectorTerm): string =>
  t.op === '=' || t.op === '!='
    ? `${t.key}${t.op}${t.value}`
    : t.op === 'in' || t.op === 'notin'
      ? `${t.key} ${t.op} (${t.values.join(',')})`
      : t.op === '!'
        ? `!${t.key}`
        : t.key

// ---------------------------------------------------------------------------------------------------------
// The command every engine runs on a node

function runArgs(opts: FleetManifestOptions, extra: readonly string[]): string[] {
  return ['fleet', 'run', ...extra, ...(opts.doctorArgs ?? [])]
}

const image = (opts: FleetManifestOptions) => opts.image ?? `edge-secrets:${opts.version}`
const hostPaths = (opts: FleetManifestOptions) => [
  ...new Set(opts.hostPaths?.length ? opts.hostPaths : DEFAULTS.hostPaths),
]
const volumeName = (path: string) =>
  `host${path.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.replace(/-+$/, '').slice(0, 63)

// ---------------------------------------------------------------------------------------------------------
// Kubernetes

/** RBAC rules granting exactly the doctor's reads, one rule per API group. */
export function rulesFor(
  reads: readonly NeededRead[],
): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const byGroup = new Map<string, Set<string>>()
  const verbs = new Set<string>()
  for (const r of reads) {
    byGroup.set(r.group, (byGroup.get(r.group) ?? new Set()).add(r.resource))
    verbs.add(r.verb)
  }
  return [...byGroup].map(([group, resources]) => ({
    apiGroups: [group],
    resources: [...resources].sort(),
    verbs: [...verbs].sort(),
  }))
}

function nodeAffinity(terms: readonly SelectorTerm[]) {
  const exprs = terms
    .filter((t) => t.op !== '=')
    .map((t) =>
      t.op === '!='
        ? { key: t.key, operator: 'NotIn', values: [t.value] }
        : t.op === 'in' || t.op === 'notin'
          ? { key: t.key, operator: t.op === 'in' ? 'In' : 'NotIn', values: [...t.values] }
          : { key: t.key, operator: t.op === 'exists' ? 'Exists' : 'DoesNotExist' },
    )
  return exprs.length
    ? {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: exprs }],
          },
        },
      }
    : undefined
}

function daemonSet(
  opts: FleetManifestOptions,
  name: string,
  namespace: string,
  terms: readonly SelectorTerm[],
) {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'edge-secrets' }
  const paths = hostPaths(opts)
  const textfileDir = opts.textfileDir ?? DEFAULTS.textfileDir
  const nodeSelector = Object.fromEntries(
    terms.filter((t) => t.op === '=').map((t) => [t.key, (t as { value: string }).value]),
  )
  const affinity = nodeAffinity(terms)
  const fieldEnv = (envName: string, fieldPath: string) => ({
    name: envName,
    valueFrom: { fieldRef: { fieldPath } },
  })
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
          ...(affinity ? { affinity } : {}),
          // Edge nodes are often tainted; the doctor must reach every selected node.
          tolerations: [{ operator: 'Exists' }],
          // The doctor runs once per pod start, in an init container; `kubectl rollout restart` runs it again.
          initContainers: [
            {
              name: 'doctor',
              image: image(opts),
              command: ['edge-secrets'],
              args: runArgs(opts, ['--textfile', `/textfile/${DEFAULTS.textfile}`]),
              env: [
                fieldEnv('NODE_NAME', 'spec.nodeName'),
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                { name: 'HOME', value: '/tmp' },
              ],
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                runAsUser: 0,
                // Read secret files owned by the agent's user (mode 0600) without being able to change them.
                capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
              },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              volumeMounts: [
                ...paths.map((p) => ({ name: volumeName(p), mountPath: p, readOnly: true })),
                { name: 'textfile', mountPath: '/textfile' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          // A DaemonSet's pods must keep running; this one does nothing else.
          containers: [
            {
              name: 'pause',
              image: 'registry.k8s.io/pause:3.10',
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                runAsUser: 65535,
                capabilities: { drop: ['ALL'] },
              },
              resources: { requests: { cpu: '1m', memory: '4Mi' }, limits: { memory: '16Mi' } },
            },
          ],
          volumes: [
            // No type: a path a node lacks is not created as a directory the agent never asked for.
            ...paths.map((p) => ({ name: volumeName(p), hostPath: { path: p } })),
            { name: 'textfile', hostPath: { path: textfileDir, type: 'DirectoryOrCreate' } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          ],
        },
      },
    },
  }
}

export function kubernetesManifest(opts: FleetManifestOptions): string {
  const name = opts.name ?? DEFAULTS.name
  const namespace = opts.namespace ?? DEFAULTS.namespace
  const terms = parseSelector(opts.selector)
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'edge-secrets' }
  const namespaced = NEEDED_READS.filter((r) => r.namespaced)
  const cluster = NEEDED_READS.filter((r) => !r.namespaced)
  const subject = [{ kind: 'ServiceAccount', name, namespace }]
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace, labels },
      rules: rulesFor(namespaced),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: rulesFor(cluster),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: subject,
    },
    daemonSet(opts, name, namespace, terms),
  ]
  const header = [
    ` edge-secrets ${opts.version}: the doctor once on every node${terms.length ? ` matching ${terms.map(termText).join(',')}` : ''}.`,
    ` RBAC: exactly the reads the doctor makes (list on ${NEEDED_READS.length} kinds), from the Kubernetes provider's own list.`,
    ' Collect:  kubectl logs -n ' +
      namespace +
      ` -l app.kubernetes.io/name=${name} -c doctor --tail=-1 --prefix | edge-secrets report merge -`,
    ` Watch:    node_exporter --collector.textfile.directory=${opts.textfileDir ?? DEFAULTS.textfileDir} (${DEFAULTS.textfile})`,
    ` Run again: kubectl -n ${namespace} rollout restart daemonset/${name}`,
  ]
  return objects
    .map((o, i) => {
      const doc = new Document(o)
      if (i === 0) doc.commentBefore = header.join('\n')
      return doc.toString({ lineWidth: 0 })
    })
    .join('---\n')
}

// ---------------------------------------------------------------------------------------------------------
// Bacalhau: an ops job runs on every node that matches its constraints

const BACALHAU_OP: Readonly<Record<SelectorTerm['op'], string>> = {
  '=': '=',
  '!=': '!=',
  in: 'in',
  notin: 'notin',
  exists: 'exists',
  '!': '!',
}

export function bacalhauManifest(opts: FleetManifestOptions): string {
  const terms = parseSelector(opts.selector)
  const paths = hostPaths(opts)
  const job = {
    Name: opts.name ?? DEFAULTS.name,
    Type: 'ops',
    ...(terms.length
      ? {
          Constraints: terms.map((t) => ({
            Key: t.key,
            Operator: BACALHAU_OP[t.op],
            ...(t.op === '=' || t.op === '!='
              ? { Values: [t.value] }
              : t.op === 'in' || t.op === 'notin'
                ? { Values: [...t.values] }
                : {}),
          })),
        }
      : {}),
    Tasks: [
      {
        Name: 'doctor',
        Engine: {
          Type: 'docker',
          Params: {
            Image: image(opts),
            Entrypoint: ['edge-secrets'],
            Parameters: runArgs(opts, ['--report-dir', '/outputs', '--hostname-file', '/host/etc/hostname']),
          },
        },
        InputSources: [
          ...paths.map((p) => ({
            Target: p,
            Source: { Type: 'local', Params: { SourcePath: p, ReadWrite: false } },
          })),
          {
            Target: '/host/etc/hostname',
            Source: { Type: 'local', Params: { SourcePath: '/etc/hostname', ReadWrite: false } },
          },
        ],
        Publisher: { Type: 'local' },
        ResultPaths: [{ Name: 'outputs', Path: '/outputs' }],
        // The doctor reaches Vault, the clouds and the cluster API the way the agent does.
        Network: { Type: 'Full' },
      },
    ],
  }
  const header = [
    ` edge-secrets ${opts.version}: the doctor once on every Bacalhau node${terms.length ? ` matching ${terms.map(termText).join(',')}` : ''} (an ops job).`,
    ' The nodes must allow the host paths: bacalhau config set Compute.AllowListedLocalPaths=' +
      [...paths, '/etc/hostname'].map((p) => `${p}:ro`).join(','),
    ' Run:      bacalhau job run edge-secrets-doctor.yaml --id-only --wait',
    ' Collect:  bacalhau job get <job-id> --output-dir fleet/ && edge-secrets report merge fleet/',
    ' or:       bacalhau job describe <job-id> --output json | edge-secrets report merge -',
  ]
  const doc = new Document(job)
  doc.commentBefore = header.join('\n')
  return doc.toString({ lineWidth: 0 })
}

// ---------------------------------------------------------------------------------------------------------
// Expanso: a one-shot pipeline JobSpec

function expansoOutput(reportTo: string | undefined) {
  if (reportTo && /^https?:\/\//i.test(reportTo))
    return { http_client: { url: reportTo, verb: 'POST', headers: { 'Content-Type': 'application/json' } } }
  return { file: { path: reportTo ?? DEFAULTS.reportFile, codec: 'lines' } }
}

export function expansoManifest(opts: FleetManifestOptions): string {
  const terms = parseSelector(opts.selector)
  const matchLabels = Object.fromEntries(
    terms.filter((t) => t.op === '=').map((t) => [t.key, (t as { value: string }).value]),
  )
  const matchExpressions = terms.filter((t) => t.op !== '=').map(termText)
  const job = {
    name: opts.name ?? DEFAULTS.name,
    type: 'pipeline',
    restart_policy: 'never',
    ...(terms.length
      ? {
          selector: {
            ...(Object.keys(matchLabels).length ? { match_labels: matchLabels } : {}),
            ...(matchExpressions.length ? { match_expressions: matchExpressions } : {}),
          },
        }
      : {}),
    config: {
      // One message, so the doctor runs once; its stdout (one JSON line) becomes the message.
      input: { generate: { count: 1, mapping: 'root = ""' } },
      pipeline: { processors: [{ command: { name: 'edge-secrets', args: runArgs(opts, []) } }] },
      output: expansoOutput(opts.reportTo),
    },
  }
  const header = [
    ` edge-secrets ${opts.version}: the doctor once on every Expanso node${terms.length ? ` matching ${terms.map(termText).join(',')}` : ''}.`,
    ' The nodes need the edge-secrets CLI on their PATH (Node.js >= 20.19; docs/fleet.md says how).',
    ` Each node's report goes to ${opts.reportTo ?? DEFAULTS.reportFile}; merge them with: edge-secrets report merge <files or ->`,
    ' Fields and components used, and where the vendor documents them: docs/fleet.md.',
  ]
  const doc = new Document(job)
  doc.commentBefore = header.join('\n')
  return doc.toString({ lineWidth: 0 })
}

export function fleetManifest(engine: Engine, opts: FleetManifestOptions): string {
  switch (engine) {
    case 'kubernetes':
      return kubernetesManifest(opts)
    case 'bacalhau':
      return bacalhauManifest(opts)
    case 'expanso':
      return expansoManifest(opts)
  }
}
