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
    expect(r.summary).toBe('p50 50 ms, p95 80 ms over 5 calls')
    expect(r.details).toEqual([
      'p50 50 ms',
      'p95 80 ms',
      'max 80 ms',
      '5 calls of GET secrets/kafka-username',
    ])
  })

  it('warns when p95 is above latencyP95', async () => {
    const r = await run({ timings: [300, 320, 350, 700, 900] })
    expect([r.status, ...findingKeys(r)]).toEqual(['warn', 'slow'])
    expect(r.symptom).toBe('slow-startup')
    expect(r.summary).toBe(
      'p95 latency 900 ms over 5 calls of GET secrets/kafka-username is above the 500 ms threshold',
    )
    expect(remedyIds(r)).toEqual([
      'latency.regional-endpoints',
      'latency.cache-locally',
      'latency.use-sidecar',
    ])
  })

  it('warns when reads are throttled', async () => {
    const r = await run({
      timings: [
        40,
        azureError('throttled', 'secret kafka-username: HTTP 429 Throttled (Retry-After 1)'),
        40,
        40,
        40,
      ],
    })
    expect(findingKeys(r)).toEqual(['throttled'])
    expect(r.summary).toBe(
      '1 of 5 calls of GET secrets/kafka-username failed: HTTP 429 Throttled (Retry-After 1)',
    )
    expect(remedyIds(r)).toEqual(['latency.retry-backoff', 'latency.cache-locally'])
  })

  it('stops sampling at the first read that gets no answer, so the check ends within its limit', async () => {
    const hole = azureError(
      'timeout',
      'secret kafka-username: no answer from expanso-secrets.vault.azure.net:443 within 3.8s (timeout)',
      {},
      'no-answer',
    )
    const r = await run({ timings: [40, hole, hole, hole, hole] })
    expect(findingKeys(r)).toEqual(['throttled'])
    expect(r.summary).toContain('1 of 5 calls of GET secrets/kafka-username failed: no answer from')
    expect(r.details).toContain('sampling stopped at the first read that got no answer')
  })

  it('leaves an error it cannot judge to the runner', async () => {
    expect((await run({ timings: [azureError('denied', 'secret kafka-username: Forbidden')] })).status).toBe(
      'error',
    )
  })

  it('skips without a configured secret', async () => {
    expect((await run({}, [])).skipReason).toBe('not-applicable')
  })
})
