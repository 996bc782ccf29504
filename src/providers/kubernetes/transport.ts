// One request to the Kubernetes API, and everything that can go wrong on the way, named once:
// - the credentials and TLS agent auth.ts made from the kubeconfig, the call's own time limit
//   (`callSignal`, counted once the credentials are ready), and the server's `Date` for node.clock-skew;
// - a fault on the way (refused, reset, DNS, no answer, TLS) through the shared classifier, and a TLS
//   handshake that never completes told apart from a server that never answers;
// - an answer that is not the API server's — an HTML page, a proxy's 502, a body that is not JSON or not
//   the object asked for, a body over the cap — named with its status and content type, never a pass;
// - a redirect is never followed: to another host it is reported, and the bearer token stays here;
// - the API server's own errors (`Status` objects) as the ProviderError of their status.
// Request bodies the doctor sends are reviews; response bodies never reach a message (Secrets are in them).
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import {
  CallTimeout,
  RunAborted,
  callSignal,
  classifyNetworkError,
  httpAnswerError,
  httpStatusError,
  isCrossOrigin,
  mediaType,
  networkFault,
  redirectError,
  type CallTarget,
} from '../../core/net.js'
import { ProviderError } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import type { Connection, Session } from './auth.js'

const SERVICE = 'the Kubernetes API'
/** Far above any page of 500 objects; a body this large is not the API server's answer to a list. */
export const MAX_BODY_BYTES = 32 << 20

export interface Call {
  /** How findings name the call: `GET /version`, `list pods`, `SelfSubjectAccessReview list secrets`. */
  readonly what: string
  readonly method?: 'GET' | 'POST'
  /** Path and query below the server URL: `/api/v1/namespaces/x/pods?limit=500`. */
  readonly path: string
  readonly body?: unknown
  /** Whether a JSON object is what the API server answers to this call (`kind`, the fields read). */
  readonly expect: (json: Record<string, unknown>) => boolean
}

interface Answer {
  readonly status: number
  readonly headers: IncomingMessage['headers']
  readonly body: Buffer
  readonly sentAt: Date
}

/** Sends one call; resolves with the API server's JSON answer, or rejects with a ProviderError or RunAborted. */
export async function send(conn: Connection, session: Session, call: Call): Promise<Record<string, unknown>> {
  const url = `${conn.server.replace(/\/+$/, '')}${call.path}`
  // Credentials first (an exec plugin has its own limit): the call's limit is the endpoint's time alone.
  const options = await requestOptions(conn, call)
  const signal = callSignal(session)
  const target: CallTarget = { provider: 'kubernetes', what: call.what, endpoint: conn.server, signal }
  const answer = await exchange(url, options, call.body, signal, target)
  const json = judge(answer, url, call, target)
  session.recorder.observeDate('kubernetes', answer.headers.date, answer.sentAt, new Date())
  return json
}

interface RequestOptions {
  readonly method: string
  readonly headers: Record<string, string>
  readonly agent?: Agent
}

async function requestOptions(conn: Connection, call: Call): Promise<RequestOptions> {
  const auth = await conn.authorize()
  const headers: Record<string, string> = { accept: 'application/json', ...auth.headers }
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  return { method: call.method ?? 'GET', headers, agent: auth.agent }
}

