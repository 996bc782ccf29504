import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { RunRecorder } from '../../core/recorder.js'
import {
  awsError,
  awsFault,
  CALLER_ARN,
  notAws,
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
    expect(remedyIds(r)).toEqual(['aws.expected-role', 'auth.check-sa-annotations'])
  })

  it('fails another role and another account', async () => {
    const other = await runCheck(check, {
      config: config(),
      aws: caller('arn:aws:sts::123456789012:assumed-role/ci-deployer/s1'),
    })
    expect(findingKeys(other)).toEqual(['wrong-role'])
    expect(remedyIds(other)).toEqual(['aws.expected-role', 'auth.verify-iam'])
    const acct = await runCheck(check, {
      config: config(),
      aws: caller('arn:aws:sts::999999999999:assumed-role/expanso-edge/s1', '999999999999'),
    })
    expect(findingKeys(acct)).toEqual(['wrong-account'])
    expect(remedyIds(acct)).toEqual(['aws.expected-role', 'auth.verify-iam'])
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
    expect(remedyIds(skew)).toEqual(['node.sync-clock'])
    const expired = await runCheck(check, {
      config: config(),
      aws: failing(awsError('unauthenticated', 'ExpiredToken', 'expired')),
    })
    expect(findingKeys(expired)).toEqual(['token-expired'])
    expect(remedyIds(expired)).toEqual(['aws.refresh-credentials'])
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
    expect(invalid.summary).toContain(
      '(InvalidClientTokenId: The security token included in the request is invalid.)',
    )
    expect(remedyIds(invalid)).toEqual(['aws.credential-chain', 'auth.verify-iam'])
    const throttled = await runCheck(check, {
      config: config(),
      aws: failing(awsError('throttled', 'Throttling', 'Rate exceeded')),
    })
    expect(throttled.status).toBe('warn')
    expect(findingKeys(throttled)).toEqual(['throttled'])
    expect(remedyIds(throttled)).toEqual(['latency.retry-backoff'])
    const down = await runCheck(check, {
      config: config(),
      aws: failing(awsFault('refused', 'ECONNREFUSED')),
    })
    expect(findingKeys(down)).toEqual(['unreachable'])
    expect(down.summary).toBe(
      'cannot reach AWS STS: sts:GetCallerIdentity: sts.us-east-1.amazonaws.com:443 refused the connection (ECONNREFUSED)',
    )
    expect(remedyIds(down)).toEqual(['aws.network-reach', 'latency.regional-endpoints'])
  })

  it('fails an AWS 5xx as unreachable', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: failing(
        awsError('unavailable', 'InternalFailure', 'An internal error occurred.', { status: 500 }),
      ),
    })
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(remedyIds(r)).toEqual(['aws.network-reach', 'latency.regional-endpoints'])
  })

  it('fails TLS faults as TLS, with the classifier wording', async () => {
    for (const [fault, code, words] of [
      ['tls-untrusted', 'SELF_SIGNED_CERT_IN_CHAIN', 'is not signed by a trusted CA'],
      ['tls-expired', 'CERT_HAS_EXPIRED', 'has expired'],
      ['tls-hostname', 'ERR_TLS_CERT_ALTNAME_INVALID', 'does not name that host'],
    ] as const) {
      const r = await runCheck(check, { config: config(), aws: failing(awsFault(fault, code)) })
      expect(r.status).toBe('fail')
      expect(findingKeys(r)).toEqual(['tls'])
      expect(r.summary).toContain(`TLS with AWS STS failed: sts:GetCallerIdentity: the TLS certificate of`)
      expect(r.summary).toContain(words)
      expect(remedyIds(r)).toEqual(['aws.trust-ca', 'aws.network-reach'])
    }
  })

  it('fails an answer that is not AWS (a 200 sign-in page) instead of passing with an empty account', async () => {
    const r = await runCheck(check, { config: config(), aws: failing(notAws(200)) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['not-aws'])
    expect(r.summary).toBe(
      'the STS endpoint does not answer as AWS: sts:GetCallerIdentity: sts.us-east-1.amazonaws.com:443 answered HTTP 200 (text/html), not AWS STS',
    )
    expect(remedyIds(r)).toEqual(['aws.fix-endpoint', 'aws.network-reach'])
  })

  it('fails a proxy page that throttles as not AWS, not as a throttled warning', async () => {
    const r = await runCheck(check, { config: config(), aws: failing(notAws(429, 'text/html')) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['not-aws'])
    expect(remedyIds(r)).toEqual(['aws.fix-endpoint', 'aws.network-reach'])
  })

  it('leaves an unexpected error to the runner', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: failing(awsError('unexpected', 'Weird', 'boom')),
    })
    expect(r.status).toBe('error')
  })
})
