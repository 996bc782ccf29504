// Placeholder until the azure provider lands: not configured anywhere, so its checks are skipped.
import { defineProvider } from '../core/provider.js'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AzureApi {}

export default defineProvider<AzureApi>({
  id: 'azure',
  title: 'azure',
  configured: (config) => config.azure.configured,
  create: () => ({}),
})
