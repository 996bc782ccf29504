// 5. EC2 instance metadata (IMDSv2), unless switched off the way the SDK's own chain honours it.
import { isSet } from '../context.js'
import { type CredentialSource } from './source.js'

export const instanceMetadataSource: CredentialSource = ({ ctx, providers }) => {
  const off = ctx.env['AWS_EC2_METADATA_DISABLED']
  if (isSet(off) && off.toLowerCase() !== 'false')
    return { skip: { outcome: 'disabled', detail: 'AWS_EC2_METADATA_DISABLED is set' } }
  return {
    provider: providers.fromInstanceMetadata({
      timeout: Math.min(ctx.session.timeoutMs, 1000),
      maxRetries: 0,
    }),
    refreshable: true,
    endpoint: ctx.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] || 'http://169.254.169.254',
  }
}
