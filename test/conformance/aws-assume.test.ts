// Simulator fidelity for sts:AssumeRole: Debian's awscli (botocore) and the provider's own client
// (@aws-sdk/client-sts) against the loopback AWS. Both must parse its AssumeRoleResponse, and read its
// refusals as STS's: AccessDenied for a role whose trust policy does not let the caller in and for a role
// that does not exist (STS does not reveal which), ValidationError for what STS validates first.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defaultConfig, type ResolvedConfig } from '../../src/app/config.js'
import { ProviderError, type ProviderSession } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import awsProvider from '../../src/providers/aws/provider.js'
import {
  AWS_CANARIES,
  AWS_READ_OPERATIONS,
  EDGE_KEY_ID,
  NODE_ROLE_ARN,
  PIPELINE_KEY_ID,
  PIPELINE_ROLE_ARN,
  SECRET_NAME,
  healthyAwsState,
  pipelineRole,
  startAwsSimulator,
  type AwsSimulator,
} from '../../src/sandbox/aws.js'
import { awsCli, CLI_LIMIT_MS, HAS_AWS_CLI } from '../helpers/awscli.js'

const HAS_AWS = HAS_AWS_CLI
/** The longest test makes two awscli calls. */
const TEST_LIMIT = { timeout: 2 * CLI_LIMIT_MS + 10_000 }
const ASSUMED_ARN = 'arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge-secrets'
const EDGE_SESSION = /arn:aws:sts::123456789012:assumed-role\/expanso-edge\/botocore-session-\d+/.source
/** What awscli adds after the operation's name when retries are on (AWS_MAX_ATTEMPTS is 1 here). */
const RETRIES = /(?: \(reached max retries: \d+\))?/.source
const literally = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
/** awscli's line for an AssumeRole error: the code, and the message as a pattern (the whole rest of the line). */
const assumeError = (code: string, message: string) =>
  new RegExp(`\\(${code}\\) when calling the AssumeRole operation${RETRIES}: ${message}$`, 'm')
const validation = (message: string) => assumeError('ValidationError', literally(message))
const denial = (role: string) =>
  assumeError(
    'AccessDenied',
    `User: ${EDGE_SESSION} is not authorized to perform: sts:AssumeRole on resource: ${literally(role)}`,
  )

/** One simulator per client, so the clients' tests can run side by side. */
let cliSim: AwsSimulator
let sdkSim: AwsSimulator

beforeAll(async () => {
  cliSim = await startAwsSimulator(healthyAwsState())
  sdkSim = await startAwsSimulator(healthyAwsState())
})
afterAll(async () => {
  await cliSim?.close()
  await sdkSim?.close()
})

const aws = (args: string[], env: Record<string, string> = {}) => awsCli(cliSim.url, args, env)

const assumeArgs = (role: string, ...more: string[]) => [
  'sts',
  'assume-role',
  '--role-arn',
  role,
  '--role-session-name',
  'edge-secrets',
  ...more,
]

describe.skipIf(!HAS_AWS).concurrent('awscli sts assume-role against the AWS simulator', TEST_LIMIT, () => {
  it('assumes a role whose trust policy names the caller, and the session is who STS says', async () => {
    const r = await aws(assumeArgs(PIPELINE_ROLE_ARN, '--duration-seconds', '900'))
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: 'AROAPIPELINEEXAMPLE:edge-secrets',
      Arn: ASSUMED_ARN,
    })
    expect(out.Credentials).toMatchObject({
      AccessKeyId: PIPELINE_KEY_ID,
      SecretAccessKey: AWS_CANARIES.assumedSecretAccessKey,
      SessionToken: AWS_CANARIES.assumedSessionToken,
    })
    // botocore parsed the Expiration; 900 seconds from now.
    const left = Date.parse(out.Credentials.Expiration) - Date.now()
    expect(left).toBeGreaterThan(800_000)
    expect(left).toBeLessThanOrEqual(900_000)
    const who = await aws(['sts', 'get-caller-identity'], {
      AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials.SessionToken,
    })
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: ASSUMED_ARN, Account: '123456789012' })
  })

  it('AccessDenied, worded as STS words it, for a role that does not trust the caller', async () => {
    const other = 'arn:aws:iam::123456789012:role/untrusting'
    cliSim.state.roles?.push({ ...pipelineRole([NODE_ROLE_ARN]), arn: other })
    const r = await aws(assumeArgs(other))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(denial(other))
  })

  it('the same AccessDenied for a role that does not exist', async () => {
    const missing = 'arn:aws:iam::123456789012:role/no-such-role'
    const r = await aws(assumeArgs(missing))
    expect(r.stderr).toMatch(denial(missing))
  })

  it('ValidationError for a session name STS does not accept, and for a chained session over an hour', async () => {
    const bad = await aws([
      'sts',
      'assume-role',
      '--role-arn',
      PIPELINE_ROLE_ARN,
      '--role-session-name',
      'a/b',
    ])
    expect(bad.stderr).toMatch(
      validation(
        "1 validation error detected: Value 'a/b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ),
    )
    const long = await aws(assumeArgs(PIPELINE_ROLE_ARN, '--duration-seconds', '7200'))
    expect(long.stderr).toMatch(
      validation(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      ),
    )
  })
})

