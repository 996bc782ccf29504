// 4. Container credentials (ECS task role, EKS Pod Identity).
import { isSet } from '../context.js'
import { absent, type CredentialSource } from './source.js'

export const containerSource: CredentialSource = ({ ctx, providers }) => {
  const full = ctx.env['AWS_CONTAINER_CREDENTIALS_FULL_URI']
  const relative = ctx.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']
  if (!isSet(full) && !isSet(relative))
    return absent('AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI are not set')
  return {
    provider: providers.fromContainerMetadata({
      timeout: Math.min(ctx.session.timeoutMs, 2000),
      maxRetries: 0,
    }),
    refreshable: true,
    endpoint: full || `http://169.254.170.2${relative}`,
  }
}
