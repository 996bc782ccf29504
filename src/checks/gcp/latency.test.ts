import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeGcp } from '../../../test/fixtures/gcp/fake-api.js'
import check from './latency.js'

const config = (latencyP95 = '500ms') => ({
  gcp: { project: 'my-project', secrets: [{ name: 's' }] },
  thresholds: { latencyP95, latencySamples: 5 },
})

describe('gcp.latency', () => {
  it('passes under the budget', async () => {
    const gcp = fakeGcp({ latencies: [20, 30, 25, 22, 40] })
    const r = await runCheck(check, { config: config(), gcp })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('p50 25 ms, p95 40 ms over 5 calls')
    expect(gcp.calls.filter((c: string) => c === 'time s')).toHaveLength(5)
  })

  it('slow: p95 above the budget', async () => {
    const r = await runCheck(check, {
      config: config('100ms'),
      gcp: fakeGcp({ latencies: [50, 60, 70, 80, 900] }),
    })
    expect(findingKeys(r)).toEqual(['slow'])
    expect(r.status).toBe('warn')
    expect(r.summary).toBe(
      'p95 latency 900 ms over 5 calls of AccessSecretVersion on s is above the 100 ms threshold',
    )
    expect(remedyIds(r)).toEqual([
      'latency.regional-endpoints',
      'latency.cache-locally',
      'latency.use-sidecar',
    ])
  })

  it('skips without secrets', async () => {
    const r = await runCheck(check, { config: { gcp: { project: 'p' } }, gcp: fakeGcp() })
    expect(r.skipReason).toBe('not-applicable')
  })
})
