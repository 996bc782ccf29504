import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { azureError, fakeAzure, type FakeAzure } from '../../../test/fixtures/azure/fake-api.js'
import check from './latency.js'

const run = (f: FakeAzure, secrets = [{ name: 'kafka-username' }]) =>
  runCheck(check, {
    config: {
      azure: { vaultUrl: 'https://expanso-secrets.vault.azure.net', secrets },
      thresholds: { latencyP95: '500ms', latencySamples: 5 },
    },
    azure: fakeAzure(f),
  })

describe('azure.latency', () => {
  it('passes under the p95 threshold', async () => {
    const r = await run({ timings: [40, 45, 50, 60, 80] })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('p95 80ms over 5 reads (threshold 500ms)')
  })

  it('warns when p95 is above latencyP95', async () => {
    const r = await run({ timings: [300, 320, 350, 700, 900] })
    expect([r.status, ...findingKeys(r)]).toEqual(['warn', 'slow'])
    expect(r.symptom).toBe('slow-startup')
    expect(r.summary).toContain('p95 read latency 900ms is above 500ms')
    expect(remedyIds(r)).toEqual([
      'latency.regional-endpoints',
      'latency.cache-locally',
      'latency.use-sidecar',
    ])
  })

  it('warns when reads are throttled', async () => {
    const r = await run({
      timings: [40, azureError('throttled', 'secret kafka-username: Throttled'), 40, 40, 40],
    })
    expect(findingKeys(r)).toEqual(['throttled'])
    expect(r.summary).toContain('1 of 5 reads')
  })

  it('skips without a configured secret', async () => {
    expect((await run({}, [])).skipReason).toBe('not-applicable')
  })
})
