// The provider boundary. `src/providers/<id>/` is the only place an SDK is imported, and only with a
// dynamic `import()` inside the provider, so `--help`, `checks`, `explain` and offline runs load none.
// Providers expose a narrow, metadata-only API; calls are memoized per run and turn SDK errors into a
// ProviderError stripped of headers, tokens and bodies (src/core/net.ts classifies network faults the
// same way for every provider).
//
// A provider's facts — id, title, its config section, whether it is set up here and what is missing, its
// API factory — live in one `defineProvider` call; the registry (src/providers/index.ts) lists them and
// everything else (the run, the report, the renderers, the schema, the scenarios) derives from it.
import type { ConfigSection, CoreConfig } from './config.js'
import type { RunRecorder } from './recorder.js'
import { redact } from './redact.js'
import { oneLine } from './text.js'

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

/**
 * What exactly went wrong on the way to a service, when it was the way and not the service's verdict:
 * classified once (src/core/net.ts) so that the same fault reads the same for every provider.
 */
export type NetworkFault =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'no-answer'
  | 'unreachable'
  | 'tls-untrusted'
  | 'tls-expired'
  | 'tls-not-yet-valid'
  | 'tls-hostname'
  | 'tls-handshake'
  | 'tls-protocol'
  /** Something answered, but not the service: an HTML page, a proxy's error, another API. */
  | 'not-the-service'
  /** The service answered with a redirect to another host, which no credential may follow. */
  | 'redirect'

type Facts = Readonly<Record<string, string | number | undefined>>

/** Normalised failure from any SDK. `message` and `facts` are safe to print (redacted, one line each). */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  readonly facts: Facts
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    /** Safe facts: HTTP status, service error code, request id, the principal named in a denial. */
    facts: Facts = {},
    /** Set when the fault was on the way to the service (see NetworkFault). */
    readonly fault?: NetworkFault,
  ) {
    super(oneLine(redact(message)))
    const clean: Record<string, string | number | undefined> = {}
    for (const [k, v] of Object.entries(facts)) clean[k] = typeof v === 'string' ? oneLine(redact(v), 200) : v
    this.facts = clean
  }
}

export const isProviderError = (e: unknown): e is ProviderError => e instanceof ProviderError

/** A fault on the way to the service (or something that is not the service): the reaching check's finding. */
export const isNetworkFault = (e: unknown): e is ProviderError & { readonly fault: NetworkFault } =>
  isProviderError(e) && e.fault !== undefined

/** What a provider gets from the run. `Config` is the core config plus the provider's own section. */
export interface ProviderSession<Config extends CoreConfig = CoreConfig> {
  readonly config: Config
  /** The run's signal (deadline, SIGINT). Use `callSignal` (src/core/net.ts) per network call. */
  readonly signal: AbortSignal
  /** --timeout: the limit of any single check. */
  readonly timeoutMs: number
  readonly offline: boolean
  readonly recorder: RunRecorder
  readonly now: () => Date
  readonly env: NodeJS.ProcessEnv
  /**
   * Another provider's API as the run shares it (created once, on first use), for a provider built from
   * others' code: the JobSpec's aws_sts entries use the run's AWS API, so one credential chain and one
   * GetCallerIdentity serve the aws.* and jobspec.* checks. Absent outside a run.
   */
  readonly api?: (id: string) => unknown
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

/** The config a provider sees: the core config plus its own section under its id. */
export type ConfigWith<Id extends string, Section> = CoreConfig & { readonly [K in Id]: Section }

export interface ProviderDefinition<Id extends string = string, Api = unknown, Section = unknown> {
  readonly id: Id
  /** How reports and the live view head this provider's checks ("HashiCorp Vault"). */
  readonly title: string
  /** Check ids start with `<checkPrefix>.` (`k8s.access`); the id itself when absent. */
  readonly checkPrefix?: string
  /** Its section of edge-secrets.yaml (under the provider's id): the schema and how the environment fills it. */
  readonly config?: ConfigSection<Section>
  /** Cheap and SDK-free: is this provider set up here (config or environment)? */
  configured(config: ConfigWith<Id, Section>): boolean
  /** What `skip: not-configured` says: how to set the provider up. */
  readonly notConfigured: string
  /** Builds the API checks use. Must not do I/O itself: calls happen when a check asks. */
  create(session: ProviderSession<ConfigWith<Id, Section>>): Api
}

export const defineProvider = <Id extends string, Api, Section = undefined>(
  p: ProviderDefinition<Id, Api, Section>,
): ProviderDefinition<Id, Api, Section> => p

/** The lazily created APIs of one run, by provider id: an SDK loads only when a check touches its API. */
export function lazyApis(
  providers: readonly ProviderDefinition[],
  session: ProviderSession,
): (id: string) => unknown {
  const made = new Map<string, unknown>()
  return (id) => {
    if (!made.has(id)) {
      const p = providers.find((x) => x.id === id)
      if (!p) throw new Error(`no provider "${id}" in the registry`)
      made.set(id, p.create(session as ProviderSession<ConfigWith<string, unknown>>))
    }
    return made.get(id)
  }
}
