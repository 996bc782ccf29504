// 3. Web identity (EKS IRSA): the token in AWS_WEB_IDENTITY_TOKEN_FILE exchanged for AWS_ROLE_ARN at STS.
// The exchange is made here rather than by the SDK's fromTokenFile, so that the token file is read as every
// input is (src/core/files.ts: no FIFO, a size cap) and STS's answer passes the same guard as every call.
import type { AwsCredentialIdentity } from '@smithy/types'
import { readInput } from '../../../core/files.js'
import { registerSecret } from '../../../core/redact.js'
import { isSet } from '../context.js'
import { absent, halfSet, type CredentialSource, type SourceDeps } from './source.js'

async function exchange(d: SourceDeps, roleArn: string, tokenFile: string): Promise<AwsCredentialIdentity> {
  const token = (await readInput(tokenFile, 'token file')).trim()
  registerSecret(token)
  const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts')
  const sts = await d.clients.anonymousSts()
  const input = {
    RoleArn: roleArn,
    RoleSessionName: d.ctx.env['AWS_ROLE_SESSION_NAME'] || `edge-secrets-${Date.now()}`,
    WebIdentityToken: token,
  }
  const out = await d.clients.call('AssumeRoleWithWebIdentity', sts, (client, abortSignal) =>
    client.send(new AssumeRoleWithWebIdentityCommand(input), { abortSignal }),
  )
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new Error('sts:AssumeRoleWithWebIdentity answered without credentials')
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  }
}

export const webIdentitySource: CredentialSource = (d) => {
  const roleArn = d.ctx.env['AWS_ROLE_ARN']
  const tokenFile = d.ctx.env['AWS_WEB_IDENTITY_TOKEN_FILE']
  if (!isSet(roleArn) && !isSet(tokenFile))
    return absent('AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set')
  if (!isSet(tokenFile)) return halfSet('AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE')
  if (!isSet(roleArn)) return halfSet('AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN')
  return { provider: () => exchange(d, roleArn, tokenFile), refreshable: true }
}
