// What an AWS call's failure means. Faults on the way (refused, reset, no answer, TLS) are classified by the
// core (src/core/net.ts) so they read as for every other provider; an answer that is not AWS's (an HTML page,
// a proxy's 502, a body the SDK cannot deserialize, an error without an AWS error code — which the SDK calls
// "Unknown") is named with its HTTP status and content type, read from the SDK's `$response`; only AWS's own
// error codes are classified here.
import {
  classifyNetworkError,
  httpAnswerError,
  isCrossOrigin,
  redirectError,
  RunAborted,
  type CallTarget,
} from '../../core/net.js'
import { ProviderError, type ProviderErrorKind } from '../../core/provider.js'

/** The fields of an AWS SDK v3 error this provider reads. */
export interface SdkError {
  readonly name?: string
  readonly message?: string
  /** `client` / `server` on the service's own (modelled or not) exceptions; absent on transport errors. */
  readonly $fault?: string
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string }
  /** The raw HTTP response, kept by the SDK on errors raised while reading an answer. */
  readonly $response?: RawAnswer
}

export interface RawAnswer {
  readonly statusCode?: number
  readonly headers?: Readonly<Record<string, string | undefined>>
}

const AUTH_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
])
const THROTTLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
])
const DENIED_CODES = new Set(['AccessDeniedException', 'AccessDenied', 'DecryptionFailure'])
const NOT_FOUND_CODES = new Set(['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException'])
const INVALID_CODES = new Set([
  'InvalidRequestException',
  'InvalidParameterException',
  'InvalidInputException',
])
/** What the SDK names an error answer that carried no AWS error code. */
const NO_CODE = new Set(['Unknown', 'UnknownError', 'Error'])

function kindOf(code: string, status: number | undefined): ProviderErrorKind {
  if (THROTTLE_CODES.has(code) || status === 429) return 'throttled'
  if (DENIED_CODES.has(code)) return 'denied'
  if (NOT_FOUND_CODES.has(code)) return 'not-found'
  if (AUTH_CODES.has(code)) return 'unauthenticated'
  if (INVALID_CODES.has(code)) return 'invalid'
  if (status !== undefined && status >= 500) return 'unavailable'
  return 'unexpected'
}

/** The call a failure is about, and which service was expected to answer. */
export interface AwsCallTarget extends CallTarget {
  /** `AWS STS`, `AWS Secrets Manager`, `AWS IAM`. */
  readonly service: string
}

const header = (a: RawAnswer | undefined, name: string) => a?.headers?.[name] ?? undefined

/** An HTTP answer that is not the AWS service: a redirect elsewhere, or status + content type. */
export function notTheService(t: AwsCallTarget, a: RawAnswer): ProviderError {
  const status = a.statusCode ?? 0
  const location = header(a, 'location')
  if (status >= 300 && status < 400 && location && isCrossOrigin(t.endpoint ?? '', location))
    return redirectError(t, status, location)
  return httpAnswerError(t, {
    status,
    contentType: header(a, 'content-type'),
    retryAfter: header(a, 'retry-after'),
    service: t.service,
  })
}

/** AWS's own error answer: its code, status, request id, the principal a denial names; nothing else. */
function serviceError(err: SdkError, t: AwsCallTarget): ProviderError {
  const code = err.name ?? 'Error'
  const reason = err.message ?? ''
  const status = err.$metadata?.httpStatusCode
  const kind = kindOf(code, status)
  return new ProviderError('aws', kind, `${t.what}: ${code}: ${reason}`, {
    code,
    status,
    reason,
    requestId: err.$metadata?.requestId,
    principal: /User: (arn:\S+) is not authorized/.exec(reason)?.[1],
    retryAfter: kind === 'throttled' ? header(err.$response, 'retry-after') : undefined,
    call: t.what,
  })
}

/**
 * Whatever a call threw, as a ProviderError — or the run's RunAborted (the deadline passed), which the caller
 * rethrows as is for the runner to record.
 */
export function toAwsError(e: unknown, t: AwsCallTarget): ProviderError | RunAborted {
  if (e instanceof ProviderError || e instanceof RunAborted) return e
  const err = (e ?? {}) as SdkError
  const answered = err.$fault !== undefined && typeof err.$metadata?.httpStatusCode === 'number'
  if (answered) {
    if (!NO_CODE.has(err.name ?? 'Error')) return serviceError(err, t)
    return notTheService(t, err.$response ?? { statusCode: err.$metadata?.httpStatusCode })
  }
  const fault = classifyNetworkError(e, t)
  if (fault) return fault
  // The SDK read an answer it could not deserialize: what answered is not the service.
  if (err.$response) return notTheService(t, err.$response)
  const message = err.message ?? String(e)
  if (err.name === 'CredentialsProviderError')
    return new ProviderError('aws', 'unauthenticated', `${t.what}: ${message}`, { code: err.name })
  if (/Region is missing/i.test(message))
    return new ProviderError('aws', 'invalid', `${t.what}: Region is missing`, { code: 'RegionMissing' })
  return new ProviderError('aws', 'unexpected', `${t.what}: ${err.name ?? 'Error'}: ${message}`, {
    code: err.name,
    call: t.what,
  })
}

/** `Signature expired: 20261127T234144Z is now earlier than …` → the skew it reveals, in ms (server − local). */
export function skewFromSignatureMessage(message: string): number | undefined {
  const stamp = (s: string) =>
    Date.UTC(
      +s.slice(0, 4),
      +s.slice(4, 6) - 1,
      +s.slice(6, 8),
      +s.slice(9, 11),
      +s.slice(11, 13),
      +s.slice(13, 15),
    )
  const expired =
    /Signature expired: (\d{8}T\d{6}Z) is now earlier than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) - /.exec(message)
  if (expired) return stamp(expired[2]!) - stamp(expired[1]!)
  const future =
    /Signature not yet current: (\d{8}T\d{6}Z) is still later than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) \+ /.exec(
      message,
    )
  if (future) return stamp(future[2]!) - stamp(future[1]!)
  return undefined
}
