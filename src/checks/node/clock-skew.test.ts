import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { RunRecorder } from '../../core/recorder.js'
import check from './clock-skew.js'
import { NOW } from '../../../test/fixtures/node/fake-api.js'

const recorder = (...obs: [source: string, skewMs: number, rejected?: string][]) => {
  const r = new RunRecorder()
  for (const [source, skew, rejected] of obs)
    r.observeClock({ source, serverTime: new Date(NOW.getTime() + skew), localTime: NOW, rejected })
  return r
}

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.clock-skew', () => {
  it('passes when every server agrees, listing the sources', async () => {
    const r = await run(check, { recorder: recorder(['vault', 1200], ['aws sts', -800]) })
    expect(r).toMatchObject({ status: 'pass', summary: 'local clock within 1s of vault, aws sts' })
    expect(r.details).toEqual(['vault: local clock is 1s behind', 'aws sts: local clock is 800ms ahead'])
  })

  it('fails at the fail threshold, naming the source and the direction', async () => {
    const r = await run(check, { recorder: recorder(['aws sts', 10 * 60_000]) })
    expect(r).toMatchObject({
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      summary: 'aws sts: local clock is 10m behind (fail threshold 5m)',
    })
    expect(findingKeys(r)).toEqual(['skew'])
    expect(r.details).toEqual(['aws sts: local clock is 10m behind'])
    expect(remedyIds(r)).toEqual(['node.sync-clock'])
  })

  it('fails when a server refused a request for the skew itself', async () => {
    const r = await run(check, {
      recorder: recorder(['aws sts', 40_000, 'Signature expired: 20261127T115000Z is now earlier than …']),
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['rejected'])
    expect(remedyIds(r)).toEqual(['node.sync-clock'])
    expect(r.summary).toMatch(/^aws sts refused a request because of the clock: Signature expired/)
  })

  it('warns between the thresholds, and says which servers agree with the local clock', async () => {
    const r = await run(check, {
      config: { thresholds: { clockSkewWarn: '30s', clockSkewFail: '5m' } },
      recorder: recorder(['vault', -90_000], ['kubernetes', 500]),
    })
    expect(r).toMatchObject({
      status: 'warn',
      severity: 'medium',
      summary:
        'vault: local clock is 1m 30s ahead (warn threshold 30s; at 5m signed requests and token logins fail)',
    })
    expect(findingKeys(r)).toEqual(['drift'])
    expect(remedyIds(r)).toEqual(['node.sync-clock'])
    expect(r.details).toContain(
      'kubernetes agrees with the local clock: a server that disagrees may be the one that is off',
    )
  })

  it("takes each source's smallest skew: a cached Date header only adds apparent skew", async () => {
    const r = await run(check, { recorder: recorder(['vault', 10 * 60_000], ['vault', 2000]) })
    expect(r.status).toBe('pass')
  })

  it('skips when no provider is configured to compare with', async () => {
    const r = await run(check, { config: {} })
    expect(r).toMatchObject({
      status: 'skip',
      skipReason: 'not-applicable',
      skipDetail: 'no provider answered; nothing to compare the clock with',
    })
  })

  it('skips, saying why, when providers are configured but none answered', async () => {
    const r = await run(check, {
      config: { vault: { address: 'https://v:8200' }, aws: { region: 'us-east-1' } },
    })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(r.skipDetail).toBe(
      'no server time to compare with: vault, aws are configured but none answered (unreachable, or their checks were skipped)',
    )
  })

  it('is skip: offline under --offline when providers are configured, and not-applicable when none is', async () => {
    const offline = await run(check, { config: { vault: { address: 'https://v:8200' } }, offline: true })
    expect(offline).toMatchObject({
      status: 'skip',
      skipReason: 'offline',
      skipDetail: 'no server time to compare with under --offline: vault is configured',
    })
    const nothing = await run(check, { config: {}, offline: true })
    expect(nothing).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
  })

  it('runs last and makes no calls of its own', () => {
    expect(check.runsLast).toBe(true)
    expect(check.network).toBe(false)
    expect(check.category).toBe('clock')
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
