import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeGcp, gerr, type FakeGcp } from '../../../test/fixtures/gcp/fake-api.js'
import check from './rotation.js'

const S = 'expanso-pipeline-credentials'
const NOW = new Date('2026-11-27T12:00:00Z')
const DAY = 86_400_000
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString()
const scheduled = {
  name: `projects/1/secrets/${S}`,
  topics: ['projects/my-project/topics/secret-rotation'],
  rotation: { nextRotationTime: iso(5 * DAY), rotationPeriodSeconds: 30 * 86400 },
}
const fresh = {
  name: `projects/1/secrets/${S}/versions/7`,
  version: '7',
  state: 'ENABLED' as const,
  createTime: iso(-10 * DAY),
}
const run = (f: FakeGcp) =>
  runCheck(check, {
    config: { gcp: { project: 'my-project', secrets: [{ name: S }] } },
    gcp: fakeGcp(f),
    now: NOW,
  })

describe('gcp.rotation', () => {
  it('passes with a schedule and a fresh newest version', async () => {
    const r = await run({ secret: { [S]: scheduled }, version: { [S]: fresh } })
    expect(r.status).toBe('pass')
    expect(r.details?.[0]).toMatch(/every 30d/)
  })

  it('no-rotation', async () => {
    const r = await run({ secret: { [S]: { name: S, topics: [] } } })
    expect(findingKeys(r)).toEqual(['no-rotation'])
    expect(r.status).toBe('warn')
    expect(remedyIds(r)).toEqual(['bp.rotation', 'gcp.rotation-schedule'])
    expect(r.remedies[1]?.commands?.[0]).toMatch(
      /^gcloud secrets update expanso-pipeline-credentials --project my-project --add-topics/,
    )
  })

  it('rotation-overdue: the notification was never sent', async () => {
    const r = await run({
      secret: { [S]: { ...scheduled, rotation: { ...scheduled.rotation, nextRotationTime: iso(-3 * DAY) } } },
      version: { [S]: fresh },
    })
    expect(findingKeys(r)).toEqual(['rotation-overdue'])
    expect(r.summary).toBe(`${S}: next rotation was due 3d ago and has not happened`)
    expect(remedyIds(r)).toEqual(['gcp.rotation-handler', 'refresh.monitor-rotation'])
  })

  it('stale-version: notifications that no handler acted on', async () => {
    const r = await run({
      secret: { [S]: scheduled },
      version: { [S]: { ...fresh, createTime: iso(-75 * DAY) } },
    })
    expect(findingKeys(r)).toEqual(['stale-version'])
    expect(r.summary).toBe(`${S}: newest version 7 is 75d old, longer than its rotation period of 30d`)
    expect(remedyIds(r)).toEqual(['gcp.rotation-handler', 'refresh.monitor-rotation'])
  })

  it('expiring: the secret will be deleted', async () => {
    const r = await run({
      secret: { [S]: { ...scheduled, expireTime: iso(3 * DAY) } },
      version: { [S]: fresh },
    })
    expect(findingKeys(r)).toEqual(['expiring'])
    expect(remedyIds(r)).toEqual(['gcp.extend-expiry'])
  })

  it('is not-permitted for an identity with access only', async () => {
    const r = await run({
      secret: {
        [S]: gerr('denied', "Permission 'secretmanager.secrets.get' denied", {
          reason: 'IAM_PERMISSION_DENIED',
        }),
      },
    })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-permitted' })
    expect(r.skipDetail).toMatch(/roles\/secretmanager.viewer/)
  })
})
