// The gcp provider's pure parts: how SDK errors of both transports become ProviderError facts, and how a
// payload becomes key states without its values.
import { describe, expect, it } from 'vitest'
import { redact, resetRedactor } from '../../src/core/redact.js'
import { classifyApiError } from '../../src/providers/gcp/errors.js'
import { describePayload } from '../../src/providers/gcp/secrets.js'

const R = 'projects/p/secrets/s/versions/latest'

describe('classifyApiError', () => {
  it('reads a REST-fallback GaxiosError (code = HTTP status, message = JSON body)', () => {
    const body = {
      error: {
        code: 403,
        message: `Permission 'secretmanager.versions.access' denied for resource '${R}' (or it may not exist).`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            domain: 'secretmanager.googleapis.com',
            metadata: { permission: 'secretmanager.versions.access', resource: R },
          },
        ],
      },
    }
    const e = classifyApiError(Object.assign(new Error(JSON.stringify(body)), { code: 403, status: 403 }), R)
    expect(e.kind).toBe('denied')
    expect(e.facts).toMatchObject({ status: 403, code: 'PERMISSION_DENIED', reason: 'IAM_PERMISSION_DENIED' })
    expect(e.message).toBe(body.error.message)
  })

  it('reads a gRPC GoogleError (numeric code, ErrorInfo on the error)', () => {
    const e = classifyApiError(
      Object.assign(new Error('7 PERMISSION_DENIED: Secret Manager API has not been used'), {
        code: 7,
        reason: 'SERVICE_DISABLED',
        domain: 'googleapis.com',
      }),
      R,
    )
    expect(e.kind).toBe('denied')
    expect(e.facts).toMatchObject({ status: 403, code: 'PERMISSION_DENIED', reason: 'SERVICE_DISABLED' })
  })

  it('reads the version and state out of FAILED_PRECONDITION', () => {
    const e = classifyApiError(
      Object.assign(
        new Error(
          JSON.stringify({
            error: {
              code: 400,
              message: 'Secret Version [projects/1/secrets/s/versions/7] is in DESTROYED state.',
              status: 'FAILED_PRECONDITION',
            },
          }),
        ),
        { code: 400 },
      ),
      R,
    )
    expect(e.kind).toBe('invalid')
    expect(e.facts).toMatchObject({ version: '7', versionState: 'DESTROYED' })
  })

  it('maps 429 and 5xx to throttled and unavailable', () => {
    const err = (code: number) =>
      Object.assign(new Error('{"error":{"code":' + code + ',"message":"m"}}'), { code })
    expect(classifyApiError(err(429), R).kind).toBe('throttled')
    expect(classifyApiError(err(503), R).kind).toBe('unavailable')
  })
})

describe('describePayload', () => {
  it('returns key states and registers every value with the redactor', () => {
    resetRedactor()
    const data = new TextEncoder().encode(
      JSON.stringify({ user: 'svc-user', pass: 'p4ss-canary-1', empty: '', nothing: null, nested: { a: 1 } }),
    )
    expect(describePayload(data)).toEqual({
      bytes: data.length,
      format: 'json-object',
      keys: { user: 'set', pass: 'set', empty: 'empty', nothing: 'null', nested: 'not-string' },
    })
    expect(redact('x p4ss-canary-1 svc-user')).toBe('x [REDACTED] [REDACTED]')
  })

  it('tells text, JSON that is not an object, and empty payloads apart', () => {
    expect(describePayload(new TextEncoder().encode('KAFKA_PASSWORD=abcdef')).format).toBe('text')
    expect(redact('abcdef')).toBe('[REDACTED]')
    expect(describePayload(new TextEncoder().encode('[1,2]')).format).toBe('json-other')
    expect(describePayload(new Uint8Array()).format).toBe('empty')
  })
})
