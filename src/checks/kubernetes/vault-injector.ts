import { suggest } from '../../core/suggest.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  absenceNote,
  absenceProves,
  annotations,
  containersOf,
  initContainersOf,
  ofKind,
  podsOf,
  scriptOf,
  workloads,
  type Workload,
  restartCommand,
} from '../../providers/kubernetes/model.js'

const P = 'vault.hashicorp.com/'
const SECRET = `${P}agent-inject-secret-`
const TEMPLATE = `${P}agent-inject-template-`

type Key =
  | 'inject-not-true'
  | 'role-missing'
  | 'role-mismatch'
  | 'template-without-secret'
  | 'secret-without-template'
  | 'file-not-rendered'
  | 'annotations-on-controller'
  | 'webhook-missing'
  | 'webhook-no-ca'
  | 'pod-not-injected'

export default defineCheck({
  id: 'k8s.vault-injector',
  title: 'Vault Agent Injector annotations are consistent, the webhook is installed and pods carry the agent',
  description:
    'The injector turns pod annotations into a vault-agent sidecar that renders /vault/secrets/<name>. The ' +
    'annotations fail silently: a template whose name does not match its secret annotation is ignored, a missing ' +
    'role or webhook leaves the directory empty, and the agent reads env files that were never written.',
  provider: 'kubernetes',
  category: 'config',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'inject-not-true': {
      status: 'fail',
      severity: 'critical',
      message: `{{workload}} has Vault annotations but ${P}agent-inject is {{value}}, not "true": nothing is injected`,
      remedies: ['k8s.fix-injector-annotations'],
    },
    'role-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: `{{workload}} sets no ${P}role: the agent cannot log in to Vault`,
      remedies: ['k8s.fix-injector-annotations', 'auth.check-sa-annotations'],
    },
    'role-mismatch': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message: `{{workload}} logs in with ${P}role "{{role}}", the doctor config expects "{{expected}}"`,
      remedies: ['k8s.fix-injector-annotations'],
    },
    'template-without-secret': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{workload}}: agent-inject-template-{{name}} has no agent-inject-secret-{{name}}, so it is never rendered{{hint}}',
      remedies: ['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'],
    },
    'secret-without-template': {
      status: 'warn',
      severity: 'high',
      message:
        '{{workload}}: agent-inject-secret-{{name}} has no agent-inject-template-{{name}}: /vault/secrets/{{name}} gets the raw secret as a Go map, not KEY=value lines',
      remedies: ['k8s.fix-injector-annotations'],
    },
    'file-not-rendered': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{workload}}: container {{container}} reads {{file}}, which no agent-inject-secret annotation renders{{hint}}',
      remedies: ['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'],
    },
    'annotations-on-controller': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{workload}} has Vault injector annotations on its own metadata; the injector only reads the pod template’s',
      remedies: ['k8s.fix-injector-annotations'],
    },
    'webhook-missing': {
      status: 'fail',
      severity: 'critical',
      message:
        'no MutatingWebhookConfiguration for vault.hashicorp.com: the injector is not installed, annotations do nothing',
      remedies: ['k8s.install-injector'],
    },
    'webhook-no-ca': {
      status: 'warn',
      severity: 'high',
      message:
        'MutatingWebhookConfiguration {{name}} has no caBundle: the API server cannot call the injector',
      remedies: ['k8s.install-injector'],
    },
    'pod-not-injected': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{count}} running pod(s) of {{workload}} have no vault-agent container: they started without secrets',
      remedies: ['k8s.install-injector', 'k8s.rollout-restart'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const annotated = workloads(inv, config).filter(
      (w) =>
        Object.keys(w.templateMeta.annotations ?? {}).some((k) => k.startsWith(P)) ||
        Object.keys(annotations(w.obj)).some((k) => k.startsWith(P)),
    )
    if (annotated.length === 0) return skip('not-applicable', 'no workload uses the Vault Agent Injector')
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const w of annotated) outcomes.push(...judgeAnnotations(w, config.vault.auth.role))

    // The webhook: only a live list can prove it absent.
    if (absenceProves(inv, 'MutatingWebhookConfiguration')) {
      const hooks = ofKind(inv, 'MutatingWebhookConfiguration').flatMap((c) =>
        (c.webhooks ?? []).map((h: { name?: string; clientConfig?: { caBundle?: string } }) => ({ c, h })),
      )
      const vault = hooks.filter(({ h }) => h.name === 'vault.hashicorp.com' || /vault/i.test(h.name ?? ''))
      if (vault.length === 0)
        outcomes.push(
          found(
            'webhook-missing',
            {},
            { commands: { 'k8s.install-injector': ['kubectl get mutatingwebhookconfigurations'] } },
          ),
        )
      else {
        for (const { c, h } of vault)
          if (!h.clientConfig?.caBundle) outcomes.push(found('webhook-no-ca', { name: c.metadata.name }))
        details.push(`webhook ${vault[0]?.c.metadata.name} installed`)
      }
    } else details.push(`injector webhook: ${absenceNote(inv, 'MutatingWebhookConfiguration')}`)

    if (inv.source === 'live')
      for (const w of annotated) {
        if (w.templateMeta.annotations?.[`${P}agent-inject`] !== 'true') continue
        const pods = podsOf(inv, w)
        const prePopulateOnly = w.templateMeta.annotations?.[`${P}agent-pre-populate-only`] === 'true'
        const bare = pods.filter((p) => {
          const names = [...containersOf(p.spec), ...initContainersOf(p.spec)].map((c) => c.name)
          return prePopulateOnly ? !names.includes('vault-agent-init') : !names.includes('vault-agent')
        })
        if (bare.length)
          outcomes.push(
            found(
              'pod-not-injected',
              { count: bare.length, workload: w.ref },
              {
                items: bare.map((p) => ({ name: `Pod/${w.namespace}/${p.metadata.name}` })),
                commands: {
                  'k8s.rollout-restart': [restartCommand(w)],
                  'k8s.install-injector': [
                    `kubectl -n ${w.namespace} get events --field-selector reason=FailedCreate`,
                  ],
                },
              },
            ),
          )
        else if (pods.length) details.push(`${w.ref}: ${pods.length} pod(s) injected`)
      }
    return outcomes.length > 0
      ? outcomes
      : pass(`${annotated.length} workload(s) with consistent injector annotations`, details)
  },
})

