// Placeholder until the aws provider lands: not configured anywhere, so its checks are skipped.
import { defineProvider } from '../core/provider.js'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AwsApi {}

export default defineProvider<AwsApi>({
  id: 'aws',
  title: 'aws',
  configured: (config) => config.aws.configured,
  create: () => ({}),
})
