// The provider boundary. `src/providers/<id>.ts` is the only place an SDK is imported, and only with a
// dynamic `import()` inside the provider, so `--help`, `checks`, `explain` and offline runs load none.
// Providers expose a narrow, metadata-only API; calls are memoized per run and turn SDK errors into a
// ProviderError stripped of headers, tokens and bodies.
import type { ResolvedConfig } from './config-types.js'
import type { RunRecorder } from './recorder.js'
import { redact } from './redact.js'

export type ProviderErrorKind =
  | 'unreachable'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'unauthenticated'
  | 'denied'
  | 'not-found'
  | 'throttled'
  | 'unavailable'
  | 'invalid'
  | 'unexpected'

/** Normalised failure from any SDK. `message` is safe to print (already redacted). */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    /** Safe facts: HTTP status, service error code, request id, the principal named in a denial. */
    readonly facts: Readonly<Record<string, string | number | undefined>> = {},
  ) {
    super(redact(message))
  }
}

export const isProviderError = (e: unknown): e is ProviderError => e instanceof ProviderError

/** What a provider gets from the run. */
export interface ProviderSession {
  readonly config: ResolvedConfig
  /** The run's signal (deadline, SIGINT). Combine with `timeoutMs` per network call. */
  readonly signal: AbortSignal
  /** --timeout: the limit of any single network call. */
  readonly timeoutMs: number
  readonly offline: boolean
  readonly recorder: RunRecorder
  readonly now: () => Date
  readonly env: NodeJS.ProcessEnv
}

/**
 * A single call's time limit: shorter than the check's own (--timeout), so that a black-holed endpoint ends
 * as the reaching check's `unreachable` finding, with time left to say so, rather than as the runner's
 * `error`. Three quarters of --timeout, at most --timeout − 1 s, never under half of it.
 */
export function callTimeoutMs(timeoutMs: number): number {
  return Math.round(Math.max(timeoutMs / 2, Math.min(timeoutMs * 0.75, timeoutMs - 1000)))
}

/** The signal a single network call should use: the run's signal, or this call's own time limit. */
export function callSignal(session: ProviderSession): AbortSignal {
  return AbortSignal.any([session.signal, AbortSignal.timeout(callTimeoutMs(session.timeoutMs))])
}

/** Shares one in-flight call between concurrent checks (ten Vault checks cost one sys/health). */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= fn())
}

/** Like `once`, keyed by argument. */
export function memoByKey<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return (key) => {
    let p = cache.get(key)
    if (!p) {
      p = fn(key)
      cache.set(key, p)
    }
    return p
  }
}

export interface ProviderDefinition<Api> {
  readonly id: string
  readonly title: string
  /** Cheap and SDK-free: is this provider set up here (config or environment)? */
  configured(config: ResolvedConfig): boolean
  /** Builds the API checks use. Must not do I/O itself: calls happen when a check asks. */
  create(session: ProviderSession): Api
}

export const defineProvider = <Api>(p: ProviderDefinition<Api>): ProviderDefinition<Api> => p
