// Every HTTP exchange of the gcp provider — the token endpoint, the metadata server and Secret Manager — goes
// through gaxios, the HTTP stack of the Google client libraries (so HTTPS_PROXY/NO_PROXY apply as they do for
// the agent), and through one gate here:
// - each call is bounded by its own limit and the run's deadline (`callSignal`, `bounded`);
// - a fault on the way is classified by the core (`classifyNetworkError`), a stalled TLS handshake included;
// - redirects are never followed: one to another host is a `redirectError`, and no token goes there;
// - an answer is read up to a cap, so a runaway body cannot exhaust the node;
// - the server's `Date` header is recorded for node.clock-skew.
// What an answer means is the caller's business; `notTheService` names one that is not the service it called.
import { Readable } from 'node:stream'
import type { gaxios as Gaxios } from 'google-auth-library'
import { formatBytes } from '../../core/files.js'
import {
  bounded,
  callSignal,
  classifyNetworkError,
  endpointOf,
  httpAnswerError,
  isCrossOrigin,
  mediaType,
  networkFault,
  redirectError,
  RunAborted,
  type CallTarget,
} from '../../core/net.js'
import { once, ProviderError, type ProviderSession } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import { connectionAgents, handshakePending } from './handshake.js'
import { loadAuth } from './sdk.js'

/** A service the provider calls, as findings and the clock check name it. */
export interface GcpTarget {
  /** The call, first in a finding: `token endpoint`, `Secret Manager AccessSecretVersion`. */
  readonly what: string
  /** What the endpoint should have been, for an answer that is not it. */
  readonly service: string
  /** The `Date` header's source, for node.clock-skew. */
  readonly source: string
}

export interface HttpReply {
  readonly url: string
  readonly status: number
  readonly headers: Headers
  readonly contentType: string | undefined
  readonly text: string
}

export interface HttpRequest {
  readonly method?: 'GET' | 'POST'
  readonly headers?: Readonly<Record<string, string>> | Headers
  readonly body?: string
  /** The call's signal; a fresh per-call limit when absent. */
  readonly signal?: AbortSignal
}

export interface Transport {
  request(target: GcpTarget, url: string, init?: HttpRequest): Promise<HttpReply>
}

/** No Google answer the doctor reads comes near this: a Secret Manager payload is at most 64 KiB. */
export const MAX_ANSWER_BYTES = 1 << 20

export const isJson = (contentType: string | undefined): boolean =>
  /^application\/([\w.-]+\+)?json$/.test(mediaType(contentType))

/** The answer's JSON, or undefined when it is not JSON (by content type or by parse). */
export function jsonOf(reply: HttpReply): unknown {
  if (!isJson(reply.contentType)) return undefined
  try {
    return JSON.parse(reply.text) as unknown
  } catch {
    return undefined
  }
}

const callTarget = (t: GcpTarget, url: string, signal?: AbortSignal): CallTarget => ({
  provider: 'gcp',
  what: t.what,
  endpoint: url,
  signal,
})

interface Raw {
  readonly status: number
  readonly headers: Headers
  readonly data?: unknown
}

/** The body up to `cap` bytes; `undefined` when it is longer (and the rest is not read). */
async function readCapped(raw: Raw, cap: number): Promise<string | undefined> {
  if (Number(raw.headers.get('content-length') ?? 0) > cap) return undefined
  const body = raw.data as AsyncIterable<Uint8Array | string> | null | undefined
  if (!body || typeof body !== 'object' || !(Symbol.asyncIterator in body)) return ''
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const b = Buffer.from(chunk)
    size += b.length
    if (size > cap) return undefined
    chunks.push(b)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function proxyOptions(env: NodeJS.ProcessEnv): Partial<Gaxios.GaxiosOptions> | undefined {
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
  if (!proxy) return undefined
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim())
  return { proxy, noProxy: noProxy.filter(Boolean) }
}

/** An answer that is not `target.service`: its status, content type and, when known, why. */
export const notTheService = (target: GcpTarget, reply: HttpReply, why?: string): ProviderError =>
  httpAnswerError(callTarget(target, reply.url), {
    status: reply.status,
    contentType: reply.contentType,
    retryAfter: reply.headers.get('retry-after') ?? undefined,
    service: why ? `${target.service}: ${why}` : target.service,
  })

/** What a call threw, as the error checks judge: a classified fault, RunAborted as is, else `unexpected`. */
export function callFailure(e: unknown, target: GcpTarget, url: string, signal?: AbortSignal): Error {
  const t = callTarget(target, url, signal)
  const c = classifyNetworkError(e, t)
  if (c instanceof RunAborted) return c
  if (c?.fault === 'no-answer' && handshakePending(url))
    return networkFault(t, 'tls-handshake', 'handshake', c.facts.limitMs as number | undefined)
  if (c) return c
  const text = e instanceof Error ? e.message : String(e)
  return new ProviderError('gcp', 'unexpected', `${target.what}: ${oneLine(text, 300)}`, {
    call: target.what,
    endpoint: endpointOf(url),
  })
}

/** Redirects are never followed, and an answer over the cap is not read: both are named, not returned. */
function checkedReply(target: GcpTarget, url: string, raw: Raw, text: string | undefined): HttpReply {
  const reply: HttpReply = {
    url,
    status: raw.status,
    headers: raw.headers,
    contentType: raw.headers.get('content-type') ?? undefined,
    text: text ?? '',
  }
  if (raw.status >= 300 && raw.status < 400) {
    const location = raw.headers.get('location')
    if (location && isCrossOrigin(url, location))
      throw redirectError(callTarget(target, url), raw.status, new URL(location, url).href)
    throw notTheService(target, reply, 'a redirect')
  }
  if (text === undefined) throw notTheService(target, reply, `over ${formatBytes(MAX_ANSWER_BYTES)} of body`)
  return reply
}

/**
 * A request body node-fetch cannot turn into a crash: when the call's signal is already aborted as the
 * request starts, node-fetch destroys the body stream with the abort error, and a stream's 'error' with
 * no listener ends the process. This stream has one.
 */
function bodyStream(text: string): Readable {
  const stream = Readable.from([Buffer.from(text, 'utf8')])
  stream.on('error', () => {})
  return stream
}

export function createTransport(session: ProviderSession): Transport {
  const agents = connectionAgents()
  const proxy = proxyOptions(session.env)
  const client = once(async () => new (await loadAuth()).gaxios.Gaxios())

  const send = async (gx: Gaxios.Gaxios, url: string, init: HttpRequest, signal: AbortSignal) => {
    const headers = new Headers(init.headers)
    if (init.body !== undefined) headers.set('content-length', String(Buffer.byteLength(init.body)))
    const raw: Raw = await gx.request({
      url,
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { data: bodyStream(init.body) } : {}),
      signal,
      responseType: 'stream',
      validateStatus: () => true,
      retry: false,
      redirect: 'manual',
      ...(proxy ?? { agent: agents }),
    })
    return { raw, text: await readCapped(raw, MAX_ANSWER_BYTES) }
  }

  return {
    async request(target, url, init = {}) {
      // Loading the HTTP stack is not the endpoint's time: the call's own limit starts after it.
      const gx = await bounded(client(), session.signal)
      const signal = init.signal ?? callSignal(session)
      const sent = new Date()
      let got: Awaited<ReturnType<typeof send>>
      try {
        got = await bounded(send(gx, url, init, signal), signal)
      } catch (e) {
        throw callFailure(e, target, url, signal)
      }
      session.recorder.observeDate(target.source, got.raw.headers.get('date'), sent, new Date())
      return checkedReply(target, url, got.raw, got.text)
    },
  }
}
