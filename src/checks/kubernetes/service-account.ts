import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  absenceNote,
  absenceProves,
  findObject,
  identityServiceAccounts,
  workloads,
} from '../../providers/kubernetes/model.js'

export default defineCheck({
  id: 'k8s.service-account',
  title: 'The workload and its secret stores run as service accounts that exist',
  description:
    'Cloud workload identity (IRSA, GKE, Azure) and Vault Kubernetes auth all start from the pod’s service ' +
    'account. A pod whose serviceAccountName does not exist is never created; a SecretStore that logs in as a ' +
    'missing account cannot fetch anything.',
  provider: 'kubernetes',
  category: 'service-account',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'workload-missing': {
      status: 'fail',
      severity: 'critical',
      message: 'Deployment {{namespace}}/{{name}} (kubernetes.deployment) does not exist',
      remedies: ['k8s.point-at-workload'],
    },
    missing: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'ServiceAccount {{namespace}}/{{name}} does not exist; {{why}}',
      remedies: ['k8s.create-service-account', 'auth.check-sa-annotations'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const k = config.kubernetes
    if (k.deployment && workloads(inv, config).length === 0) {
      if (absenceProves(inv, 'Deployment'))
        return found(
          'workload-missing',
          { namespace: inv.namespace, name: k.deployment },
          { details: [`kubectl -n ${inv.namespace} get deployments`] },
        )
      return skip('not-applicable', `Deployment ${k.deployment}: ${absenceNote(inv, 'Deployment')}`)
    }
    const accounts = identityServiceAccounts(inv, config)
    if (accounts.length === 0) return skip('not-applicable', 'no workload or secret store in scope')
    const outcomes: Outcome<'missing'>[] = []
    const details: string[] = []
    for (const sa of accounts) {
      // Every namespace has a `default` ServiceAccount; the token controller recreates it.
      if (sa.name === 'default') {
        details.push(`${sa.ns}/default (built in): ${sa.why}`)
        continue
      }
      const obj = findObject(inv, 'ServiceAccount', sa.ns, sa.name)
      if (obj) {
        details.push(`ServiceAccount/${sa.ns}/${sa.name}: ${sa.why}`)
        continue
      }
      if (!absenceProves(inv, 'ServiceAccount')) {
        details.push(`ServiceAccount/${sa.ns}/${sa.name}: ${absenceNote(inv, 'ServiceAccount')} (${sa.why})`)
        continue
      }
      outcomes.push(
        found(
          'missing',
          { namespace: sa.ns, name: sa.name, why: sa.why },
          {
            location: sa.workload?.location,
            commands: {
              'k8s.create-service-account': [`kubectl -n ${sa.ns} create serviceaccount ${sa.name}`],
            },
          },
        ),
      )
    }
    return outcomes.length > 0 ? outcomes : pass(`${accounts.length} service account(s) in place`, details)
  },
})
