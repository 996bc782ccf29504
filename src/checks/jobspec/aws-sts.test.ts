import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { at, fakeJobspec, setup, type FakeJobspecOptions } from '../../../test/fixtures/jobspec/fake.js'
import { ProviderError } from '../../core/provider.js'
import check from './aws-sts.js'

const ROLE = 'arn:aws:iam::123456789012:role/pipeline-writer'

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
const awsError = (message: string) => new ProviderError('aws', 'denied', message, { code: 'AccessDenied' })

describe('jobspec.aws-sts', () => {
  it("assumes the role with the node's credentials", async () => {
    const r = await run()
    expect(r.status).toBe('pass')
    expect(r.details).toEqual([
      'node credentials: env, arn:aws:iam::123456789012:user/edge',
      'secret_providers.aws_prod: assumed arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge',
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
      { identity: () => Promise.reject(awsError('GetCallerIdentity: InvalidClientTokenId')) },
      'identity-failed',
      ['auth.verify-iam'],
    ],
    [
      'a role whose trust policy does not name the node',
      {
        assumeRole: () =>
          Promise.reject(awsError('AssumeRole: AccessDenied: not authorized to perform sts:AssumeRole')),
      },
      'assume-denied',
      ['jobspec.assume-role', 'auth.verify-iam'],
    ],
    [
      'an AWS provider that cannot assume roles yet',
      { assumeRole: async () => undefined },
      'assume-not-checked',
      ['jobspec.assume-role', 'jobspec.unconfirmed-format'],
    ],
  ])('%s', async (_name, o, key, remedies) => {
    const r = await run(o)
    expect(findingKeys(r)).toEqual([key])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['secret_providers.aws_prod'])
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('fills the AssumeRole to try by hand', async () => {
    const r = await run({ assumeRole: async () => undefined })
    expect(r.remedies[0]?.commands).toEqual([
      `aws sts assume-role --role-arn ${ROLE} --role-session-name edge-secrets`,
    ])
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
  })
})
