// Placeholder until the vault provider lands: not configured anywhere, so its checks are skipped.
import { defineProvider } from '../core/provider.js'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VaultApi {}

export default defineProvider<VaultApi>({
  id: 'vault',
  title: 'vault',
  configured: (config) => config.vault.configured,
  create: () => ({}),
})
