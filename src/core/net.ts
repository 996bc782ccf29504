// The network toolkit every provider uses, so that the same fault reads the same for Vault, AWS, Kubernetes,
// Google and Azure, whichever client library raised it:
// - `callSignal` / `bounded`: one way to bound a call by --timeout and the run's deadline;
// - `classifyNetworkError`: refused, reset, DNS, no answer within the limit, TLS untrusted/expired/hostname/
//   protocol — from Node's errno codes, undici's, axios', the AWS SDK's and the Azure SDK's wrappings alike;
// - `httpAnswerError` / `redirectError`: an HTTP answer that is not the service's (HTML from a proxy, a 502,
//   a redirect to another host), named with its status and content type.
// The wording each fault becomes in a finding is decided here, once.
import { formatDuration } from './duration.js'
import { ProviderError, type NetworkFault, type ProviderErrorKind, type ProviderSession } from './provider.js'
import { oneLine } from './text.js'

/** The run's deadline passed or the run was interrupted: checks in flight end as `error` naming it. */
export class RunAborted extends Error {
  override readonly name = 'RunAborted'
  constructor(readonly why: string) {
    super(why)
  }
}

/** One network call used up its own time limit (the reason of the signal `callSignal` returns). */
export class CallTimeout extends Error {
  override readonly name = 'CallTimeout'
  constructor(readonly limitMs: number) {
    super(`no answer within ${formatDuration(limitMs)}`)
  }
}

/**
 * A single call's time limit: shorter than the check's own (--timeout), so that a black-holed endpoint ends
 * as the reaching check's `unreachable` finding, with time left to say so, rather than as the runner's
 * `error`. Three quarters of --timeout, at most --timeout − 1 s, never under half of it.
 */
export function callTimeoutMs(timeoutMs: number): number {
  return Math.round(Math.max(timeoutMs / 2, Math.min(timeoutMs * 0.75, timeoutMs - 1000)))
}

/** The signal one network call uses: the run's signal, or this call's own limit (reason: CallTimeout). */
export function callSignal(
  session: Pick<ProviderSession, 'signal' | 'timeoutMs'>,
  limitMs = callTimeoutMs(session.timeoutMs),
): AbortSignal {
  const own = new AbortController()
  const timer = setTimeout(() => own.abort(new CallTimeout(limitMs)), limitMs)
  timer.unref?.()
  const signal = AbortSignal.any([session.signal, own.signal])
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
  return signal
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts — for clients that take no
 * signal, or take one and keep retrying. A late rejection of `work` is swallowed.
 */
export function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {})
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** What a classified fault is about: which provider, which call, which endpoint. */
export interface CallTarget {
  readonly provider: string
  /** The call, as the finding names it: `GET sys/health`, `sts:GetCallerIdentity`, `token endpoint`. */
  readonly what: string
  /** A URL or `host:port`. */
  readonly endpoint?: string
  /** The signal the call ran under: its reason tells a per-call timeout from the run's deadline. */
  readonly signal?: AbortSignal
}

/** `https://vault.example.com:8200/v1/x` → `vault.example.com:8200`. */
export function endpointOf(urlOrHost: string | undefined): string | undefined {
  if (!urlOrHost) return undefined
  try {
    const u = new URL(urlOrHost)
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '')
    return `${u.hostname}${port ? `:${port}` : ''}`
  } catch {
    return urlOrHost
  }
}

