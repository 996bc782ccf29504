// Placeholder until the gcp provider lands: not configured anywhere, so its checks are skipped.
import { defineProvider } from '../core/provider.js'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GcpApi {}

export default defineProvider<GcpApi>({
  id: 'gcp',
  title: 'gcp',
  configured: (config) => config.gcp.configured,
  create: () => ({}),
})
