import { it } from 'vitest'
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager'
import { healthyAwsState, startAwsSimulator, EDGE_KEY_ID, AWS_CANARIES } from '../../src/sandbox/aws.js'
import type { Fault } from '../../src/sandbox/server.js'

const faults: Fault[] = [
  { kind: 'html', status: 200 },
  { kind: 'html', status: 502 },
  { kind: 'status', status: 429, headers: { 'retry-after': '30' } },
  { kind: 'status', status: 503, body: '{}', contentType: 'application/x-amz-json-1.1' },
  { kind: 'malformed-json' },
  { kind: 'reset-mid-body' },
  { kind: 'redirect', location: 'http://127.0.0.2:9/x' },
]
it('scratch', async () => {
  const sim = await startAwsSimulator(healthyAwsState())
  const creds = { accessKeyId: EDGE_KEY_ID, secretAccessKey: AWS_CANARIES.secretAccessKey, sessionToken: AWS_CANARIES.sessionToken }
  const sts = new STSClient({ region: 'us-east-1', endpoint: sim.url, credentials: creds, maxAttempts: 1 })
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: sim.url, credentials: creds, maxAttempts: 1 })
  for (const f of faults) {
    sim.knobs.fault = f
    for (const [n, p] of [['sts', () => sts.send(new GetCallerIdentityCommand({}))], ['sm', () => sm.send(new GetSecretValueCommand({ SecretId: 'expanso/pipeline/credentials' }))]] as const) {
      try {
        const out = await p()
        console.log(f.kind, (f as any).status, n, 'OK', JSON.stringify(out))
      } catch (e: any) {
        console.log(f.kind, (f as any).status, n, 'ERR', { ctor: e.constructor?.name, name: e.name, message: String(e.message).slice(0, 200), code: e.code, fault: e.$fault, meta: e.$metadata, resp: e.$response ? { s: e.$response.statusCode, h: e.$response.headers } : undefined, cause: e.cause?.code })
      }
    }
  }
  await sim.close()
})
