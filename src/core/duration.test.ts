import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration, parseGoDuration, parseHclDuration } from './duration.js'

describe('durations', () => {
  it.each([
    ['90m', 5_400_000],
    ['5s', 5000],
    ['1500ms', 1500],
    ['14d', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1h0m0s', 3_600_000],
    ['0', 0],
    ['1w', 604_800_000],
  ])('%s = %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms))
  it.each(['', 'ten minutes', '5', '5 s', 'm5', '1h-5m'])('%j is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  )
  it('formats for people', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(5_400_000)).toBe('1h 30m')
    expect(formatDuration(-600_000)).toBe('-10m')
    expect(formatDuration(90_061_000)).toBe('1d 1h')
  })
  it.each([
    ['1h0m0s', 3_600_000],
    ['15m', 900_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['0', 0],
    ['-5m', -300_000],
  ])('Go duration %s = %i ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms))
  it.each(['1d', '5', '', 'h'])('%j is not a Go duration', (text) =>
    expect(parseGoDuration(text)).toBeUndefined(),
  )
  it('HCL durations: seconds as a number or numeric string, or a Go string (Vault also takes days)', () => {
    expect(parseHclDuration(300)).toBe(300_000)
    expect(parseHclDuration('300')).toBe(300_000)
    expect(parseHclDuration('5m')).toBe(300_000)
    expect(parseHclDuration('1d')).toBe(86_400_000)
    expect(parseHclDuration('soon')).toBeUndefined()
    expect(parseHclDuration(-1)).toBeUndefined()
  })
})
