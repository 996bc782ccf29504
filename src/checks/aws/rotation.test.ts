import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, config, fakeAws, healthyDescription, NOW } from '../../../test/fixtures/aws/fake-api.js'
import type { AwsSecretDescription } from '../../providers/aws/api.js'
import check from './rotation.js'

const DAY = 86_400_000
const run = (d: Partial<AwsSecretDescription>, aws: Record<string, unknown> = {}) =>
  runCheck(check, {
    config: config(aws),
    now: NOW,
    aws: fakeAws({ describeSecret: async () => ({ ...healthyDescription, ...d }) }),
  })

describe('aws.rotation', () => {
  it('passes a secret rotated on schedule', async () => {
    expect((await run({})).status).toBe('pass')
  })

  it('warns when rotation is off, with the documentation command filled in', async () => {
    const r = await run({ rotationEnabled: false, rotationDays: undefined })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['disabled'])
    expect(r.remedies[0]?.commands?.[0]).toContain(
      '--secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:',
    )
    expect(r.remedies[0]?.commands?.[0]).toContain('AutomaticallyAfterDays=30')
    expect(remedyIds(r)).toEqual(['bp.rotation'])
  })

  it('warns when the period exceeds maxRotationDays', async () => {
    const r = await run({ rotationDays: 90 })
    expect(findingKeys(r)).toEqual(['period-too-long'])
    expect(r.summary).toContain('90 days')
    expect(remedyIds(r)).toEqual(['bp.rotation'])
  })

  it('fails an overdue rotation', async () => {
    const r = await run({ lastRotatedDate: new Date(NOW.getTime() - 45 * DAY) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['overdue'])
    expect(r.summary).toContain('45d')
    expect(remedyIds(r)).toEqual(['aws.fix-rotation', 'refresh.monitor-rotation'])
  })

  it('fails an overdue rotation stuck in AWSPENDING, and warns about a pending one', async () => {
    const stages = { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] }
    const stuck = await run({ lastRotatedDate: new Date(NOW.getTime() - 40 * DAY), versionStages: stages })
    expect(findingKeys(stuck)).toEqual(['overdue'])
    expect(stuck.summary).toContain('AWSPENDING')
    const pending = await run({ versionStages: stages })
    expect(pending.status).toBe('warn')
    expect(findingKeys(pending)).toEqual(['rotation-pending'])
    expect(remedyIds(pending)).toEqual(['aws.fix-rotation', 'refresh.monitor-rotation'])
  })

  it('is not-permitted when DescribeSecret is denied (the documentation policy grants only GetSecretValue)', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        describeSecret: async () => {
          throw awsError(
            'denied',
            'AccessDeniedException',
            'not authorized to perform: secretsmanager:DescribeSecret',
          )
        },
      }),
    })
    expect(r.status).toBe('skip')
    expect(r.skipReason).toBe('not-permitted')
  })
})
