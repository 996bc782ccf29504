// What the Azure SDK pipelines (Key Vault's and the identity library's) see on the wire, before the SDK
// turns it into something else. Two blind spots make this necessary:
// - the SDKs misread answers that are not the service's: a 200 HTML page becomes "Cannot read properties
//   of undefined", a 429 is slept on for its Retry-After, a cross-origin redirect is returned unfollowed
//   and then fails deserialisation;
// - MSAL swallows the failure of OpenID discovery (a reset, a proxy page, Entra's own AADSTS answer) into
//   `endpoints_resolution_error`, which names none of them.
// A guard policy, innermost in each pipeline, stops such answers with what a finding needs (status,
// content type, Retry-After, location) and remembers the last wire failure; an agent remembers which TLS
// handshakes never completed, so that a stalled handshake is not reported as mere silence.
import { Agent, type AgentOptions, type RequestOptions } from 'node:https'
import type { Duplex } from 'node:stream'
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline'
import { endpointOf, isCrossOrigin, mediaType } from '../../core/net.js'

export type AzureService = 'Azure Key Vault' | 'Microsoft Entra'

/** The error body a service sent: Key Vault's `{error:{code,message}}`, Entra's `{error,error_description}`. */
export interface ServiceAnswer {
  readonly status: number
  readonly code?: string
  readonly message?: string
}

export type OffKind = 'not-the-service' | 'redirect' | 'throttled'

/** An answer the guard stopped before the SDK could misread it. */
export class OffAnswer extends Error {
  override readonly name = 'OffAnswer'
  constructor(
    readonly kind: OffKind,
    readonly url: string,
    readonly status: number,
    readonly contentType: string | undefined,
    readonly extra: {
      readonly retryAfter?: string
      readonly location?: string
      readonly answer?: ServiceAnswer
    },
  ) {
    super(`HTTP ${status} from ${endpointOf(url) ?? url}`)
  }
}

export const isJson = (contentType: string | undefined) =>
  /^application\/([\w.+-]*\+)?json$/.test(mediaType(contentType))

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    return undefined
  }
}

/** The service's own error fields, from either service's error shape. */
export function serviceAnswer(status: number, body: unknown): ServiceAnswer | undefined {
  if (!body || typeof body !== 'object') return undefined
  const b = body as { error?: unknown; error_description?: unknown }
  if (typeof b.error === 'string')
    return {
      status,
      code: b.error,
      message: typeof b.error_description === 'string' ? b.error_description : undefined,
    }
  const e = b.error as { code?: unknown; message?: unknown } | undefined
  if (!e || typeof e !== 'object') return undefined
  return {
    status,
    code: typeof e.code === 'string' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
  }
}

/**
 * Why a response must not reach the SDK, or undefined when it is the service's own answer. Key Vault and
 * Entra answer everything in JSON; only a same-origin redirect passes without (the SDK follows it).
 */
export function judgeAnswer(res: PipelineResponse): OffAnswer | undefined {
  const { status } = res
  const url = res.request.url
  const contentType = res.headers.get('content-type')
  const location = res.headers.get('location')
  if (status >= 300 && status < 400 && location) {
    if (!isCrossOrigin(url, location)) return undefined
    return new OffAnswer('redirect', url, status, contentType, { location: new URL(location, url).href })
  }
  const body = isJson(contentType) ? parseJson(res.bodyAsText) : undefined
  const retryAfter = res.headers.get('retry-after')
  // A service that says "later" is answered now: the SDK would sleep Retry-After, past the call's limit.
  if (status === 429 || (status === 503 && retryAfter))
    return new OffAnswer('throttled', url, status, contentType, {
      retryAfter,
      answer: serviceAnswer(status, body),
    })
  if (body === undefined) return new OffAnswer('not-the-service', url, status, contentType, {})
  return undefined
}

interface Seen<T> {
  readonly at: number
  readonly value: T
}

/** One service's pipeline: its guard policy and what it last saw go wrong. */
export class Wire {
  private failure?: Seen<unknown>
  private answer?: Seen<ServiceAnswer>
  constructor(
    readonly service: AzureService,
    private readonly onDate: (date: string | undefined, sentAt: Date, receivedAt: Date) => void,
  ) {}

  /** The guard, for `additionalPolicies` at `perRetry` (innermost: it sees every attempt's raw answer). */
  policy(): PipelinePolicy {
    return {
      name: `edge-secrets-guard-${this.service.replace(/\s+/g, '-')}`,
      sendRequest: (req, next) => this.send(req, next),
    }
  }

  private async send(
    request: PipelineRequest,
    next: (r: PipelineRequest) => Promise<PipelineResponse>,
  ): Promise<PipelineResponse> {
    const sentAt = new Date()
    let res: PipelineResponse
    try {
      res = await next(request)
    } catch (e) {
      this.failure = { at: performance.now(), value: e }
      throw e
    }
    this.onDate(res.headers.get('date'), sentAt, new Date())
    const off = judgeAnswer(res)
    if (off) {
      this.failure = { at: performance.now(), value: off }
      throw off
    }
    if (res.status >= 400) {
      const answer = serviceAnswer(res.status, parseJson(res.bodyAsText))
      if (answer) this.answer = { at: performance.now(), value: answer }
    }
    return res
  }

  /** The last wire failure and the last error answer seen since `t0` (a call's start, performance.now()). */
  since(t0: number): { readonly failure?: unknown; readonly answer?: ServiceAnswer } {
    return {
      failure: this.failure && this.failure.at >= t0 ? this.failure.value : undefined,
      answer: this.answer && this.answer.at >= t0 ? this.answer.value : undefined,
    }
  }
}

/** An https.Agent that remembers, per endpoint, whether the last TLS handshake it started completed. */
export class HandshakeAgent extends Agent {
  private readonly pending = new Map<string, boolean>()
  constructor(options: AgentOptions) {
    super(options)
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback)
    const endpoint = `${options.host ?? options.hostname ?? 'localhost'}:${options.port ?? 443}`
    if (socket) {
      socket.once('connect', () => this.pending.set(endpoint, true))
      socket.once('secureConnect', () => this.pending.set(endpoint, false))
    }
    return socket
  }

  /** Whether the last connection to `endpoint` (`host:port`) was accepted but never finished its handshake. */
  stalledAt(endpoint: string | undefined): boolean {
    return endpoint !== undefined && this.pending.get(endpoint) === true
  }
}
