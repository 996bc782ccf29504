import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, awsFault, config, fakeAws } from '../../../test/fixtures/aws/fake-api.js'
import type { AwsApi } from '../../providers/aws/api.js'
import check from './least-privilege.js'

const decide = (f: (resource: string) => string): Partial<AwsApi> => ({
  simulate: async (_s, actions, resources) =>
    actions.flatMap((action) => resources.map((resource) => ({ action, resource, decision: f(resource) }))),
})

describe('aws.least-privilege', () => {
  it('passes when only the configured secrets are allowed', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws() })
    expect(r.status).toBe('pass')
  })

  it('warns when GetSecretValue is allowed on secret:*', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws(decide(() => 'allowed')) })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['over-broad'])
    expect(r.remedies[0]?.commands?.[0]).toContain('expanso/pipeline/credentials-??????')
    expect(remedyIds(r)).toEqual(['bp.least-privilege'])
  })

  it('fails when the configured secret is denied and unreadable; warns when readable anyway', async () => {
    const denied = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        ...decide(() => 'implicitDeny'),
        secretValue: async () => {
          throw awsError('denied', 'AccessDeniedException', 'denied')
        },
      }),
    })
    expect(findingKeys(denied)).toEqual(['denied-configured'])
    expect(denied.status).toBe('fail')
    expect(remedyIds(denied)).toEqual(['bp.least-privilege', 'auth.verify-iam'])
    const elsewhere = await runCheck(check, { config: config(), aws: fakeAws(decide(() => 'implicitDeny')) })
    expect(findingKeys(elsewhere)).toEqual(['granted-elsewhere'])
    expect(elsewhere.status).toBe('warn')
    expect(remedyIds(elsewhere)).toEqual(['bp.least-privilege'])
  })

  it('is not-permitted without iam:SimulatePrincipalPolicy', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        simulate: async () => {
          throw awsError('denied', 'AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy')
        },
      }),
    })
    expect(r.skipReason).toBe('not-permitted')
    expect(r.skipDetail).toContain(
      'aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/expanso-edge',
    )
  })

  it('warns, with the command to run elsewhere, when IAM cannot be reached from the node', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        simulate: async () => {
          throw awsFault('no-answer', 'timeout', 'iam:SimulatePrincipalPolicy')
        },
      }),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['iam-unreachable'])
    expect(r.summary).toContain(
      'cannot reach AWS IAM to simulate the policies of arn:aws:iam::123456789012:role/expanso-edge',
    )
    expect(r.details?.[1]).toContain('an administrator can run elsewhere: aws iam simulate-principal-policy')
    expect(remedyIds(r)).toEqual(['bp.least-privilege'])
  })
})
