// What went wrong, for any error the identity library or SecretClient throws. The way to the service is
// classified by the core toolkit (src/core/net.ts), so a black hole, a reset or an untrusted certificate
// reads as it does for every provider; what is left here is Azure's own vocabulary: Entra's AADSTS codes
// and Key Vault's error bodies (inner codes, the caller it evaluated, the firewall's view of the client).
import {
  CallTimeout,
  classifyNetworkError,
  endpointOf,
  httpAnswerError,
  httpStatusError,
  networkFault,
  redirectError,
  RunAborted,
  type CallTarget,
} from '../../core/net.js'
import { ProviderError } from '../../core/provider.js'
import {
  isJson,
  OffAnswer,
  type AzureService,
  type HandshakeAgent,
  type ServiceAnswer,
  type Wire,
} from './wire.js'

/** One call: what it is, where it goes, the signal it ran under and when it started (performance.now()). */
export interface AzureCall extends CallTarget {
  readonly signal: AbortSignal
  readonly started: number
}

const firstLine = (s: string) => s.split(/\r?\n/)[0]?.trim() ?? s

/** The AADSTS sentence without the trace and correlation ids and the timestamp Entra appends. */
export const entraDescription = (s: string): string =>
  firstLine(s.replace(/^.*?(AADSTS\d+:)/s, '$1').replace(/\s*Trace ID:.*$/s, ''))

const withFacts = (e: ProviderError, facts: Record<string, string | number | undefined>) =>
  new ProviderError(e.provider, e.kind, e.message, { ...e.facts, ...facts }, e.fault)

type HttpLike = Parameters<typeof httpAnswerError>[1]

/** An answer the guard stopped, as its finding reads it: the status and content type, never a guess. */
export function offAnswerError(a: OffAnswer, call: CallTarget, service: AzureService): ProviderError {
  const t = { ...call, endpoint: a.url }
  if (a.kind === 'redirect') return redirectError(t, a.status, a.extra.location ?? '')
  const answer: HttpLike = {
    status: a.status,
    contentType: a.contentType,
    retryAfter: a.extra.retryAfter,
    service,
  }
  if (a.kind === 'throttled' && isJson(a.contentType)) {
    const said = a.extra.answer
    const message = [said?.code, said?.message && firstLine(said.message)].filter(Boolean).join(': ')
    return withFacts(httpStatusError(t, { ...answer, message: message || undefined }), { code: said?.code })
  }
  return httpAnswerError(t, answer)
}

function offAnswerIn(e: unknown, depth = 0): OffAnswer | undefined {
  if (e instanceof OffAnswer) return e
  if (!e || typeof e !== 'object' || depth > 4) return undefined
  const err = e as { cause?: unknown; errors?: unknown }
  const nested = [err.cause, ...(Array.isArray(err.errors) ? err.errors : [])]
  for (const n of nested) {
    const found = offAnswerIn(n, depth + 1)
    if (found) return found
  }
  return undefined
}

interface IdentityErrorLike {
  readonly name?: string
  readonly message?: string
  readonly statusCode?: number
  readonly errorResponse?: { readonly error?: string; readonly errorDescription?: string }
}

const IDENTITY_ERRORS =
  /^(AuthenticationError|AggregateAuthenticationError|CredentialUnavailableError|AuthenticationRequiredError)$/

/** An error raised by the identity library (Entra, IMDS), not by Key Vault. */
export const isIdentityError = (e: unknown): boolean =>
  IDENTITY_ERRORS.test(String((e as IdentityErrorLike)?.name)) || !!(e as IdentityErrorLike)?.errorResponse

/** Entra's verdict: an AADSTS code (from the error, or from the answer MSAL swallowed), or no credential. */
export function entraVerdict(e: unknown, call: CallTarget, seen?: ServiceAnswer): ProviderError | undefined {
  const err = (e ?? {}) as IdentityErrorLike
  const message = String(err.message ?? e)
  const description =
    err.errorResponse?.errorDescription ?? (/AADSTS\d+/.test(message) ? message : seen?.message)
  const aadsts = /AADSTS(\d+)/.exec(description ?? '')?.[1]
  if (aadsts && description)
    return new ProviderError('azure', 'unauthenticated', `${call.what}: ${entraDescription(description)}`, {
      aadsts: `AADSTS${aadsts}`,
      error: err.errorResponse?.error ?? seen?.code,
      status: err.statusCode ?? seen?.status,
    })
  if (err.name === 'CredentialUnavailableError')
    return new ProviderError('azure', 'unauthenticated', `${call.what}: ${firstLine(message)}`, {
      credentialUnavailable: 1,
    })
  return undefined
}

