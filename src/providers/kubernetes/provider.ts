// The Kubernetes provider: the live API (kubeconfig.ts → transport.ts; access.ts, inventory.ts), or the
// `--manifests` files (manifests.ts, no network and no SDK). Both answer with the same AccessInfo and
// Inventory (api.ts), which the checks read with model.ts. Each is asked once per run, whichever checks ask.
import { defineProvider, once } from '../../core/provider.js'
import { readAccess } from './access.js'
import type { KubernetesApi } from './api.js'
import { kubernetesConfig } from './config.js'
import { readInventory } from './inventory.js'
import type { Session } from './auth.js'
import { connect } from './kubeconfig.js'
import { manifestsApi } from './manifests.js'

export default defineProvider({
  id: 'kubernetes',
  title: 'Kubernetes',
  checkPrefix: 'k8s',
  config: kubernetesConfig,
  configured: (config) => config.kubernetes.configured,
  notConfigured: 'no cluster here: add a kubernetes: section, KUBECONFIG, run in a pod, or pass --manifests',
  create: (session): KubernetesApi => {
    const k = session.config.kubernetes
    return k.manifests.length > 0 ? manifestsApi(k.manifests, k.namespace) : liveApi(session)
  },
})

function liveApi(session: Session): KubernetesApi {
  const ns = session.config.kubernetes.namespace
  const connection = once(() => connect(session))
  return {
    mode: 'live',
    access: once(async () => readAccess(await connection(), session, ns)),
    inventory: once(async () => readInventory(await connection(), session, ns)),
  }
}
