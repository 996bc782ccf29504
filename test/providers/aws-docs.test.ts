// The documentation's AWS example as the baseline: its least-privilege policy (Best Practices 2,
// examples/aws/iam-policy.json) and its init script's secret id and region (examples/aws/fetch-secrets.sh),
// judged by the real checks through the real SDK against the simulator.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { RunRecorder } from '../../src/core/recorder.js'
import { defaultConfig } from '../../src/app/config.js'
import type { ResolvedConfig } from '../../src/app/config.js'
import type { ProviderSession } from '../../src/core/provider.js'
import awsProvider from '../../src/providers/aws/provider.js'
import {
  AWS_CANARIES,
  EDGE_KEY_ID,
  EDGE_ROLE_ARN,
  healthyAwsState,
  startAwsSimulator,
  statementsFromPolicy,
  type AwsSimulator,
} from '../../src/sandbox/aws.js'
import { runCheck } from '../helpers/check-harness.js'
import leastPrivilege from '../../src/checks/aws/least-privilege.js'
import rotation from '../../src/checks/aws/rotation.js'
import secretAccess from '../../src/checks/aws/secret-access.js'
import secretKeys from '../../src/checks/aws/secret-keys.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/aws/${name}`, import.meta.url), 'utf8')
const script = fixture('fetch-secrets.sh')
const SECRET_ID = /--secret-id (\S+)/.exec(script)![1]!
const REGION = /--region (\S+)/.exec(script)![1]!
const KEYS = [...script.matchAll(/jq -r '\.(\w+)'/g)].map((m) => m[1]!)

let sim: AwsSimulator
beforeAll(async () => {
  const state = healthyAwsState()
  state.principals[0] = {
    ...state.principals[0]!,
    // The documentation's policy, plus what an administrator needs to run the simulation.
    statements: [
      ...statementsFromPolicy(fixture('iam-policy.json')),
      { action: 'iam:SimulatePrincipalPolicy', resource: '*' },
    ],
  }
  sim = await startAwsSimulator(state)
})
afterAll(() => sim.close())

function ctx() {
  vi.stubEnv('AWS_ENDPOINT_URL', sim.url)
  vi.stubEnv('AWS_ACCESS_KEY_ID', EDGE_KEY_ID)
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', AWS_CANARIES.secretAccessKey)
  vi.stubEnv('AWS_SESSION_TOKEN', AWS_CANARIES.sessionToken)
  const config = defaultConfig(
    { aws: { region: REGION, expectRoleArn: EDGE_ROLE_ARN, secrets: [{ id: SECRET_ID, keys: KEYS }] } },
    { env: process.env },
  )
  const recorder = new RunRecorder()
  const session: ProviderSession<ResolvedConfig> = {
    config,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    offline: false,
    recorder,
    now: () => new Date(),
    env: process.env,
  }
  return { config, recorder, aws: awsProvider.create(session) }
}

describe("the documentation's AWS setup", () => {
  it('reads the init script secret and every key it exports', async () => {
    expect(SECRET_ID).toBe('expanso/pipeline/credentials')
    expect(KEYS).toEqual(['kafka_username', 'kafka_password', 'api_token', 'db_password'])
    const c = ctx()
    expect((await runCheck(secretAccess, c)).status).toBe('pass')
    expect((await runCheck(secretKeys, c)).status).toBe('pass')
  })

  it('its least-privilege policy passes aws.least-privilege: the secret allowed, secret:* denied', async () => {
    const r = await runCheck(leastPrivilege, ctx())
    expect(r.status).toBe('pass')
    expect(r.details).toContain(
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:123456789012:secret:*: implicitDeny',
    )
  })

  it('its policy grants no DescribeSecret, so rotation state is not-permitted rather than failed', async () => {
    const r = await runCheck(rotation, ctx())
    expect(r.status).toBe('skip')
    expect(r.skipReason).toBe('not-permitted')
  })
})
