import { parse } from 'yaml'
import { suggest } from '../../core/suggest.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  absenceNote,
  absenceProves,
  csiClassesOf,
  envSecretRefs,
  findObject,
  nsOf,
  ofKind,
  podsOf,
  refOf,
  spcObjectNames,
  workloads,
} from '../../providers/kubernetes/model.js'

type Key = 'missing' | 'object-not-fetched' | 'objects-invalid' | 'not-mounted' | 'pod-identity'

export default defineCheck({
  id: 'k8s.secret-provider-class',
  title: 'SecretProviderClasses exist, sync only objects they fetch, and are mounted by a pod',
  description:
    'The CSI driver fetches the objects a SecretProviderClass lists and, for secretObjects, creates a Kubernetes ' +
    'Secret — but only while a pod mounts the volume, and only from objects it fetched. A typo between ' +
    'objectName and secretObjects, or a consumer that only uses envFrom, leaves the Secret missing.',
  provider: 'kubernetes',
  category: 'secret-paths',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    missing: {
      status: 'fail',
      severity: 'critical',
      message: '{{workload}} mounts SecretProviderClass {{name}}, which does not exist in {{ns}}',
      remedies: ['k8s.fix-secret-provider-class', 'auth.confirm-secret-paths'],
    },
    'object-not-fetched': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{ref}}: secretObjects {{secret}} takes objectName "{{object}}", which parameters.objects does not fetch ({{fetched}}){{hint}}',
      remedies: ['k8s.fix-secret-provider-class', 'auth.confirm-secret-paths'],
    },
    'objects-invalid': {
      status: 'fail',
      severity: 'critical',
      message: '{{ref}}: {{error}}',
      remedies: ['k8s.fix-secret-provider-class'],
    },
    'not-mounted': {
      status: 'fail',
      severity: 'high',
      message:
        '{{ref}} syncs Secret {{secrets}}, but no pod mounts it, so the Secret is never created{{consumers}}',
      remedies: ['k8s.mount-csi-volume'],
    },
    'pod-identity': {
      status: 'warn',
      severity: 'medium',
      message: '{{ref}} uses usePodIdentity: "true" (AAD Pod Identity), which is deprecated',
      remedies: ['k8s.migrate-workload-identity', 'bp.short-lived-credentials'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const ws = workloads(inv, config)
    const classes = ofKind(inv, 'SecretProviderClass')
    const mounting = ws.filter((w) => csiClassesOf(w.podSpec).length > 0)
    if (classes.length === 0 && mounting.length === 0)
      return skip('not-applicable', 'no SecretProviderClass in scope')
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const w of mounting)
      for (const name of csiClassesOf(w.podSpec)) {
        if (findObject(inv, 'SecretProviderClass', w.namespace, name)) continue
        if (absenceProves(inv, 'SecretProviderClass'))
          outcomes.push(
            found('missing', { workload: w.ref, name, ns: w.namespace }, { location: w.location }),
          )
        else
          details.push(
            `SecretProviderClass/${w.namespace}/${name}: ${absenceNote(inv, 'SecretProviderClass')}`,
          )
      }
    for (const spc of classes) {
      const ref = refOf(spc, inv)
      const loc = spc.location
      const ns = nsOf(spc, inv)
      const params = spc.spec?.parameters ?? {}
      if (String(params.usePodIdentity) === 'true')
        outcomes.push(found('pod-identity', { ref }, { location: loc }))
      const { names, error } = spcObjectNames(spc, (t) => parse(t))
      if (error) outcomes.push(found('objects-invalid', { ref, error }, { location: loc }))
      else
        for (const so of spc.spec?.secretObjects ?? [])
          for (const d of so?.data ?? []) {
            if (names.includes(d.objectName)) continue
            const near = suggest(String(d.objectName), names, 1)[0]
            outcomes.push(
              found(
                'object-not-fetched',
                {
                  ref,
                  secret: so.secretName,
                  object: d.objectName,
                  fetched: names.join(', ') || 'nothing',
                  hint: near === undefined ? '' : ` (did you mean "${near}"?)`,
                },
                { location: loc },
              ),
            )
          }
      const synced: string[] = (spc.spec?.secretObjects ?? [])
        .map((s: { secretName: string }) => s.secretName)
        .filter(Boolean)
      if (synced.length === 0) continue
      const mounters = ws.filter(
        (w) => w.namespace === ns && csiClassesOf(w.podSpec).includes(spc.metadata.name),
      )
      const running = inv.source === 'live' ? mounters.flatMap((w) => podsOf(inv, w)) : []
      const mounted =
        inv.source === 'live'
          ? running.length > 0 ||
            ofKind(inv, 'Pod').some(
              (p) => nsOf(p, inv) === ns && csiClassesOf(p.spec).includes(spc.metadata.name),
            )
          : mounters.length > 0
      if (mounted) {
        details.push(`${ref}: mounted by ${mounters.map((w) => w.ref).join(', ') || 'a pod'}`)
        continue
      }
      // In manifests, only judge when the consumer is in the files too (otherwise the mounting pod may be elsewhere).
      const consumers = ws
        .filter((w) => w.namespace === ns && synced.some((s) => envSecretRefs(w.podSpec).has(s)))
        .map((w) => w.ref)
      if (inv.source === 'manifests' && consumers.length === 0) {
        details.push(`${ref}: no workload in the manifests mounts it`)
        continue
      }
      outcomes.push(
        found(
          'not-mounted',
          {
            ref,
            secrets: synced.join(', '),
            consumers: consumers.length ? `; ${consumers.join(', ')} wait(s) for it` : '',
          },
          { location: loc },
        ),
      )
    }
    return outcomes.length > 0
      ? outcomes
      : pass(`${classes.length} SecretProviderClass(es) in order`, details)
  },
})
