// The classifier against real sockets: Node's https client and undici's fetch (the two transports the
// provider SDKs sit on) each fail against each fault, and the fault must read the same for both.
import type { ServerResponse } from 'node:http'
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, startLoopbackServer, startSilentServer, type LoopbackServer } from '../sandbox/server.js'
import { createCA, issueCertificate } from '../sandbox/tls.js'
import {
  bounded,
  CallTimeout,
  callSignal,
  callTimeoutMs,
  classifyNetworkError,
  httpAnswerError,
  isCrossOrigin,
  redirectError,
  RunAborted,
} from './net.js'
import { isNetworkFault, type ProviderError } from './provider.js'

const ca = createCA()
const DAY = 86_400_000
let good: LoopbackServer
let expired: LoopbackServer
let wrongHost: LoopbackServer
let reset: LoopbackServer
let silent: Awaited<ReturnType<typeof startSilentServer>>
let refusedPort: number

beforeAll(async () => {
  const ok = (r: { res: ServerResponse }) => void r.res.end('{}')
  good = await startLoopbackServer(ok, { tls: issueCertificate(ca) })
  expired = await startLoopbackServer(ok, {
    tls: issueCertificate(ca, {
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
  })
  wrongHost = await startLoopbackServer(ok, { tls: issueCertificate(ca, { hosts: ['vault.example.com'] }) })
  reset = await startLoopbackServer(ok, {
    tls: issueCertificate(ca),
    knobs: { fault: { kind: 'reset-mid-body' } },
  })
  silent = await startSilentServer()
  refusedPort = await closedPort()
})
afterAll(async () => {
  for (const s of [good, expired, wrongHost, reset, silent]) await s.close()
})

const session = (timeoutMs = 1500) => ({ signal: new AbortController().signal, timeoutMs })

/** GET with Node's https client, the classified error (or undefined when it answered). */
async function viaHttps(url: string, ca?: string, limitMs = 1000) {
  const signal = callSignal(session(), limitMs)
  try {
    await bounded(
      new Promise<void>((resolve, reject) => {
        const req = request(url, { ca, signal }, (res) => {
          res.on('data', () => {})
          res.on('end', resolve)
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      }),
      signal,
    )
    return undefined
  } catch (e) {
    return classifyNetworkError(e, { provider: 'test', what: 'GET /', endpoint: url, signal })
  }
}

/** The same GET with fetch (undici). */
async function viaFetch(url: string, limitMs = 1000) {
  const signal = callSignal(session(), limitMs)
  try {
    const r = await fetch(url, { signal })
    await r.text()
    return undefined
  } catch (e) {
    return classifyNetworkError(e, { provider: 'test', what: 'GET /', endpoint: url, signal })
  }
}

describe('classifyNetworkError', () => {
  it('refused', async () => {
    const url = `https://127.0.0.1:${refusedPort}/`
    for (const e of [await viaHttps(url), await viaFetch(url)]) {
      expect(e).toMatchObject({ kind: 'refused', fault: 'refused' })
      expect((e as ProviderError).message).toBe(
        `GET /: 127.0.0.1:${refusedPort} refused the connection (ECONNREFUSED)`,
      )
    }
  })
  it('a TLS handshake that never completes is "no answer" within the call limit', async () => {
    const t0 = performance.now()
    const e = await viaHttps(`https://127.0.0.1:${silent.port}/`, ca.certPem, 300)
    expect(performance.now() - t0).toBeLessThan(1500)
    expect(e).toMatchObject({ kind: 'timeout', fault: 'no-answer' })
    expect((e as ProviderError).message).toContain('within 300ms')
    expect(await viaFetch(`https://127.0.0.1:${silent.port}/`, 300)).toMatchObject({ fault: 'no-answer' })
  })
  it('an untrusted certificate', async () => {
    for (const e of [await viaHttps(good.url), await viaFetch(good.url)]) {
      expect(e).toMatchObject({ kind: 'tls', fault: 'tls-untrusted' })
      expect((e as ProviderError).message).toMatch(
        /is not signed by a trusted CA \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/,
      )
    }
  })
  it('an expired certificate', async () => {
    expect(await viaHttps(expired.url, ca.certPem)).toMatchObject({ kind: 'tls', fault: 'tls-expired' })
  })
  it('a certificate for another host', async () => {
    expect(await viaHttps(wrongHost.url, ca.certPem)).toMatchObject({ kind: 'tls', fault: 'tls-hostname' })
  })
  it('a connection reset mid-body', async () => {
    const e = await viaHttps(reset.url, ca.certPem)
    expect(e).toMatchObject({ kind: 'unreachable', fault: 'reset' })
    expect((e as ProviderError).message).toContain('closed the connection before the answer was complete')
  })
  it('a healthy endpoint is no fault', async () => {
    expect(await viaHttps(good.url, ca.certPem)).toBeUndefined()
  })
  it("returns the run's own abort (the deadline) for the runner to record, never a finding", async () => {
    const run = new AbortController()
    run.abort(new RunAborted("the run's deadline (1s) passed"))
    const signal = callSignal({ signal: run.signal, timeoutMs: 5000 })
    const e = classifyNetworkError(new Error('aborted'), { provider: 't', what: 'x', signal })
    expect(e).toBeInstanceOf(RunAborted)
  })
  it('is not a network fault when the service answered (the provider classifies that)', () => {
    expect(
      classifyNetworkError(new Error('AccessDeniedException'), { provider: 't', what: 'x' }),
    ).toBeUndefined()
  })
})

describe('answers that are not the service', () => {
  it('name the status and content type and are never a pass', () => {
    const e = httpAnswerError(
      { provider: 'aws', what: 'sts:GetCallerIdentity', endpoint: 'http://127.0.0.1:4566/' },
      { status: 200, contentType: 'text/html; charset=utf-8', service: 'AWS STS' },
    )
    expect(e.message).toBe('sts:GetCallerIdentity: 127.0.0.1:4566 answered HTTP 200 (text/html), not AWS STS')
    expect(isNetworkFault(e)).toBe(true)
    expect(e.fault).toBe('not-the-service')
  })
  it('carry Retry-After', () => {
    const e = httpAnswerError(
      { provider: 'vault', what: 'GET sys/health', endpoint: 'https://v:8200' },
      { status: 429, contentType: 'text/html', retryAfter: '30', service: 'Vault' },
    )
    expect(e.kind).toBe('throttled')
    expect(e.message).toContain('Retry-After 30')
  })
  it('a redirect to another host is named, and only another origin counts', () => {
    expect(isCrossOrigin('https://v:8200/v1/x', '/v1/y')).toBe(false)
    expect(isCrossOrigin('https://v:8200/v1/x', 'https://evil:8200/v1/x')).toBe(true)
    expect(isCrossOrigin('https://v:8200/', 'http://v:8200/')).toBe(true)
    const e = redirectError(
      { provider: 'vault', what: 'GET sys/health', endpoint: 'https://v:8200' },
      307,
      'https://evil:9/x',
    )
    expect(e.message).toBe(
      'GET sys/health: v:8200 redirected (HTTP 307) to another host, evil:9; the doctor sends no credentials there',
    )
  })
})

describe('bounding calls', () => {
  it('gives each call three quarters of --timeout, at most a second less, never under half', () => {
    expect(callTimeoutMs(5000)).toBe(3750)
    expect(callTimeoutMs(2000)).toBe(1000)
    expect(callTimeoutMs(1000)).toBe(500)
    expect(callTimeoutMs(10_000)).toBe(7500)
  })
  it('a call that never settles ends with CallTimeout at its limit', async () => {
    const signal = callSignal(session(), 50)
    await expect(bounded(new Promise(() => {}), signal)).rejects.toBeInstanceOf(CallTimeout)
  })
})
