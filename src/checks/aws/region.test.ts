import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { config, fakeAws } from '../../../test/fixtures/aws/fake-api.js'
import check from './region.js'

describe('aws.region', () => {
  it('passes with a region and a secret name', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws() })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('us-east-1')
  })

  it('fails when no region is set, suggesting the ARN region', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:expanso/pipeline/credentials-AbCdEf'
    const r = await runCheck(check, {
      config: config({ region: undefined, secrets: [{ id: arn }] }),
      aws: fakeAws({ region: async () => ({ source: 'none' }) }),
    })
    expect(findingKeys(r)).toEqual(['unset'])
    expect(r.remedies[0]?.commands?.[0]).toBe('export AWS_REGION=eu-west-1')
    expect(remedyIds(r)).toEqual(['aws.set-region'])
  })

  it('fails a secret ARN in another region', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:expanso/pipeline/credentials-AbCdEf'
    const r = await runCheck(check, { config: config({ secrets: [{ id: arn }] }), aws: fakeAws() })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['secret-in-other-region'])
    expect(r.summary).toContain('eu-west-1')
    expect(remedyIds(r)).toEqual(['aws.set-region', 'auth.confirm-secret-paths'])
  })
})
