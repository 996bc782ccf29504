import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { config, fakeAws, NOW } from '../../../test/fixtures/aws/fake-api.js'
import type { AwsCredentialReport } from '../../providers/aws/api.js'
import check from './credentials.js'

const run = (report: AwsCredentialReport) =>
  runCheck(check, { config: config(), now: NOW, aws: fakeAws({ credentials: async () => report }) })

const ABSENT: AwsCredentialReport['attempts'] = [
  { source: 'env', outcome: 'absent', detail: 'not set' },
  { source: 'profile', outcome: 'absent', detail: 'no default profile' },
  { source: 'web-identity', outcome: 'absent', detail: 'not set' },
  { source: 'container', outcome: 'absent', detail: 'not set' },
  { source: 'instance-metadata', outcome: 'disabled', detail: 'AWS_EC2_METADATA_DISABLED is set' },
]

describe('aws.credentials', () => {
  it('passes with refreshable session credentials', async () => {
    const r = await run({
      resolved: {
        source: 'web-identity',
        accessKeyId: 'ASIA1',
        temporary: true,
        refreshable: true,
        expiresAt: new Date(NOW.getTime() + 60_000),
      },
      attempts: [],
    })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('web-identity')
  })

  it('names every source tried when none resolves', async () => {
    const r = await run({ attempts: ABSENT })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['none'])
    expect(r.summary).toContain(
      'env absent, profile absent, web-identity absent, container absent, instance-metadata disabled',
    )
    expect(r.details).toHaveLength(5)
    expect(remedyIds(r)).toEqual(['aws.credential-chain', 'auth.verify-iam'])
  })

  it('names the source that failed', async () => {
    const r = await run({
      attempts: [
        ABSENT[0]!,
        { source: 'profile', outcome: 'failed', detail: 'Profile edge could not be found' },
      ],
    })
    expect(findingKeys(r)).toEqual(['source-failed'])
    expect(r.summary).toContain('profile')
    expect(r.summary).toContain('Profile edge could not be found')
    expect(remedyIds(r)).toEqual(['aws.credential-chain', 'auth.check-sa-annotations'])
  })

  it('fails expired static session credentials and warns before they expire', async () => {
    const base = { source: 'env' as const, accessKeyId: 'ASIA1', temporary: true, refreshable: false }
    const expired = await run({
      resolved: { ...base, expiresAt: new Date(NOW.getTime() - 3_600_000) },
      attempts: [],
    })
    expect(findingKeys(expired)).toEqual(['expired'])
    expect(expired.summary).toContain('1h')
    expect(remedyIds(expired)).toEqual(['aws.refresh-credentials'])
    const soon = await run({
      resolved: { ...base, expiresAt: new Date(NOW.getTime() + 60_000) },
      attempts: [],
    })
    expect(soon.status).toBe('warn')
    expect(findingKeys(soon)).toEqual(['expiring-soon'])
    expect(remedyIds(soon)).toEqual(['aws.refresh-credentials'])
  })

  it('names a token file that is not a regular file as the failed source', async () => {
    const r = await run({
      attempts: [
        ABSENT[0]!,
        ABSENT[1]!,
        {
          source: 'web-identity',
          outcome: 'failed',
          detail: '/var/run/token is a FIFO (named pipe), not a regular file: not read',
        },
      ],
    })
    expect(findingKeys(r)).toEqual(['source-failed'])
    expect(r.summary).toContain(
      'web-identity credential source is set up but failed: /var/run/token is a FIFO',
    )
    expect(remedyIds(r)).toEqual(['aws.credential-chain', 'auth.check-sa-annotations'])
  })

  it('warns about long-lived access keys', async () => {
    const r = await run({
      resolved: { source: 'profile', accessKeyId: 'AKIA1', temporary: false, refreshable: true },
      attempts: [],
    })
    expect(findingKeys(r)).toEqual(['long-lived'])
    expect(remedyIds(r)).toEqual(['bp.short-lived-credentials'])
  })
})
