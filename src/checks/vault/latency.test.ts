import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import check from './latency.js'

describe('vault.latency', () => {
  it('passes fast reads', async () => {
    const r = await runCheck(check, {
      vault: fakeVault(),
      config: { thresholds: { latencyP95: '200ms', latencySamples: 5 } },
    })
    expect(r.status).toBe('pass')
  })
  it('warns with p50/p95/max when slow', async () => {
    const times = [400, 410, 405, 420, 450]
    let i = 0
    const r = await runCheck(check, {
      vault: fakeVault({ sampleRead: async () => times[i++ % times.length] ?? 0 }),
      config: { thresholds: { latencyP95: '200ms', latencySamples: 5 } },
    })
    expect(findingKeys(r)).toEqual(['slow'])
    expect(remedyIds(r)).toEqual(['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'])
    expect(r.details).toEqual(expect.arrayContaining(['p50 410 ms', 'p95 450 ms', 'max 450 ms']))
    expect(r.summary).toBe(
      'p95 latency 450 ms over 5 calls of secret/data/expanso/prod/pipeline is above the 200 ms threshold',
    )
  })
})