interface RestErrorLike {
  readonly message?: string
  readonly code?: string
  readonly statusCode?: number
  readonly details?: {
    readonly error?: {
      readonly code?: string
      readonly message?: string
      readonly innererror?: { readonly code?: string }
      readonly innerError?: { readonly code?: string }
    }
  }
  readonly response?: { readonly headers?: { get(name: string): string | undefined } }
}

/** Key Vault's own error: its status, code, inner code, and whom and what the denial names. */
export function keyVaultVerdict(e: unknown, call: CallTarget): ProviderError {
  const err = (e ?? {}) as RestErrorLike
  const body = err.details?.error
  const text = body?.message ?? String(err.message ?? e)
  const facts = {
    status: err.statusCode,
    code: body?.code ?? err.code,
    innerCode: body?.innerError?.code ?? body?.innererror?.code,
    requestId: err.response?.headers?.get('x-ms-request-id'),
    callerObjectId: /oid=([0-9a-fA-F-]{8,})/.exec(text)?.[1],
    callerAppId: /appid=([0-9a-fA-F-]{8,})/.exec(text)?.[1],
    resource: /Resource: '([^']+)'/.exec(text)?.[1],
    clientAddress: /Client address: ([^\s\\]+)/.exec(text)?.[1],
    vault: /(?:Vault: |key vault ')([^;'\s]+);location=/.exec(text)?.[1],
  }
  if (!err.statusCode)
    return new ProviderError('azure', 'unexpected', `${call.what}: ${firstLine(text)}`, facts)
  // The first line of a Key Vault message is the sentence an operator searches for; the rest names the caller.
  // A server error also names its code, which is all such a message has to say.
  const sentence = err.statusCode >= 500 && facts.code ? `${facts.code}: ${firstLine(text)}` : firstLine(text)
  const answer = { status: err.statusCode, service: 'Azure Key Vault', message: sentence }
  return withFacts(httpStatusError(call, answer), facts)
}

export interface Wires {
  readonly entra?: Wire
  readonly vault?: Wire
  readonly agent?: HandshakeAgent
  /** Where token failures point (the authority, or a managed identity's endpoint), whichever call met them. */
  readonly tokenEndpoint: string
}

/** The way to the service went wrong: a stalled handshake, an answer the guard stopped, a network fault. */
function wayFailure(e: unknown, call: AzureCall, w: Wires, service: AzureService): ProviderError | undefined {
  const reason: unknown = call.signal.aborted ? call.signal.reason : undefined
  if (reason instanceof CallTimeout && w.agent?.stalledAt(endpointOf(call.endpoint)))
    return networkFault(call, 'tls-handshake', 'timeout', reason.limitMs)
  const seen = (service === 'Microsoft Entra' ? w.entra : w.vault)?.since(call.started)
  const off = offAnswerIn(e) ?? (seen?.failure instanceof OffAnswer ? seen.failure : undefined)
  if (off) return offAnswerError(off, call, service)
  return undefined
}

/**
 * Any failure of an Azure call, as a ProviderError (or the run's own RunAborted, which the runner reports).
 * `service` is whom the call talks to; a Key Vault read that fails while getting its token is Entra's.
 */
export function azureFailure(
  e: unknown,
  call: AzureCall,
  w: Wires,
  service: AzureService,
): ProviderError | RunAborted {
  if (e instanceof ProviderError || e instanceof RunAborted) return e
  const reason: unknown = call.signal.aborted ? call.signal.reason : undefined
  if (reason instanceof RunAborted) return reason
  const entra = service === 'Microsoft Entra' || isIdentityError(e)
  const target = entra ? { ...call, endpoint: w.tokenEndpoint } : call
  const way = wayFailure(e, target, w, entra ? 'Microsoft Entra' : 'Azure Key Vault')
  if (way) return way
  if (!entra) return classifyNetworkError(e, target) ?? keyVaultVerdict(e, target)
  return entraFailure(e, { ...target, started: call.started }, w.entra)
}

/** Entra's part: an AADSTS code first (even MSAL's swallowed ones), then the way there, then its status. */
function entraFailure(e: unknown, call: AzureCall, wire: Wire | undefined): ProviderError {
  const seen = wire?.since(call.started)
  const verdict = entraVerdict(e, call, seen?.answer)
  if (verdict?.facts.aadsts) return verdict
  const net =
    classifyNetworkError(e, call) ?? (seen?.failure ? classifyNetworkError(seen.failure, call) : undefined)
  if (net instanceof ProviderError) return net
  if (verdict) return verdict
  const err = (e ?? {}) as IdentityErrorLike
  const message = firstLine(String(err.message ?? e))
  if (err.statusCode && (err.statusCode >= 500 || err.statusCode === 429))
    return httpStatusError(call, { status: err.statusCode, service: 'Microsoft Entra', message })
  return new ProviderError('azure', 'unauthenticated', `${call.what}: ${message}`, { status: err.statusCode })
}
