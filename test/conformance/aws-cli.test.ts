// Simulator fidelity: Debian's awscli (botocore, a client nobody here wrote) against the loopback AWS.
// It must accept the simulator's signatures checks, XML and JSON, and map its errors to the right codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsCli, CLI_LIMIT_MS, HAS_AWS_CLI } from '../helpers/awscli.js'
import {
  AWS_CANARIES,
  AWS_READ_OPERATIONS,
  SECRET_ARN,
  SECRET_NAME,
  healthyAwsState,
  startAwsSimulator,
  type AwsSimulator,
} from '../../src/sandbox/aws.js'

const HAS_AWS = HAS_AWS_CLI
/** The longest test makes three awscli calls. */
const TEST_LIMIT = { timeout: 3 * CLI_LIMIT_MS + 10_000 }
let sim: AwsSimulator
/** Separate simulators for a skewed clock and throttling, so every test can run concurrently. */
let skewed: AwsSimulator
let throttling: AwsSimulator

beforeAll(async () => {
  sim = await startAwsSimulator(healthyAwsState())
  skewed = await startAwsSimulator(healthyAwsState(), { knobs: { clockOffsetMs: 600_000 } })
  throttling = await startAwsSimulator({ ...healthyAwsState(), throttle: ['GetSecretValue'] })
})
afterAll(async () => {
  await sim?.close()
  await skewed?.close()
  await throttling?.close()
})

const aws = (args: string[], env: Record<string, string> = {}, target = () => sim) =>
  awsCli(target().url, args, env)

describe.skipIf(!HAS_AWS).concurrent('awscli against the AWS simulator', TEST_LIMIT, () => {
  it('sts get-caller-identity', async () => {
    const r = await aws(['sts', 'get-caller-identity'])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({
      Account: '123456789012',
      Arn: expect.stringContaining('assumed-role/expanso-edge/'),
    })
  })

  it("secretsmanager get-secret-value, as the documentation's init script calls it", async () => {
    const r = await aws([
      'secretsmanager',
      'get-secret-value',
      '--secret-id',
      SECRET_NAME,
      '--query',
      'SecretString',
      '--output',
      'text',
    ])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ kafka_password: AWS_CANARIES.kafka_password })
  })

  it('secretsmanager describe-secret with epoch timestamps', async () => {
    const r = await aws(['secretsmanager', 'describe-secret', '--secret-id', SECRET_NAME])
    expect(r.code).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d).toMatchObject({
      ARN: SECRET_ARN,
      RotationEnabled: true,
      RotationRules: { AutomaticallyAfterDays: 30 },
    })
    // botocore parsed the epoch-second numbers into dates.
    expect(Number.isNaN(Date.parse(d.LastRotatedDate))).toBe(false)
  })

  it('AccessDeniedException for a secret outside the policy', async () => {
    const r = await aws(['secretsmanager', 'get-secret-value', '--secret-id', 'other/app'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('(AccessDeniedException) when calling the GetSecretValue operation')
    expect(r.stderr).toContain('is not authorized to perform: secretsmanager:GetSecretValue')
  })

  it('ResourceNotFoundException for a missing secret', async () => {
    const r = await aws(['secretsmanager', 'get-secret-value', '--secret-id', 'expanso/pipeline/nope'])
    expect(r.stderr).toMatch(
      /\(ResourceNotFoundException\) when calling the GetSecretValue operation(?: \(reached max retries: \d+\))?: Secrets Manager can't find the specified secret\./,
    )
  })

  it('KMS denial and unknown keys', async () => {
    sim.state.secrets.push({
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:expanso/pipeline/kms-Kk1234',
      name: 'expanso/pipeline/kms',
      secretString: '{}',
      kms: 'denied',
    })
    const kms = await aws(['secretsmanager', 'get-secret-value', '--secret-id', 'expanso/pipeline/kms'])
    expect(kms.stderr).toMatch(
      /\(AccessDeniedException\) when calling the GetSecretValue operation(?: \(reached max retries: \d+\))?: Access to KMS is not allowed/,
    )
    const bad = await aws(['sts', 'get-caller-identity'], { AWS_ACCESS_KEY_ID: 'ASIAUNKNOWN000000000' })
    expect(bad.stderr).toContain('(InvalidClientTokenId) when calling the GetCallerIdentity operation')
    const wrongSecret = await aws(['secretsmanager', 'describe-secret', '--secret-id', SECRET_NAME], {
      AWS_SECRET_ACCESS_KEY: 'wrong',
    })
    expect(wrongSecret.stderr).toContain('(InvalidSignatureException)')
  })

  it('only reads reached the simulator', () => {
    for (const op of sim.operations()) expect(AWS_READ_OPERATIONS.has(op), op).toBe(true)
  })
})

describe.skipIf(!HAS_AWS).concurrent('awscli and a skewed, throttling AWS', TEST_LIMIT, () => {
  it('Signature expired when the server clock is 10 minutes ahead', async () => {
    const r = await aws(['sts', 'get-caller-identity'], {}, () => skewed)
    expect(r.stderr).toMatch(/\(SignatureDoesNotMatch\).*Signature expired: \d{8}T\d{6}Z is now earlier than/)
  })

  it('ThrottlingException', async () => {
    const r = await aws(
      ['secretsmanager', 'get-secret-value', '--secret-id', SECRET_NAME],
      {},
      () => throttling,
    )
    expect(r.stderr).toMatch(
      /\(ThrottlingException\) when calling the GetSecretValue operation(?: \(reached max retries: \d+\))?: Rate exceeded/,
    )
  })
})
