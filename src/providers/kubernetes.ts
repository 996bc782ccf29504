// Placeholder until the kubernetes provider lands: not configured anywhere, so its checks are skipped.
import { defineProvider } from '../core/provider.js'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KubernetesApi {}

export default defineProvider<KubernetesApi>({
  id: 'kubernetes',
  title: 'kubernetes',
  configured: (config) => config.kubernetes.configured,
  create: () => ({}),
})