const FAULT_CODES: readonly [NetworkFault, readonly string[]][] = [
  ['dns', ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']],
  ['refused', ['ECONNREFUSED']],
  ['reset', ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']],
  ['unreachable', ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']],
  [
    'no-answer',
    [
      'ETIMEDOUT',
      'ESOCKETTIMEDOUT',
      'ECONNABORTED',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ],
  ],
  [
    'tls-untrusted',
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'UNABLE_TO_GET_ISSUER_CERT',
      'CERT_UNTRUSTED',
      'CERT_SIGNATURE_FAILURE',
      'CERT_CHAIN_TOO_LONG',
      'INVALID_CA',
    ],
  ],
  ['tls-expired', ['CERT_HAS_EXPIRED']],
  ['tls-not-yet-valid', ['CERT_NOT_YET_VALID']],
  ['tls-hostname', ['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']],
  ['tls-protocol', ['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE_TIMEOUT']],
]

const KIND_OF: Record<NetworkFault, ProviderErrorKind> = {
  dns: 'dns',
  refused: 'refused',
  reset: 'unreachable',
  'no-answer': 'timeout',
  unreachable: 'unreachable',
  'tls-untrusted': 'tls',
  'tls-expired': 'tls',
  'tls-not-yet-valid': 'tls',
  'tls-hostname': 'tls',
  'tls-handshake': 'timeout',
  'tls-protocol': 'tls',
  'not-the-service': 'unexpected',
  redirect: 'unexpected',
}

interface ErrLike {
  readonly name?: unknown
  readonly code?: unknown
  readonly errno?: unknown
  readonly message?: unknown
  readonly cause?: unknown
  readonly errors?: unknown
  readonly reason?: unknown
}

/** Every error in a chain of wrappers: `cause`, AggregateError's `errors`, node-fetch's `reason`. */
function chain(e: unknown, depth = 0): ErrLike[] {
  if (!e || typeof e !== 'object' || depth > 6) return []
  const err = e as ErrLike
  const nested = [
    ...chain(err.cause, depth + 1),
    ...chain(err.reason, depth + 1),
    ...(Array.isArray(err.errors) ? err.errors.flatMap((x) => chain(x, depth + 1)) : []),
  ]
  return [err, ...nested]
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** An error status anywhere the client libraries put one (axios, the AWS SDK, the Azure SDK, gaxios, node-fetch). */
function hasHttpStatus(e: ErrLike): boolean {
  const x = e as {
    status?: unknown
    statusCode?: unknown
    $metadata?: { httpStatusCode?: unknown }
    response?: { status?: unknown; statusCode?: unknown }
  }
  // A 2xx whose body broke off is the way failing, not the service's verdict: only an error status counts.
  return [
    x.status,
    x.statusCode,
    x.$metadata?.httpStatusCode,
    x.response?.status,
    x.response?.statusCode,
  ].some((v) => typeof v === 'number' && v >= 300)
}

function faultOf(errs: readonly ErrLike[]): { fault: NetworkFault; code: string } | undefined {
  const codes = errs.flatMap((e) => [str(e.code), str(e.errno)]).filter(Boolean)
  for (const [fault, list] of FAULT_CODES) {
    const code = codes.find((c) => list.includes(c))
    if (code) return { fault, code }
  }
  // Words like "connection refused" in a message the service itself sent (its database refused a
  // connection) are the service's verdict, not the way to it: no text heuristics once an HTTP status is known.
  if (errs.some(hasHttpStatus)) return undefined
  const text = errs.map((e) => `${str(e.name)} ${str(e.message)}`).join(' | ')
  if (/ERR_SSL_|wrong version number|ssl3_get_record|packet length too long/i.test(text))
    return { fault: 'tls-protocol', code: /ERR_SSL_[A-Z_]+/.exec(text)?.[0] ?? 'EPROTO' }
  if (/Hostname\/IP does not match certificate/i.test(text))
    return { fault: 'tls-hostname', code: 'ERR_TLS_CERT_ALTNAME_INVALID' }
  if (
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer/i.test(text)
  )
    return { fault: 'tls-untrusted', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }
  if (/certificate has expired/i.test(text)) return { fault: 'tls-expired', code: 'CERT_HAS_EXPIRED' }
  if (/socket hang up|\baborted\b|premature close|other side closed|ECONNRESET/i.test(text))
    return { fault: 'reset', code: 'ECONNRESET' }
  if (/getaddrinfo|ENOTFOUND/i.test(text)) return { fault: 'dns', code: 'ENOTFOUND' }
  if (/ECONNREFUSED|connection refused/i.test(text)) return { fault: 'refused', code: 'ECONNREFUSED' }
  return undefined
}

/** The sentence each fault becomes, after `<what>: `. */
export function faultSentence(fault: NetworkFault, endpoint: string, code: string, limitMs?: number): string {
  switch (fault) {
    case 'dns':
      return `cannot resolve ${endpoint.replace(/:\d+$/, '')} (${code})`
    case 'refused':
      return `${endpoint} refused the connection (${code})`
    case 'reset':
      return `${endpoint} closed the connection before the answer was complete (${code})`
    case 'unreachable':
      return `no route to ${endpoint} (${code})`
    case 'no-answer':
      return `no answer from ${endpoint}${limitMs ? ` within ${formatDuration(limitMs)}` : ''} (${code})`
    case 'tls-handshake':
      return `${endpoint} accepted the connection but did not complete the TLS handshake${limitMs ? ` within ${formatDuration(limitMs)}` : ''}`
    case 'tls-untrusted':
      return `the TLS certificate of ${endpoint} is not signed by a trusted CA (${code})`
    case 'tls-expired':
      return `the TLS certificate of ${endpoint} has expired (${code})`
    case 'tls-not-yet-valid':
      return `the TLS certificate of ${endpoint} is not valid yet (${code}): check the node's clock`
    case 'tls-hostname':
      return `the TLS certificate of ${endpoint} does not name that host (${code})`
    case 'tls-protocol':
      return `TLS with ${endpoint} failed (${code}): is it serving plain HTTP on this port, or an old TLS version?`
    case 'not-the-service':
    case 'redirect':
      return `${endpoint}: ${code}`
  }
}

/**
 * Turns whatever a client threw into the ProviderError of its network fault, or returns the run's own
 * RunAborted (the deadline passed: the runner records `error` naming it), or undefined when the error is
 * not a network fault (the provider then classifies the service's own answer).
 */
export function classifyNetworkError(e: unknown, t: CallTarget): ProviderError | RunAborted | undefined {
  if (e instanceof ProviderError) return e
  if (e instanceof RunAborted) return e
  const reason: unknown = t.signal?.aborted ? t.signal.reason : undefined
  const errs = chain(e)
  const endpoint = endpointOf(t.endpoint) ?? 'the endpoint'
  if (reason instanceof RunAborted) return reason
  const timeout =
    reason instanceof CallTimeout
      ? reason
      : (errs.find((x) => x instanceof CallTimeout) as CallTimeout | undefined)
  if (timeout || (t.signal?.aborted && errs.some((x) => /Abort|Timeout/.test(str(x.name)))))
    return make(t, 'no-answer', endpoint, 'timeout', timeout?.limitMs)
  const f = faultOf(errs)
  if (!f) {
    const aborted = errs.some(
      (x) => /^(AbortError|TimeoutError)$/.test(str(x.name)) || x.code === 'ABORT_ERR',
    )
    return aborted ? make(t, 'no-answer', endpoint, 'timeout') : undefined
  }
  return make(t, f.fault, endpoint, f.code)
}

function make(t: CallTarget, fault: NetworkFault, endpoint: string, code: string, limitMs?: number) {
  return new ProviderError(
    t.provider,
    KIND_OF[fault],
    `${t.what}: ${faultSentence(fault, endpoint, code, limitMs)}`,
    { code, endpoint, call: t.what, ...(limitMs ? { limitMs } : {}) },
    fault,
  )
}

/** A fault the caller detected itself (a TLS probe that saw the handshake stall, say). */
export function networkFault(
  t: CallTarget,
  fault: NetworkFault,
  code: string,
  limitMs?: number,
): ProviderError {
  return make(t, fault, endpointOf(t.endpoint) ?? 'the endpoint', code, limitMs)
}

const STATUS_KIND = (status: number): ProviderErrorKind =>
  status === 401
    ? 'unauthenticated'
    : status === 403
      ? 'denied'
      : status === 404
        ? 'not-found'
        : status === 429
          ? 'throttled'
          : status >= 500
            ? 'unavailable'
            : status === 400
              ? 'invalid'
              : 'unexpected'

export interface HttpAnswer {
  readonly status: number
  readonly contentType?: string
  /** Retry-After, for 429 and 503. */
  readonly retryAfter?: string
  /** The service this endpoint was supposed to be: `Vault`, `AWS STS`, `the Kubernetes API`. */
  readonly service: string
}

/** `text/html; charset=utf-8` → `text/html`. */
export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() || 'no content type'

/**
 * An HTTP answer that is not what the service sends — the wrong content type (an HTML login page, a proxy's
 * error page) or a body the client could not read as the service's. Never a pass: the reaching check fails
 * with the status and content type, which is what an operator needs to find the proxy.
 */
export function httpAnswerError(t: CallTarget, a: HttpAnswer): ProviderError {
  const endpoint = endpointOf(t.endpoint) ?? 'the endpoint'
  const retry = a.retryAfter ? `, Retry-After ${oneLine(a.retryAfter, 40)}` : ''
  const sentence = `${endpoint} answered HTTP ${a.status} (${mediaType(a.contentType)}${retry}), not ${a.service}`
  return new ProviderError(
    t.provider,
    a.status >= 200 && a.status < 300 ? 'unexpected' : STATUS_KIND(a.status),
    `${t.what}: ${sentence}`,
    {
      status: a.status,
      contentType: mediaType(a.contentType),
      endpoint,
      call: t.what,
      retryAfter: a.retryAfter,
    },
    'not-the-service',
  )
}

/** The service's own HTTP error (JSON from the service itself): its status, kind and Retry-After. */
export function httpStatusError(t: CallTarget, a: HttpAnswer & { readonly message?: string }): ProviderError {
  const endpoint = endpointOf(t.endpoint) ?? 'the endpoint'
  const retry = a.retryAfter ? ` (Retry-After ${oneLine(a.retryAfter, 40)})` : ''
  return new ProviderError(
    t.provider,
    STATUS_KIND(a.status),
    `${t.what}: HTTP ${a.status}${a.message ? ` ${a.message}` : ''}${retry}`,
    { status: a.status, endpoint, call: t.what, retryAfter: a.retryAfter },
  )
}

/** A redirect to another host: credentials must not follow it, and the report says where it pointed. */
export function redirectError(t: CallTarget, status: number, location: string): ProviderError {
  const endpoint = endpointOf(t.endpoint) ?? 'the endpoint'
  const to = endpointOf(location) ?? location
  return new ProviderError(
    t.provider,
    'unexpected',
    `${t.what}: ${endpoint} redirected (HTTP ${status}) to another host, ${to}; the doctor sends no credentials there`,
    { status, endpoint, location: to, call: t.what },
    'redirect',
  )
}

/** Whether a redirect target is another origin than the endpoint that was called. */
export function isCrossOrigin(from: string, location: string): boolean {
  try {
    const a = new URL(from)
    const b = new URL(location, from)
    return a.protocol !== b.protocol || a.host !== b.host
  } catch {
    return true
  }
}