describe.skipIf(!HAS_AWS)('awscli: reads only', () => {
  it('only reads reached the simulator', () => {
    for (const op of cliSim.operations()) expect(AWS_READ_OPERATIONS.has(op), op).toBe(true)
  })
})

/** The aws provider as the jobspec provider creates it, its endpoints at the simulator. */
function provider() {
  vi.stubEnv('AWS_ENDPOINT_URL', sdkSim.url)
  vi.stubEnv('AWS_REGION', 'us-east-1')
  vi.stubEnv('AWS_ACCESS_KEY_ID', EDGE_KEY_ID)
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', AWS_CANARIES.secretAccessKey)
  vi.stubEnv('AWS_SESSION_TOKEN', AWS_CANARIES.sessionToken)
  const s: ProviderSession<ResolvedConfig> = {
    config: defaultConfig({ aws: { secrets: [{ id: SECRET_NAME }] } }, { env: process.env }),
    signal: new AbortController().signal,
    timeoutMs: 3000,
    offline: false,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env: process.env,
  }
  return awsProvider.create(s)
}

const rejection = async (p: Promise<unknown>): Promise<ProviderError> => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError)
    return e as ProviderError
  }
  throw new Error('expected a rejection')
}

describe("the aws provider's assumeRole (@aws-sdk/client-sts) against the AWS simulator", () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    sdkSim.state.throttle = []
    sdkSim.knobs.fault = undefined
  })

  it("returns the session's ARN and end, and makes its credentials unprintable", async () => {
    const before = Date.now()
    const assumed = await provider().assumeRole(PIPELINE_ROLE_ARN, { region: 'eu-west-1' })
    expect(assumed.assumedRoleArn).toBe(ASSUMED_ARN)
    // DurationSeconds 900: the shortest session STS grants.
    const left = (assumed.expiresAt?.getTime() ?? 0) - before
    expect(left).toBeGreaterThan(800_000)
    expect(left).toBeLessThanOrEqual(901_000)
    expect(Object.keys(assumed).sort()).toEqual(['assumedRoleArn', 'expiresAt'])
    expect(
      redact(`x ${AWS_CANARIES.assumedSessionToken} ${AWS_CANARIES.assumedSecretAccessKey}`),
    ).not.toMatch(/canary/)
  })

  it("an untrusting role is 'denied', not a fault, and names the caller", async () => {
    sdkSim.state.roles = [pipelineRole([NODE_ROLE_ARN])]
    try {
      const e = await rejection(provider().assumeRole(PIPELINE_ROLE_ARN))
      expect(e.kind).toBe('denied')
      expect(e.fault).toBeUndefined()
      expect(e.facts).toMatchObject({ code: 'AccessDenied', status: 403, call: 'sts:AssumeRole' })
      expect(String(e.facts.principal)).toMatch(new RegExp(`^${EDGE_SESSION}$`))
    } finally {
      sdkSim.state.roles = [pipelineRole()]
    }
  })

  it('throttling and an answer that is not STS are told apart from a refusal', async () => {
    sdkSim.state.throttle = ['AssumeRole']
    expect((await rejection(provider().assumeRole(PIPELINE_ROLE_ARN))).kind).toBe('throttled')
    sdkSim.state.throttle = []
    sdkSim.knobs.fault = { kind: 'html', status: 200 }
    expect((await rejection(provider().assumeRole(PIPELINE_ROLE_ARN))).fault).toBe('not-the-service')
  })
})