function judgeAnnotations(w: Workload, expectedRole: string | undefined): Outcome<Key>[] {
  const out: Outcome<Key>[] = []
  const loc = w.location
  const own = Object.keys(annotations(w.obj)).filter((k) => k.startsWith(P))
  const a = w.templateMeta.annotations ?? {}
  if (own.length && !Object.keys(a).some((k) => k.startsWith(P))) {
    out.push(
      found(
        'annotations-on-controller',
        { workload: w.ref },
        { location: loc, items: own.map((name) => ({ name })) },
      ),
    )
    return out
  }
  const inject = a[`${P}agent-inject`]
  if (inject !== 'true') {
    out.push(
      found(
        'inject-not-true',
        { workload: w.ref, value: inject === undefined ? 'unset' : `"${inject}"` },
        { location: loc },
      ),
    )
    return out
  }
  const role = a[`${P}role`]
  if (!role && !a[`${P}agent-configmap`])
    out.push(found('role-missing', { workload: w.ref }, { location: loc }))
  else if (role && expectedRole && role !== expectedRole)
    out.push(found('role-mismatch', { workload: w.ref, role, expected: expectedRole }, { location: loc }))

  const secrets = Object.keys(a)
    .filter((k) => k.startsWith(SECRET))
    .map((k) => k.slice(SECRET.length))
  const templates = Object.keys(a)
    .filter((k) => k.startsWith(TEMPLATE))
    .map((k) => k.slice(TEMPLATE.length))
  // One "did you mean" for a name the other side almost has; the pair is reported once, from the template.
  const closest = (name: string, among: readonly string[]) => {
    const best = suggest(name, among, 1)[0]
    return best === undefined ? '' : ` (did you mean "${best}"?)`
  }
  const hinted = new Set<string>()
  for (const t of templates)
    if (!secrets.includes(t)) {
      const near = suggest(t, secrets, 1)[0]
      if (near !== undefined) hinted.add(near)
      out.push(
        found(
          'template-without-secret',
          { workload: w.ref, name: t, hint: closest(t, secrets) },
          { location: loc },
        ),
      )
    }
  for (const s of secrets)
    if (!templates.includes(s) && !hinted.has(s))
      // The documented default for a missing template is the Go-map dump: only a warn, since it renders.
      out.push(found('secret-without-template', { workload: w.ref, name: s }, { location: loc }))

  // Files the containers read from /vault/secrets that nothing renders.
  const secretDir = a[`${P}secret-volume-path`] ?? '/vault/secrets'
  for (const c of containersOf(w.podSpec)) {
    const script = scriptOf(c)
    const re = new RegExp(`${secretDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([\\w.-]+)`, 'g')
    for (const m of script.matchAll(re)) {
      const file = m[1] as string
      if (secrets.includes(file)) continue
      out.push(
        found(
          'file-not-rendered',
          { workload: w.ref, container: c.name, file: `${secretDir}/${file}`, hint: closest(file, secrets) },
          { location: loc },
        ),
      )
    }
  }
  return out
}
