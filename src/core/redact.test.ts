import { afterEach, describe, expect, it } from 'vitest'
import { guardStream, redact, redactDeep, registerSecret, resetRedactor, writeOwn } from './redact.js'

afterEach(() => resetRedactor())

describe('redact', () => {
  it('masks registered values wherever they appear, longest first', () => {
    registerSecret('hunter22')
    registerSecret('hunter22-and-more')
    expect(redact('a=hunter22-and-more b=hunter22')).toBe('a=[REDACTED] b=[REDACTED]')
  })
  it('ignores values too short to be secrets', () => {
    registerSecret('on')
    expect(redact('connection on')).toBe('connection on')
  })
  it('masks values of 4 to 7 characters only as whole tokens, so report words survive a short secret', () => {
    registerSecret('node')
    registerSecret('Zq7x')
    registerSecret('pass')
    expect(redact('node.env-vars on the node: bad value Zq7x, "Zq7x"; 3 passed')).toBe(
      'node.env-vars on the [REDACTED]: bad value [REDACTED], "[REDACTED]"; 3 passed',
    )
  })
  it('masks values of 8 characters or more wherever they appear', () => {
    registerSecret('Zq7xWv9k')
    expect(redact('prefixZq7xWv9ksuffix')).toBe('prefix[REDACTED]suffix')
  })
  it('escapes regex characters in values', () => {
    registerSecret('p@ss.w*rd(1)')
    expect(redact('x p@ss.w*rd(1) y')).toBe('x [REDACTED] y')
  })
  it('masks secret shapes nobody registered', () => {
    expect(redact('token hvs.CAESIJ3lTn0aKxYQ0H8aW5hbWVzcGFjZQ rest')).toBe('token [REDACTED] rest')
    expect(redact('Authorization: Bearer abc.def.ghi')).toBe('Authorization: [REDACTED]')
    expect(redact('X-Vault-Token: s.abcdef123456')).toBe('X-Vault-Token: [REDACTED]')
    expect(redact('jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZw')).toBe('jwt [REDACTED]')
    expect(redact('https://user:pa55word@vault.example.com')).toBe(
      'https://user:[REDACTED]@vault.example.com',
    )
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[REDACTED]')
  })
  it('redacts every string of a report-like value', () => {
    registerSecret('CANARY-deep-1')
    expect(redactDeep({ a: ['x CANARY-deep-1'], b: { c: 'CANARY-deep-1' }, n: 3 })).toEqual({
      a: ['x [REDACTED]'],
      b: { c: '[REDACTED]' },
      n: 3,
    })
  })
})

describe('guardStream', () => {
  it('redacts what any library writes to a guarded stream', async () => {
    const { PassThrough } = await import('node:stream')
    const s = new PassThrough()
    let out = ''
    s.on('data', (d: Buffer) => (out += d.toString()))
    guardStream(s)
    guardStream(s)
    registerSecret('CANARY-stream-77')
    s.write('debug: header x-vault-token: hvs.AAAAAAAAAAAAAAAAAAAAAAAA and CANARY-stream-77\n')
    s.write(Buffer.from('buffer CANARY-stream-77\n'))
    expect(out).toBe('debug: header x-vault-token: [REDACTED] and [REDACTED]\nbuffer [REDACTED]\n')
  })
  it("lets the doctor's own, already redacted document through untouched", async () => {
    const { PassThrough } = await import('node:stream')
    const s = new PassThrough()
    let out = ''
    s.on('data', (d: Buffer) => (out += d.toString()))
    guardStream(s)
    registerSecret('"status": "pass",')
    const doc = '{\n  "status": "pass",\n  "id": "x"\n}\n'
    writeOwn(s, doc)
    expect(out).toBe(doc)
  })
})
