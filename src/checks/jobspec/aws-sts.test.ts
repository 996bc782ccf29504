import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, awsFault } from '../../../test/fixtures/aws/fake-api.js'
import { at, fakeJobspec, setup, type FakeJobspecOptions } from '../../../test/fixtures/jobspec/fake.js'
import { ProviderError } from '../../core/provider.js'
import check from './aws-sts.js'

const ROLE = 'arn:aws:iam::123456789012:role/pipeline-writer'
const CALLER = 'arn:aws:sts::123456789012:assumed-role/expanso-edge/botocore-session-1'

/** The healthy JobSpec plus an aws_sts entry the AWS secret uses. */
const withSts = (change?: (e: Record<string, unknown>) => void) =>
  setup({
    change: (spec) => {
      const entry: Record<string, unknown> = { provider: 'aws_sts', role_arn: ROLE, region: 'us-east-1' }
      change?.(entry)
      at(spec, 'secret_providers').aws_prod = entry
      at(spec, 'secrets').AWS_CREDS = { from: 'aws_prod' }
    },
  })
const run = (o: FakeJobspecOptions = {}, s = withSts()) => runCheck(check, { jobspec: fakeJobspec(o), ...s })
const denied = () =>
  awsError(
    'denied',
    'AccessDenied',
    `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    { status: 403 },
  )
const asRoleSession = async () => ({
  arn: CALLER,
  account: '123456789012',
  userId: 'AROAEDGE:botocore-session-1',
})

describe('jobspec.aws-sts', () => {
  it("assumes the role with the node's credentials, at the entry's region", async () => {
    const asked: unknown[] = []
    const r = await run({
      assumeRole: async (t) => {
        asked.push({ role: t.roleArn, region: t.region })
        return { assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge-secrets' }
      },
    })
    expect(r.status).toBe('pass')
    expect(asked).toEqual([{ role: ROLE, region: 'us-east-1' }])
    expect(r.details).toEqual([
      'node credentials: env, arn:aws:iam::123456789012:user/edge',
      'secret_providers.aws_prod: assumed arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge-secrets',
    ])
  })

  it.each<[string, FakeJobspecOptions, string, string[]]>([
    [
      'no credentials on the node',
      { credentials: { attempts: [{ source: 'env', outcome: 'absent', detail: 'no AWS_ACCESS_KEY_ID' }] } },
      'no-credentials',
      ['auth.verify-iam', 'auth.check-sa-annotations'],
    ],
    [
      'credentials STS does not accept',
      { identity: () => Promise.reject(awsError('unauthenticated', 'InvalidClientTokenId', 'bad key')) },
      'identity-failed',
      ['auth.verify-iam'],
    ],
    [
      'a role whose trust policy does not name the node',
      { assumeRole: () => Promise.reject(denied()) },
      'assume-denied',
      ['jobspec.assume-role', 'auth.verify-iam'],
    ],
    [
      'STS throttling the AssumeRole',
      { assumeRole: () => Promise.reject(awsError('throttled', 'Throttling', 'Rate exceeded')) },
      'sts-unavailable',
      ['aws.network-reach', 'latency.retry-backoff'],
    ],
  ])('%s', async (_name, o, key, remedies) => {
    const r = await run(o)
    expect(findingKeys(r)).toEqual([key])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['secret_providers.aws_prod'])
    expect(remedyIds(r)).toEqual(remedies)
  })

  it("a refusal names the role and the node's principal, with STS's words and request id as evidence", async () => {
    const r = await run({ identity: asRoleSession, assumeRole: () => Promise.reject(denied()) })
    expect(r.status).toBe('fail')
    expect(r.findings?.[0]?.items?.[0]?.detail).toBe(`${ROLE} as ${CALLER}: AccessDenied`)
    expect(r.details).toContain(
      `secret_providers.aws_prod: op: AccessDenied: User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE} (request id req-1)`,
    )
  })

  it("fills the trust-policy statement with the node's role, and the AssumeRole to try", async () => {
    const r = await run({ identity: asRoleSession, assumeRole: () => Promise.reject(denied()) })
    expect(r.remedies[0]?.commands).toEqual([
      'aws iam get-role --role-name pipeline-writer --query Role.AssumeRolePolicyDocument',
      '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/expanso-edge"}, "Action": "sts:AssumeRole"}',
      `aws sts assume-role --role-arn ${ROLE} --role-session-name edge-secrets`,
    ])
  })

  it("takes STS's refusal of the request itself (ValidationError) as a refusal too", async () => {
    const invalid = awsError('unexpected', 'ValidationError', '1 validation error detected')
    const r = await run({ assumeRole: () => Promise.reject(invalid) })
    expect(findingKeys(r)).toEqual(['assume-denied'])
  })

  it('a fault on the way to STS leaves the question open: a warning, not a refusal', async () => {
    const refused = awsFault('refused', 'ECONNREFUSED')
    const r = await run({ identity: () => Promise.reject(refused) })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['sts-unavailable'])
    const cut = awsFault('reset', 'ECONNRESET', 'sts:AssumeRole')
    const later = await run({ assumeRole: () => Promise.reject(cut) })
    expect(findingKeys(later)).toEqual(['sts-unavailable'])
    expect(later.findings?.[0]?.items?.[0]?.detail).toBe(`${ROLE}: reset`)
  })

  it('leaves an entry without a role ARN to jobspec.providers, and skips', async () => {
    const r = await run(
      {},
      withSts((e) => delete e.role_arn),
    )
    expect(r.skipReason).toBe('not-applicable')
  })

  it('lets an unexpected error through to the runner', async () => {
    const r = await run({ identity: () => Promise.reject(new Error('boom')) })
    expect(r.status).toBe('error')
    const odd = new ProviderError('aws', 'unexpected', 'sts:AssumeRole: the answer names no assumed role')
    const r2 = await run({ assumeRole: () => Promise.reject(odd) })
    expect(r2.status).toBe('error')
  })
})
