import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { RunRecorder } from '../../core/recorder.js'
import {
  awsError,
  CALLER_ARN,
  config,
  fakeAws,
  NODE_CALLER_ARN,
} from '../../../test/fixtures/aws/fake-api.js'
import check from './identity.js'

const caller = (arn: string, account = '123456789012') =>
  fakeAws({ callerIdentity: async () => ({ arn, account, userId: 'x' }) })
const failing = (e: Error) =>
  fakeAws({
    callerIdentity: async () => {
      throw e
    },
  })

describe('aws.identity', () => {
  it('passes as the expected role and records the identity', async () => {
    const recorder = new RunRecorder()
    const r = await runCheck(check, { config: config(), aws: fakeAws(), recorder })
    expect(r.status).toBe('pass')
    expect(recorder.identities[0]).toMatchObject({ provider: 'aws', principal: CALLER_ARN, source: 'env' })
  })

  it('names the node instance role used instead of the IRSA role', async () => {
    const r = await runCheck(check, { config: config(), aws: caller(NODE_CALLER_ARN) })
    expect(findingKeys(r)).toEqual(['node-role'])
    expect(remedyIds(r)).toEqual(['aws.expected-role', 'auth.check-sa-annotations'])
    expect(r.remedies.find((x) => x.id === 'auth.check-sa-annotations')?.commands?.[0]).toContain(
      'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/expanso-edge',
    )
  })

  it('warns about a node role when no role is expected', async () => {
    const r = await runCheck(check, {
      config: config({ expectRoleArn: undefined }),
      aws: caller(NODE_CALLER_ARN),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['possible-node-role'])
  })

  it('fails another role and another account', async () => {
    const other = await runCheck(check, {
      config: config(),
      aws: caller('arn:aws:sts::123456789012:assumed-role/ci-deployer/s1'),
    })
    expect(findingKeys(other)).toEqual(['wrong-role'])
    const acct = await runCheck(check, {
      config: config(),
      aws: caller('arn:aws:sts::999999999999:assumed-role/expanso-edge/s1', '999999999999'),
    })
    expect(findingKeys(acct)).toEqual(['wrong-account'])
  })

  it('compares a role with a path by name', async () => {
    const r = await runCheck(check, {
      config: config({ expectRoleArn: 'arn:aws:iam::123456789012:role/edge/expanso-edge' }),
      aws: fakeAws(),
    })
    expect(r.status).toBe('pass')
  })

  it('separates clock skew, expired token, invalid credentials, throttling and unreachable', async () => {
    const skew = await runCheck(check, {
      config: config(),
      aws: failing(
        awsError('unauthenticated', 'SignatureDoesNotMatch', 'Signature expired: …', { skewMs: 600_000 }),
      ),
    })
    expect(findingKeys(skew)).toEqual(['clock-skew'])
    expect(skew.summary).toContain('10m')
    expect(skew.summary).toContain('behind')
    const expired = await runCheck(check, {
      config: config(),
      aws: failing(awsError('unauthenticated', 'ExpiredToken', 'expired')),
    })
    expect(findingKeys(expired)).toEqual(['token-expired'])
    const invalid = await runCheck(check, {
      config: config(),
      aws: failing(
        awsError(
          'unauthenticated',
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
        ),
      ),
    })
    expect(findingKeys(invalid)).toEqual(['invalid-credentials'])
    const throttled = await runCheck(check, {
      config: config(),
      aws: failing(awsError('throttled', 'Throttling', 'Rate exceeded')),
    })
    expect(throttled.status).toBe('warn')
    expect(findingKeys(throttled)).toEqual(['throttled'])
    const down = await runCheck(check, {
      config: config(),
      aws: failing(awsError('refused', 'ECONNREFUSED', 'connect ECONNREFUSED')),
    })
    expect(findingKeys(down)).toEqual(['unreachable'])
  })

  it('leaves an unexpected error to the runner', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: failing(awsError('unexpected', 'Weird', 'boom')),
    })
    expect(r.status).toBe('error')
  })
})
