// Secret Manager's own errors — google.rpc.Status bodies over REST, GoogleErrors over gRPC — as ProviderError
// facts the checks judge: the RPC status, the ErrorInfo reason (IAM_PERMISSION_DENIED is a binding,
// SERVICE_DISABLED the API), the permission, and a disabled or destroyed version named in the message.
// Faults on the way to the service are not here: src/core/net.ts classifies them (see transport.ts).
import { ProviderError, type ProviderErrorKind } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'

const RPC_STATUS: Readonly<Record<number, string>> = {
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
}
const HTTP_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
}
const RPC_OF_HTTP: Readonly<Record<number, string>> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
}
const KIND_OF_RPC: Readonly<Record<string, ProviderErrorKind>> = {
  UNAUTHENTICATED: 'unauthenticated',
  PERMISSION_DENIED: 'denied',
  NOT_FOUND: 'not-found',
  RESOURCE_EXHAUSTED: 'throttled',
  FAILED_PRECONDITION: 'invalid',
  INVALID_ARGUMENT: 'invalid',
  UNAVAILABLE: 'unavailable',
  DEADLINE_EXCEEDED: 'unavailable',
}

/** The `error` member of a google.rpc.Status JSON body. */
export interface RpcErrorBody {
  readonly code?: number
  readonly message?: string
  readonly status?: string
  readonly details?: readonly {
    readonly '@type'?: string
    readonly reason?: string
    readonly domain?: string
    readonly metadata?: Readonly<Record<string, string>>
  }[]
}

/** Whether a parsed JSON body is a google.rpc.Status error, as Google APIs send them. */
export const isRpcErrorBody = (json: unknown): json is { error: RpcErrorBody } => {
  const e = (json as { error?: unknown } | undefined)?.error
  return (
    !!e &&
    typeof e === 'object' &&
    (typeof (e as RpcErrorBody).status === 'string' || typeof (e as RpcErrorBody).code === 'number')
  )
}

export interface ServiceAnswer {
  readonly httpStatus?: number
  readonly body?: RpcErrorBody
  readonly retryAfter?: string
  /** ErrorInfo as a gRPC GoogleError carries it, when there is no body. */
  readonly reason?: string
  readonly domain?: string
  readonly permission?: string
  readonly rpcCode?: number
  readonly message?: string
}

/** One of Secret Manager's own answers as a ProviderError with its facts. */
export function serviceError(resource: string, a: ServiceAnswer): ProviderError {
  const rpc =
    a.body?.status ??
    (a.rpcCode !== undefined ? RPC_STATUS[a.rpcCode] : undefined) ??
    (a.httpStatus ? RPC_OF_HTTP[a.httpStatus] : undefined)
  const httpStatus = a.httpStatus ?? (rpc ? HTTP_STATUS[rpc] : undefined)
  const info = a.body?.details?.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'))
  const message = oneLine(a.body?.message ?? a.message ?? '', 400)
  const versionState = /Secret Version \[([^\]]+)\/versions\/(\d+)\] is in (\w+) state/.exec(message)
  const kind: ProviderErrorKind =
    (rpc ? KIND_OF_RPC[rpc] : undefined) ??
    (httpStatus === 429 ? 'throttled' : httpStatus && httpStatus >= 500 ? 'unavailable' : 'unexpected')
  const retry = a.retryAfter ? ` (HTTP ${httpStatus}, Retry-After ${oneLine(a.retryAfter, 40)})` : ''
  return new ProviderError('gcp', kind, `${message || `HTTP ${httpStatus}`}${retry}`, {
    status: httpStatus,
    code: rpc,
    reason: info?.reason ?? a.reason,
    domain: info?.domain ?? a.domain,
    permission: info?.metadata?.permission ?? a.permission,
    service: info?.metadata?.service,
    resource,
    version: versionState?.[2],
    versionState: versionState?.[3],
    retryAfter: a.retryAfter,
  })
}

/**
 * What the Secret Manager client threw, when it was not already a ProviderError: a GaxiosError (REST:
 * `code` is the HTTP status, the message the JSON body) or a GoogleError (a numeric gRPC code, ErrorInfo on
 * the error). Anything else is `unexpected`, left to the runner.
 */
export function classifyApiError(e: unknown, resource: string): ProviderError {
  if (e instanceof ProviderError) return e
  const err = (e ?? {}) as {
    code?: unknown
    status?: number
    message?: string
    reason?: string
    domain?: string
    errorInfoMetadata?: Record<string, string>
    response?: { status?: number }
  }
  const httpStatus =
    typeof err.code === 'number' && err.code >= 100 ? err.code : (err.status ?? err.response?.status)
  const rpcCode = typeof err.code === 'number' && err.code < 100 ? err.code : undefined
  let body: RpcErrorBody | undefined
  try {
    const json = JSON.parse(err.message ?? '') as unknown
    if (isRpcErrorBody(json)) body = json.error
  } catch {
    /* not a JSON body */
  }
  if (!httpStatus && rpcCode === undefined && !body)
    return new ProviderError(
      'gcp',
      'unexpected',
      `Secret Manager call on ${resource} failed: ${oneLine(err.message ?? String(e), 300)}`,
      { resource },
    )
  return serviceError(resource, {
    httpStatus,
    body,
    rpcCode,
    reason: err.reason,
    domain: err.domain,
    permission: err.errorInfoMetadata?.permission,
    message: err.message,
  })
}
