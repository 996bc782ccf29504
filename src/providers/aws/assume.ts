// STS AssumeRole with the node's credentials, as an agent assumes a role it is told to (a JobSpec `aws_sts`
// entry): whether the role lets the node in, and until when. The session credentials STS hands out are
// never kept or returned, and are registered with the redactor the moment they arrive so that no error
// message or log can carry them.
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { AwsAssumedRole } from './api.js'
import type { AwsClients } from './clients.js'

/** The session name the doctor's AssumeRole calls carry, so that CloudTrail tells them apart. */
export const ASSUME_SESSION_NAME = 'edge-secrets'

/** STS's minimum: the doctor only needs to see the answer, not to use the session. */
const DURATION_SECONDS = 900

export async function assumeRole(clients: AwsClients, roleArn: string): Promise<AwsAssumedRole> {
  const sts = await clients.sts()
  const { AssumeRoleCommand } = await import('@aws-sdk/client-sts')
  const input = { RoleArn: roleArn, RoleSessionName: ASSUME_SESSION_NAME, DurationSeconds: DURATION_SECONDS }
  const out = await clients.call('AssumeRole', sts, (client, abortSignal) =>
    client.send(new AssumeRoleCommand(input), { abortSignal }),
  )
  registerSecret(out.Credentials?.SecretAccessKey)
  registerSecret(out.Credentials?.SessionToken)
  if (!out.AssumedRoleUser?.Arn)
    throw new ProviderError('aws', 'unexpected', 'sts:AssumeRole: the answer names no assumed role', {
      call: 'sts:AssumeRole',
    })
  return { assumedRoleArn: out.AssumedRoleUser.Arn, expiresAt: out.Credentials?.Expiration }
}
