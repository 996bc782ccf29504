import type { Inventory } from '../../providers/kubernetes/api.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  absenceNote,
  absenceProves,
  annotations,
  condition,
  findObject,
  nsOf,
  ofKind,
  refOf,
} from '../../providers/kubernetes/model.js'

const ESO_GROUP = 'external-secrets.io'

/** Which ESO version the doctor listed, and what API discovery said the cluster serves. */
function listedAt(inv: Inventory): string | undefined {
  const g = inv.apiGroups?.[ESO_GROUP]
  if (!g?.listed) return undefined
  const served = g.served ? `API discovery lists ${g.served.join(', ')}` : g.note
  return `listed at ${ESO_GROUP}/${g.listed}${served ? ` (${served})` : ''}`
}

type Key = 'not-ready' | 'no-status' | 'store-missing' | 'store-not-ready' | 'v1beta1-not-served' | 'v1beta1'

export default defineCheck({
  id: 'k8s.external-secret',
  title: 'ExternalSecrets and their SecretStores are Ready',
  description:
    'The External Secrets Operator copies cloud secrets into Kubernetes Secrets. When a sync fails, the pod ' +
    'keeps the last copy (or none) and the only trace is the ExternalSecret’s Ready condition; this check ' +
    'surfaces the controller’s own message, and catches manifests in an API version the cluster no longer serves.',
  provider: 'kubernetes',
  category: 'secret-paths',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'not-ready': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{ref}} is not Ready ({{reason}}): {{message}}',
      remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
    },
    'no-status': {
      status: 'warn',
      severity: 'high',
      message: '{{ref}} has no Ready condition: is the External Secrets controller running?',
      remedies: ['auth.review-audit-logs'],
    },
    'store-missing': {
      status: 'fail',
      severity: 'critical',
      message: '{{ref}} refers to {{store}}, which does not exist',
      remedies: ['auth.confirm-secret-paths'],
    },
    'store-not-ready': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{store}} is not Ready ({{reason}}): {{message}}',
      remedies: ['auth.verify-iam', 'auth.check-sa-annotations'],
    },
    'v1beta1-not-served': {
      status: 'fail',
      severity: 'high',
      message:
        '{{ref}} was applied as external-secrets.io/v1beta1, which this cluster no longer serves (it serves {{served}}): the next apply fails',
      remedies: ['k8s.migrate-eso-v1'],
    },
    v1beta1: {
      status: 'warn',
      severity: 'medium',
      message: '{{count}} object(s) use external-secrets.io/v1beta1, which ESO v0.17+ no longer serves',
      remedies: ['k8s.migrate-eso-v1'],
    },
  },
  async run({ kubernetes }) {
    const inv = await kubernetes.inventory()
    const list = ofKind(inv, 'ExternalSecret')
    if (list.length === 0) {
      const k = inv.kinds.ExternalSecret
      return skip(
        'not-applicable',
        k?.state === 'listed' || k?.state === 'from-manifests'
          ? 'no ExternalSecret in scope'
          : absenceNote(inv, 'ExternalSecret'),
      )
    }
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    const storesSeen = new Set<string>()
    const live = inv.source === 'live'
    for (const es of list) {
      const ref = refOf(es, inv)
      const ns = nsOf(es, inv)
      const loc = es.location
      const storeRef = es.spec?.secretStoreRef ?? {}
      const storeKind = storeRef.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore'
      const store = storeRef.name
        ? findObject(inv, storeKind, storeKind === 'SecretStore' ? ns : undefined, storeRef.name)
        : undefined
      const storeName = `${storeKind}/${storeKind === 'SecretStore' ? `${ns}/` : ''}${storeRef.name ?? '(none)'}`
      if (!store) {
        if (absenceProves(inv, storeKind))
          outcomes.push(
            found(
              'store-missing',
              { ref, store: storeName },
              {
                location: loc,
                commands: {
                  'auth.confirm-secret-paths': [`kubectl -n ${ns} get ${storeKind.toLowerCase()}s`],
                },
              },
            ),
          )
        else details.push(`${storeName}: ${absenceNote(inv, storeKind)}`)
      } else if (live && !storesSeen.has(storeName)) {
        storesSeen.add(storeName)
        const c = condition(store, 'Ready')
        if (c && c.status !== 'True')
          outcomes.push(
            found(
              'store-not-ready',
              { store: storeName, reason: c.reason ?? 'unknown', message: c.message ?? '' },
              {
                commands: {
                  'auth.verify-iam': [
                    `kubectl ${storeKind === 'SecretStore' ? `-n ${ns} ` : ''}describe ${storeKind.toLowerCase()} ${storeRef.name}`,
                  ],
                },
              },
            ),
          )
      }
      if (live) {
        const c = condition(es, 'Ready')
        if (!c) outcomes.push(found('no-status', { ref }))
        else if (c.status !== 'True')
          outcomes.push(
            found(
              'not-ready',
              { ref, reason: c.reason ?? 'unknown', message: c.message ?? '(no message)' },
              {
                commands: {
                  'auth.review-audit-logs': [
                    `kubectl -n ${ns} describe externalsecret ${es.metadata.name}`,
                    `kubectl -n ${ns} get events --field-selector involvedObject.name=${es.metadata.name}`,
                  ],
                },
              },
            ),
          )
        else details.push(`${ref}: Ready (${c.reason ?? 'SecretSynced'})`)
        // What was applied (kubectl keeps it) tells whether the manifests in git still say v1beta1.
        const applied = annotations(es)['kubectl.kubernetes.io/last-applied-configuration']
        const served = inv.esoServedVersions
        if (
          applied &&
          served &&
          !served.includes('v1beta1') &&
          /"apiVersion"\s*:\s*"external-secrets\.io\/v1beta1"/.test(applied)
        )
          outcomes.push(found('v1beta1-not-served', { ref, served: served.join(', ') }))
      }
    }
    if (!live) {
      const old = [
        ...ofKind(inv, 'ExternalSecret'),
        ...ofKind(inv, 'SecretStore'),
        ...ofKind(inv, 'ClusterSecretStore'),
      ].filter((o) => o.apiVersion === 'external-secrets.io/v1beta1')
      if (old.length)
        outcomes.push(
          found(
            'v1beta1',
            { count: old.length },
            {
              items: old.map((o) => ({ name: refOf(o, inv), location: o.location })),
              location: old[0]?.location,
            },
          ),
        )
      details.push('sync status is only visible in a live cluster')
    }
    const listed = listedAt(inv)
    if (listed) details.unshift(listed)
    const at = inv.apiGroups?.[ESO_GROUP]?.listed
    const summary = `${list.length} ExternalSecret(s) in order${at ? ` (${ESO_GROUP}/${at})` : ''}`
    return outcomes.length > 0 ? outcomes : pass(summary, details)
  },
})