/** The HTTP exchange itself: the answer, or the classified fault. */
function exchange(
  url: string,
  options: RequestOptions,
  body: unknown,
  signal: AbortSignal,
  target: CallTarget,
): Promise<Answer> {
  const tls = url.startsWith('https:')
  const progress = { connected: false, secured: false }
  const sentAt = new Date()
  return new Promise<Answer>((resolve, reject) => {
    const fail = (e: unknown) => reject(faultOf(e, tls, progress, signal, target))
    if (signal.aborted) return fail(signal.reason)
    // Whatever the request is doing (connecting, handshaking, waiting, reading), the limit ends it.
    signal.addEventListener('abort', () => fail(signal.reason), { once: true })
    const req = (tls ? httpsRequest : httpRequest)(url, { ...options, signal }, (res) =>
      readBody(res, target).then(
        (b) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, sentAt }),
        fail,
      ),
    )
    req.on('socket', (s: Socket) => {
      if (!s.connecting) progress.connected = true
      s.once('connect', () => (progress.connected = true))
      s.once('secureConnect', () => (progress.secured = true))
    })
    req.on('error', fail)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

function readBody(res: IncomingMessage, target: CallTarget): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? 0)
  const tooLarge = () =>
    httpAnswerError(target, {
      status: res.statusCode ?? 0,
      contentType: res.headers['content-type'],
      service: `${SERVICE} (over ${MAX_BODY_BYTES >> 20} MiB)`,
    })
  if (declared > MAX_BODY_BYTES) {
    res.destroy()
    return Promise.reject(tooLarge())
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    res.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        res.destroy()
        reject(tooLarge())
      } else chunks.push(c)
    })
    res.on('end', () => resolve(Buffer.concat(chunks)))
    res.on('error', reject)
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })))
  })
}

function faultOf(
  e: unknown,
  tls: boolean,
  progress: { connected: boolean; secured: boolean },
  signal: AbortSignal,
  target: CallTarget,
): Error {
  if (e instanceof ProviderError || e instanceof RunAborted) return e
  const reason: unknown = signal.aborted ? signal.reason : undefined
  // Connected, never secured: the server took the connection and never finished the handshake.
  if (reason instanceof CallTimeout && tls && progress.connected && !progress.secured)
    return networkFault(target, 'tls-handshake', 'ERR_TLS_HANDSHAKE_TIMEOUT', reason.limitMs)
  const classified = classifyNetworkError(e, target)
  if (classified) return classified
  const text = oneLine(String((e as Error | undefined)?.message ?? e), 300)
  return new ProviderError('kubernetes', 'unexpected', `${target.what}: ${text}`, { call: target.what })
}

const isJsonType = (type: string) => type === 'application/json' || type.endsWith('+json')

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'))
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The API server's JSON answer, or the error the answer amounts to. */
function judge(a: Answer, url: string, call: Call, target: CallTarget): Record<string, unknown> {
  const contentType = a.headers['content-type']
  const type = mediaType(contentType)
  const retryAfter = header(a.headers['retry-after'])
  const notTheApi = () =>
    httpAnswerError(target, { status: a.status, contentType, retryAfter, service: SERVICE })
  if (a.status >= 300 && a.status < 400) {
    const location = header(a.headers.location)
    if (location && isCrossOrigin(url, location))
      throw redirectError(target, a.status, new URL(location, url).href)
    throw notTheApi()
  }
  const json = isJsonType(type) ? parseObject(a.body) : undefined
  if (a.status >= 200 && a.status < 300) {
    if (!json || !call.expect(json)) throw notTheApi()
    return json
  }
  if (json?.kind === 'Status') throw statusError(a.status, json, retryAfter, target)
  // The API server's own answer for a path it does not serve (a group that is not installed).
  if (a.status === 404 && type === 'text/plain')
    throw new ProviderError('kubernetes', 'not-found', `${call.what}: 404 page not found`, {
      status: 404,
      call: call.what,
    })
  throw notTheApi()
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)

/** A `Status` object: the API server's verdict (401, 403 with the user it names, 404, 429, 5xx). */
function statusError(
  status: number,
  s: Record<string, unknown>,
  retryAfter: string | undefined,
  target: CallTarget,
): ProviderError {
  const message = oneLine(typeof s.message === 'string' ? s.message : '', 300)
  const e = httpStatusError(target, { status, retryAfter, service: SERVICE, message })
  return new ProviderError('kubernetes', e.kind, e.message, {
    ...e.facts,
    reason: typeof s.reason === 'string' ? s.reason : undefined,
    principal: /User "([^"]+)"/.exec(message)?.[1],
  })
}
