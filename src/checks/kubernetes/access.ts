import { isNetworkFault, isProviderError } from '../../core/provider.js'
import type { KubernetesConfig } from '../../providers/kubernetes/config.js'
import { NEEDED_READS } from '../../providers/kubernetes/model.js'
import { defineCheck, found, pass, type Outcome } from '../define.js'

type ReachKey = 'unreachable' | 'kubeconfig-invalid' | 'tls' | 'unauthorized'

const TLS_FAULTS = new Set([
  'tls-untrusted',
  'tls-expired',
  'tls-not-yet-valid',
  'tls-hostname',
  'tls-protocol',
])

/**
 * What a failure to get in amounts to: any fault on the way is `unreachable` (or `tls` when the certificate
 * or protocol is the problem) in the shared classifier's words; a bad kubeconfig and a rejected token are
 * their own findings. Anything else (a throttled or broken API) is not this check's verdict: undefined.
 */
function unreachableOutcome(e: unknown, k: KubernetesConfig): Outcome<ReachKey> | undefined {
  if (!isProviderError(e)) return undefined
  const server = String(e.facts.server ?? e.facts.endpoint ?? k.kubeconfig ?? 'the API server')
  const commands = { 'k8s.check-kubeconfig': ['kubectl config current-context', 'kubectl version'] }
  if (isNetworkFault(e))
    return TLS_FAULTS.has(e.fault)
      ? found(
          'tls',
          { reason: e.message },
          { commands: { 'k8s.trust-ca': ['kubectl config view --minify'] } },
        )
      : found('unreachable', { server, reason: e.message }, { commands })
  switch (e.kind) {
    case 'invalid':
      return found('kubeconfig-invalid', { reason: e.message }, { commands })
    case 'tls':
      return found(
        'tls',
        { reason: e.message },
        { commands: { 'k8s.trust-ca': ['kubectl config view --minify'] } },
      )
    case 'unauthenticated':
      return found(
        'unauthorized',
        { user: k.context ? `context ${k.context}` : 'the kubeconfig user' },
        { commands: { 'k8s.refresh-credentials': ['kubectl auth whoami'] } },
      )
    case 'refused':
    case 'dns':
    case 'timeout':
    case 'unreachable':
    case 'unavailable':
      return found('unreachable', { server, reason: e.message }, { commands })
    default:
      return undefined
  }
}

export default defineCheck({
  id: 'k8s.access',
  title: 'Kubernetes API is reachable, accepts the credentials and allows the reads the doctor needs',
  description:
    'Every other Kubernetes check reads the cluster through this connection. An unreachable API, a rejected ' +
    'token and a missing RBAC permission look alike from a failing pod ("permission denied"); this check tells ' +
    'them apart. With --manifests it reads the files instead, and reports what cannot be parsed.',
  provider: 'kubernetes',
  category: 'connectivity',
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    unreachable: {
      status: 'fail',
      severity: 'critical',
      message: 'Kubernetes API {{server}} is unreachable: {{reason}}',
      remedies: ['k8s.check-kubeconfig'],
    },
    'kubeconfig-invalid': {
      status: 'fail',
      severity: 'critical',
      message: 'no usable kubeconfig: {{reason}}',
      remedies: ['k8s.check-kubeconfig'],
    },
    tls: {
      status: 'fail',
      severity: 'critical',
      message: 'TLS with the Kubernetes API failed: {{reason}}',
      remedies: ['k8s.trust-ca'],
    },
    unauthorized: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the Kubernetes API rejected the credentials of {{user}} (401 Unauthorized)',
      remedies: ['k8s.refresh-credentials'],
    },
    forbidden: {
      status: 'fail',
      severity: 'high',
      symptom: 'permission-denied',
      message: '{{user}} may not {{reads}}: the workload checks cannot see the deployment',
      remedies: ['k8s.grant-read-rbac'],
    },
    'partial-access': {
      status: 'warn',
      severity: 'low',
      message: '{{user}} may not {{reads}}: the checks that need them are incomplete',
      remedies: ['k8s.grant-read-rbac'],
    },
    'manifest-invalid': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} problem(s) in the manifests the API server would reject: {{first}}',
      remedies: ['k8s.fix-manifest'],
    },
    'manifests-empty': {
      status: 'warn',
      severity: 'medium',
      message: 'no Kubernetes objects in {{files}} file(s) under the given --manifests paths',
      remedies: ['k8s.fix-manifest'],
    },
  },
  async run({ kubernetes, config }) {
    if (kubernetes.mode === 'manifests') {
      const a = await kubernetes.access()
      const problems = a.problems ?? []
      if (problems.length > 0) {
        const first = problems[0]
        return found(
          'manifest-invalid',
          {
            count: problems.length,
            first: `${first?.location.file}${first?.location.line ? `:${first.location.line}` : ''}: ${first?.message}`,
          },
          {
            items: problems.map((p) => ({ name: p.location.file, detail: p.message, location: p.location })),
            location: first?.location,
          },
        )
      }
      if ((a.objectCount ?? 0) === 0) return found('manifests-empty', { files: a.files?.length ?? 0 })
      return pass(
        `read ${a.objectCount} objects from ${a.files?.length} manifest file(s)`,
        a.files?.slice(0, 20),
      )
    }

    let a
    try {
      a = await kubernetes.access()
    } catch (e) {
      const outcome = unreachableOutcome(e, config.kubernetes)
      if (!outcome) throw e
      return outcome
    }
    const core = a.denied.filter((d) => !d.optional)
    const extra = a.denied.filter((d) => d.optional)
    const describe = (ds: typeof a.denied) =>
      ds.map(
        (d) =>
          `${d.verb} ${d.resource}${d.group ? `.${d.group}` : ''}${d.namespace ? ` in ${d.namespace}` : ''}`,
      )
    const commands = {
      'k8s.grant-read-rbac': a.denied.map(
        (d) =>
          `kubectl auth can-i ${d.verb} ${d.resource}${d.group ? `.${d.group}` : ''}${d.namespace ? ` -n ${d.namespace}` : ''}`,
      ),
    }
    const outcomes = []
    if (core.length > 0)
      outcomes.push(
        found(
          'forbidden',
          { user: a.user ?? 'the doctor', reads: describe(core).join(', ') },
          { items: describe(core).map((name) => ({ name })), commands },
        ),
      )
    if (extra.length > 0)
      outcomes.push(
        found(
          'partial-access',
          { user: a.user ?? 'the doctor', reads: describe(extra).join(', ') },
          { items: describe(extra).map((name) => ({ name })), commands },
        ),
      )
    if (outcomes.length > 0) return outcomes
    return pass(
      `${a.server} (${a.version ?? 'unknown version'}) as ${a.user}; every read the doctor needs is allowed`,
      NEEDED_READS.map((r) => `may ${r.verb} ${r.resource}${r.group ? `.${r.group}` : ''}`),
    )
  },
})
