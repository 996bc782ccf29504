import { defineCheck, found, pass, skip } from '../define.js'
import {
  absenceNote,
  absenceProves,
  csiClassesOf,
  ofKind,
  workloads,
} from '../../providers/kubernetes/model.js'

const DRIVER = 'secrets-store.csi.k8s.io'

export default defineCheck({
  id: 'k8s.csi-driver',
  title: `The Secrets Store CSI driver (${DRIVER}) is installed`,
  description:
    'Pods that mount a secrets-store volume stay in ContainerCreating when the driver is not registered, and the ' +
    'Kubernetes Secret it would sync never appears.',
  provider: 'kubernetes',
  category: 'config',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    missing: {
      status: 'fail',
      severity: 'critical',
      message: `CSIDriver ${DRIVER} is not installed, but {{users}} use(s) it`,
      remedies: ['k8s.install-csi-driver'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const users = [
      ...workloads(inv, config)
        .filter((w) => csiClassesOf(w.podSpec).length > 0)
        .map((w) => w.ref),
      ...ofKind(inv, 'SecretProviderClass').map(
        (o) => `SecretProviderClass/${o.metadata.namespace ?? inv.namespace}/${o.metadata.name}`,
      ),
    ]
    if (users.length === 0)
      return skip('not-applicable', 'nothing in scope uses the Secrets Store CSI driver')
    if (ofKind(inv, 'CSIDriver').some((d) => d.metadata.name === DRIVER))
      return pass(`CSIDriver ${DRIVER} installed`)
    if (!absenceProves(inv, 'CSIDriver')) {
      const why = absenceNote(inv, 'CSIDriver')
      return inv.kinds.CSIDriver?.state === 'forbidden'
        ? skip(
            'not-permitted',
            `${why}; an identity with "list csidrivers" (cluster scope) can run this check`,
          )
        : skip(
            'not-applicable',
            `whether the cluster has the driver is not in the manifests; run against the cluster to check it`,
          )
    }
    return found(
      'missing',
      { users: users.slice(0, 3).join(', ') + (users.length > 3 ? ` and ${users.length - 3} more` : '') },
      {
        items: users.map((name) => ({ name })),
        commands: {
          'k8s.install-csi-driver': [
            'kubectl get csidrivers',
            'kubectl -n kube-system get pods -l app=secrets-store-csi-driver',
          ],
        },
      },
    )
  },
})
