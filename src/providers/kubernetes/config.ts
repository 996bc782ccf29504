// The kubernetes: section of edge-secrets.yaml; KUBECONFIG, in-cluster variables and --manifests fill it.
import { existsSync } from 'node:fs'
import { defineSection, S } from '../../core/config.js'

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

export const kubernetesConfig = defineSection({
  schema: S.object({
    context: S.str(),
    kubeconfig: S.str(),
    namespace: S.str(),
    deployment: S.str(),
    selector: S.str(),
  }),
  resolve(raw, { env, present, abs, manifests }) {
    const k = raw ?? {}
    const kubeconfig = abs(strOf(k.kubeconfig)) ?? strOf(env.KUBECONFIG)?.split(':')[0]
    return {
      configured:
        present ||
        (!!kubeconfig && existsSync(kubeconfig)) ||
        !!env.KUBERNETES_SERVICE_HOST ||
        manifests.length > 0,
      context: strOf(k.context),
      kubeconfig,
      namespace: strOf(k.namespace) ?? strOf(env.POD_NAMESPACE) ?? 'expanso-system',
      deployment: strOf(k.deployment),
      selector: strOf(k.selector),
      manifests,
    }
  },
})

export type KubernetesConfig = ReturnType<typeof kubernetesConfig.resolve>
