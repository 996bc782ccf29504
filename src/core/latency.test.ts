import { describe, expect, it } from 'vitest'
import { fill } from './check.js'
import { latencyVars, percentile, sampleLatency, SLOW_MESSAGE, summarizeLatency } from './latency.js'

describe('latency figures', () => {
  it('uses the nearest rank', () => {
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30)
    expect(percentile([10, 20, 30, 40, 50], 95)).toBe(50)
    expect(percentile([7], 95)).toBe(7)
    expect(percentile([], 95)).toBe(0)
  })
  it('summarises an unsorted sample', () => {
    expect(summarizeLatency([400, 12, 15, 11, 13])).toMatchObject({ p50: 13, p95: 400, max: 400 })
  })
  it('samples sequentially, taking a call’s own figure when it reports one, after an optional warm-up', async () => {
    const figures = [999, 10, 20, 30]
    let calls = 0
    const s = await sampleLatency(3, async () => figures[calls++], { warmup: true })
    expect(calls).toBe(4)
    expect(s.samples).toEqual([10, 20, 30])
    expect(s).toMatchObject({ p50: 20, p95: 30, max: 30 })
  })
  it('fills the one message every latency check uses', () => {
    const s = summarizeLatency([100, 900])
    expect(fill(SLOW_MESSAGE, latencyVars(s, 500, 'GetSecretValue'))).toBe(
      'p95 latency 900 ms over 2 calls of GetSecretValue is above the 500 ms threshold',
    )
  })
})
