// 1. Environment keys — which the SDK skips when AWS_PROFILE is set.
import type { AwsCredentialIdentity } from '@smithy/types'
import { isSet } from '../context.js'
import { absent, halfSet, type CredentialSource } from './source.js'

export const envSource: CredentialSource = ({ ctx }) => {
  const env = ctx.env
  const akid = env['AWS_ACCESS_KEY_ID']
  const secret = env['AWS_SECRET_ACCESS_KEY']
  if (isSet(env['AWS_PROFILE']))
    return absent('skipped: AWS_PROFILE is set, so the SDK does not read AWS_ACCESS_KEY_ID')
  if (!isSet(akid) && !isSet(secret)) return absent('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set')
  if (!isSet(akid)) return halfSet('AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID')
  if (!isSet(secret)) return halfSet('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY')
  const expiry = env['AWS_CREDENTIAL_EXPIRATION']
  const identity: AwsCredentialIdentity = {
    accessKeyId: akid,
    secretAccessKey: secret,
    ...(isSet(env['AWS_SESSION_TOKEN']) ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}),
    ...(isSet(expiry) && !Number.isNaN(Date.parse(expiry)) ? { expiration: new Date(expiry) } : {}),
  }
  // Read from the run's environment (as the SDK's fromEnv reads process.env), so a test's env is the one used.
  return { provider: async () => identity, refreshable: false }
}
