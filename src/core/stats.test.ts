import { describe, expect, it } from 'vitest'
import { latencySummary, percentile } from './stats.js'

describe('latency figures', () => {
  it('uses the nearest rank', () => {
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30)
    expect(percentile([10, 20, 30, 40, 50], 95)).toBe(50)
    expect(percentile([7], 95)).toBe(7)
    expect(percentile([], 95)).toBe(0)
  })
  it('summarises an unsorted sample', () => {
    expect(latencySummary([400, 12, 15, 11, 13])).toEqual({ p50: 13, p95: 400, max: 400 })
  })
})
