import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, config, fakeAws, SECRET_ID } from '../../../test/fixtures/aws/fake-api.js'
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
    expect(remedyIds(kms)[0]).toBe('aws.kms-key-policy')
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
    const cur = await failing(
      awsError(
        'not-found',
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      ),
    )
    expect(findingKeys(cur)).toEqual(['no-current-version'])
    const del = await failing(
      awsError(
        'invalid',
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      ),
    )
    expect(findingKeys(del)).toEqual(['scheduled-deletion'])
    const th = await failing(awsError('throttled', 'ThrottlingException', 'Rate exceeded'))
    expect(th.status).toBe('warn')
    expect(findingKeys(th)).toEqual(['throttled'])
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
})
