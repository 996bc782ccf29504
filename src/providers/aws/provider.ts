// AWS: credentials, STS identity, Secrets Manager metadata and IAM policy simulation. This folder is the only
// place that touches the AWS SDK, loaded with `import()` on first use. The parts: the credential chain walked
// source by source (credentials/), the region (region.ts), the clients and the one way a call is made
// (clients.ts, answer.ts, errors.ts, endpoints.ts), and the calls (identity.ts, assume.ts, secrets.ts,
// iam.ts).
import { defineProvider, memoByKey, once } from '../../core/provider.js'
import type { AwsApi, AwsAssumedRole } from './api.js'
import { assumeRole } from './assume.js'
import { createClients } from './clients.js'
import { awsConfig } from './config.js'
import { awsContext, type AwsSession } from './context.js'
import { credentialChain } from './credentials/chain.js'
import { endpointFor } from './endpoints.js'
import { simulate } from './iam.js'
import { callerIdentity } from './identity.js'
import { resolveRegion } from './region.js'
import { describeSecret, describeValue, getSecretValue, secretValue } from './secrets.js'

function createAwsApi(session: AwsSession): AwsApi {
  // The SDK warns on every run that its 2027 releases will need Node 22; on Node 20 edge hosts that is
  // noise in the doctor's stderr, not a finding. The user's own setting wins.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true'
  const ctx = awsContext(session)
  const region = once(() => resolveRegion(ctx))
  // The chain needs a client (the web identity exchange) and the clients need the chain's result; neither
  // asks the other before a check makes a call.
  const clients = createClients(ctx, { region, credentials: () => chain.provider() })
  const chain = credentialChain({ ctx, clients })
  // An agent told to assume a role in a region asks that region's STS: the same credentials, endpoint
  // overrides and call wrapper, with the region swapped. One AssumeRole per region and role and run.
  const assumers = new Map<string, (roleArn: string) => Promise<AwsAssumedRole>>()
  const assumerIn = (r = ''): ((roleArn: string) => Promise<AwsAssumedRole>) => {
    let a = assumers.get(r)
    if (!a) {
      const fixed = { region: r, source: 'config' as const }
      const c = r
        ? createClients(ctx, { region: async () => fixed, credentials: () => chain.provider() })
        : clients
      a = memoByKey((roleArn) => assumeRole(c, roleArn))
      assumers.set(r, a)
    }
    return a
  }

  const timeRead = async (id?: string) => {
    const started = performance.now()
    if (id) describeValue(id, await getSecretValue(clients, id))
    else await callerIdentity(clients)
    return performance.now() - started
  }

  return {
    region,
    credentials: chain.report,
    callerIdentity: once(() => callerIdentity(clients)),
    assumeRole: (roleArn, o = {}) => assumerIn(o.region)(roleArn),
    secretValue: memoByKey((id) => secretValue(ctx, clients, id)),
    describeSecret: memoByKey((id) => describeSecret(clients, id)),
    simulate: (source, actions, resources) => simulate(clients, source, actions, resources),
    timeRead,
    secretsEndpoint: async () => endpointFor(ctx, 'secretsmanager', (await region()).region),
    clockOffsetMs: clients.clockOffsetMs,
  }
}

export default defineProvider({
  id: 'aws',
  title: 'AWS Secrets Manager',
  config: awsConfig,
  configured: (config) => config.aws.configured,
  notConfigured: 'no AWS here: add an aws: section or AWS credentials to the environment',
  create: createAwsApi,
})
