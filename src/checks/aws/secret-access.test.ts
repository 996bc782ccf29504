import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  awsError,
  awsFault,
  config,
  fakeAws,
  notAws,
  SECRET_ID,
} from '../../../test/fixtures/aws/fake-api.js'
import check from './secret-access.js'

const failing = (e: Error) =>
  runCheck(check, {
    config: config(),
    aws: fakeAws({
      secretValue: async () => {
        throw e
      },
    }),
  })

describe('aws.secret-access', () => {
  it('passes when every secret is readable', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws() })
    expect(r.status).toBe('pass')
    expect(r.details?.[0]).toContain(SECRET_ID)
  })

  it('skips without configured secrets', async () => {
    const r = await runCheck(check, { config: config({ secrets: [] }), aws: fakeAws() })
    expect(r.status).toBe('skip')
    expect(r.skipReason).toBe('not-applicable')
  })

  it('fails AccessDenied with the least-privilege policy filled with the secret ARN', async () => {
    const r = await failing(
      awsError(
        'denied',
        'AccessDeniedException',
        `User: arn:aws:sts::123456789012:assumed-role/expanso-edge/s is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET_ID} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
        { principal: 'arn:aws:sts::123456789012:assumed-role/expanso-edge/s' },
      ),
    )
    expect(findingKeys(r)).toEqual(['access-denied'])
    expect(r.symptom).toBe('permission-denied')
    expect(remedyIds(r)).toEqual(['bp.least-privilege', 'auth.verify-iam'])
    const cmd = r.remedies[0]!.commands![0]!
    expect(cmd).toContain('--role-name expanso-edge')
    expect(cmd).toContain(
      '"Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:expanso/pipeline/credentials-??????"',
    )
    expect(r.summary).toContain('assumed-role/expanso-edge/s may not read')
  })

  it('sends KMS denial and DecryptionFailure to the key policy', async () => {
    const kms = await failing(awsError('denied', 'AccessDeniedException', 'Access to KMS is not allowed'))
    expect(findingKeys(kms)).toEqual(['kms-denied'])
    expect(remedyIds(kms)).toEqual(['aws.kms-key-policy', 'auth.verify-iam'])
    expect(kms.summary).toContain('(AccessDeniedException: Access to KMS is not allowed)')
    const dec = await failing(
      awsError(
        'denied',
        'DecryptionFailure',
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      ),
    )
    expect(findingKeys(dec)).toEqual(['kms-denied'])
  })

  it('names not found, a missing AWSCURRENT, deletion and throttling', async () => {
    const nf = await failing(
      awsError('not-found', 'ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
    )
    expect(findingKeys(nf)).toEqual(['not-found'])
    expect(nf.remedies[0]?.commands?.[0]).toContain('list-secrets --region us-east-1')
    expect(remedyIds(nf)).toEqual(['auth.confirm-secret-paths', 'aws.set-region'])
    const cur = await failing(
      awsError(
        'not-found',
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      ),
    )
    expect(findingKeys(cur)).toEqual(['no-current-version'])
    expect(remedyIds(cur)).toEqual(['auth.confirm-secret-paths', 'aws.fix-rotation'])
    const del = await failing(
      awsError(
        'invalid',
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      ),
    )
    expect(findingKeys(del)).toEqual(['scheduled-deletion'])
    expect(remedyIds(del)).toEqual(['aws.restore-secret'])
    const th = await failing(awsError('throttled', 'ThrottlingException', 'Rate exceeded'))
    expect(th.status).toBe('warn')
    expect(findingKeys(th)).toEqual(['throttled'])
    expect(remedyIds(th)).toEqual(['latency.cache-locally', 'latency.retry-backoff'])
  })

  it('points at the region when an ARN from another region is not found', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:expanso/pipeline/credentials-AbCdEf'
    const r = await runCheck(check, {
      config: config({ secrets: [{ id: arn }] }),
      aws: fakeAws({
        secretValue: async () => {
          throw awsError(
            'not-found',
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          )
        },
      }),
    })
    expect(r.summary).toContain('(the ARN names eu-west-1)')
  })

  it('fails once, as the Secrets Manager endpoint, when the way there is broken', async () => {
    const SM = 'secretsmanager:GetSecretValue'
    const two = config({ secrets: [{ id: SECRET_ID }, { id: 'expanso/pipeline/other' }] })
    const run = (e: Error) =>
      runCheck(check, {
        config: two,
        aws: fakeAws({
          secretValue: async () => {
            throw e
          },
        }),
      })
    const down = await run(awsFault('no-answer', 'timeout', SM))
    expect(findingKeys(down)).toEqual(['unreachable'])
    expect(down.summary).toBe(
      'cannot reach AWS Secrets Manager: secretsmanager:GetSecretValue: no answer from sts.us-east-1.amazonaws.com:443 (timeout)',
    )
    expect(remedyIds(down)).toEqual(['aws.network-reach', 'latency.regional-endpoints'])
    const tls = await run(awsFault('tls-untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', SM))
    expect(findingKeys(tls)).toEqual(['tls'])
    expect(remedyIds(tls)).toEqual(['aws.trust-ca', 'aws.network-reach'])
    const html = await run(notAws(502, 'text/html', SM))
    expect(findingKeys(html)).toEqual(['not-aws'])
    expect(html.summary).toContain('answered HTTP 502 (text/html), not AWS Secrets Manager')
    expect(remedyIds(html)).toEqual(['aws.fix-endpoint', 'aws.network-reach'])
  })
})
