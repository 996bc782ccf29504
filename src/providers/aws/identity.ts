// STS: who the calls run as.
import type { AwsCallerIdentity } from './api.js'
import type { AwsClients } from './clients.js'

export async function callerIdentity(clients: AwsClients): Promise<AwsCallerIdentity> {
  const sts = await clients.sts()
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
  const out = await clients.call('GetCallerIdentity', sts, (client, abortSignal) =>
    client.send(new GetCallerIdentityCommand({}), { abortSignal }),
  )
  return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' }
}
