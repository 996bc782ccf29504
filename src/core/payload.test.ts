import { afterEach, describe, expect, it } from 'vitest'
import { describeObject, describeSecretText, renderedValueState, valueState } from './payload.js'
import { redact, resetRedactor } from './redact.js'

afterEach(() => resetRedactor())

describe('payload describer', () => {
  it('names each key by state, never by value', () => {
    expect(valueState('x')).toBe('set')
    expect(valueState('  ')).toBe('empty')
    expect(valueState('<no value>')).toBe('no-value')
    expect(valueState(null)).toBe('null')
    expect(valueState(42)).toBe('not-string')
    expect(renderedValueState('null')).toBe('null')
  })
  it('registers every value it sees with the redactor', () => {
    expect(describeObject({ user: 'CANARY-user-8d1e', pass: 'CANARY-pass-77aa', port: 54321 })).toEqual({
      user: 'set',
      pass: 'set',
      port: 'not-string',
    })
    expect(redact('CANARY-user-8d1e CANARY-pass-77aa 54321')).toBe('[REDACTED] [REDACTED] [REDACTED]')
  })
  it('reads a secret string as JSON keys, or as opaque text', () => {
    expect(describeSecretText('{"a":"CANARY-json-1234","b":""}')).toEqual({
      kind: 'object',
      keys: { a: 'set', b: 'empty' },
    })
    expect(describeSecretText('CANARY-plain-9876')).toEqual({ kind: 'text' })
    expect(describeSecretText('[1,2]')).toEqual({ kind: 'json-other', type: 'array' })
    expect(describeSecretText('')).toEqual({ kind: 'empty' })
    expect(redact('CANARY-json-1234 CANARY-plain-9876')).toBe('[REDACTED] [REDACTED]')
  })
})
