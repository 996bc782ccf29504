// The check contract. A newcomer reads this file, then one check file, and can write the next one.
//
// A check is a plain object made by `defineCheck`. It declares every way it can fail as data (`findings`),
// so `checks`, `explain`, SARIF rules and docs/checks.md can list failure modes without running anything;
// `run` only picks one. A check never catches network errors, sets timeouts, prints or colours: a provider
// error escapes to the runner, which records `error` (or, for the check whose job is to reach the endpoint,
// the check itself turns the ProviderError into its `unreachable` finding).
//
// Core knows no provider by name: a check's `provider` is an id from the registry (src/providers/index.ts),
// and checks are written with the typed `defineCheck` of src/checks/define.ts, whose context holds the
// check's own provider API (plus the node's) and nothing else.
import type { RemedyId } from '../remedies.js'
import type { CoreConfig } from './config.js'
import type { RunRecorder } from './recorder.js'

export const STATUSES = ['pass', 'warn', 'fail', 'error', 'skip'] as const
export type Status = (typeof STATUSES)[number]
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']
export type Category =
  | 'connectivity'
  | 'tls'
  | 'auth'
  | 'iam'
  | 'service-account'
  | 'secret-paths'
  | 'refresh'
  | 'latency'
  | 'config'
  | 'audit'
  | 'clock'
export type Symptom = 'permission-denied' | 'stale-secrets' | 'slow-startup'
/** The documentation's Troubleshooting entries, word for word, and where they are. */
export const SYMPTOMS: Readonly<Record<Symptom, { readonly text: string; readonly section: string }>> = {
  'permission-denied': {
    text: 'Error: permission denied fetching secret',
    section: 'Troubleshooting › Authentication Failures',
  },
  'stale-secrets': {
    text: 'Old credentials still in use after rotation',
    section: 'Troubleshooting › Secrets Not Refreshing',
  },
  'slow-startup': { text: 'Slow startup due to secret fetching', section: 'Troubleshooting › High Latency' },
}
/** The order of CONTRACT §2: the first that applies is the one reported. */
export type SkipReason =
  | 'filtered'
  | 'ignored'
  | 'not-configured'
  | 'not-applicable'
  | 'offline'
  | 'not-permitted'
  | 'dependency-failed'

/** One way a check can fail. `message` may use {{placeholders}} filled from the outcome's vars. */
export interface FindingSpec {
  readonly status: 'warn' | 'fail'
  readonly severity: Severity
  readonly symptom?: Symptom
  readonly message: string
  readonly remedies: readonly RemedyId[]
}

/** Where a finding points: a file (manifest, agent HCL, pipeline config) and, when known, the line. */
export interface Location {
  readonly file: string
  readonly line?: number
  readonly column?: number
}

/** One affected object when a finding covers several (five ExternalSecrets out of sync → five items). */
export interface Item {
  readonly name: string
  readonly detail?: string
  readonly location?: Location
}

export type Vars = Readonly<Record<string, string | number | boolean>>

export interface FoundExtra {
  readonly details?: readonly string[]
  readonly items?: readonly Item[]
  /** Commands filled with what the check found, attached to the remedy they belong to. */
  readonly commands?: Partial<Record<RemedyId, readonly string[]>>
  readonly location?: Location
}

export type Outcome<F extends string = string> =
  | { readonly kind: 'pass'; readonly summary?: string; readonly details?: readonly string[] }
  | ({ readonly kind: 'found'; readonly finding: F; readonly vars: Vars } & FoundExtra)
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly detail: string }

/**
 * What every check sees, whatever its provider. The typed context (src/checks/define.ts) adds the check's
 * own provider API and the node's, each created on first use (an SDK loads only then).
 */
export interface RunContext<Config extends CoreConfig = CoreConfig> {
  readonly config: Config
  /** Aborted at the check's timeout, the run's deadline, or SIGINT. */
  readonly signal: AbortSignal
  readonly now: () => Date
  readonly offline: boolean
  /** Identities, clock observations and other facts shared between checks of one run. */
  readonly recorder: RunRecorder
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any check, whatever its provider's context
export type AnyContext = RunContext<any>

export interface Check<F extends string = string, Ctx extends AnyContext = AnyContext> {
  /** `<provider>.<file-name>`; stable once shipped. */
  readonly id: string
  /** The healthy state, present tense. */
  readonly title: string
  /** Why it matters: shown by `explain`. */
  readonly description: string
  /** The id of its provider in the registry. */
  readonly provider: string
  readonly category: Category
  /** Checks that must pass (or warn) first; otherwise this one is `skip: dependency-failed`. */
  readonly needs?: readonly string[]
  /** Runs after every other selected check, e.g. to read what they recorded (clock skew). */
  readonly runsLast?: boolean
  /** Whether the check talks to the network with this config; such checks are `skip: offline` under --offline. */
  readonly network: boolean | ((config: Ctx['config']) => boolean)
  readonly findings: Readonly<Record<F, FindingSpec>>
  run(ctx: Ctx): Promise<Outcome<NoInfer<F>> | readonly Outcome<NoInfer<F>>[]>
}

export const pass = (summary?: string, details?: readonly string[]): Outcome<never> => ({
  kind: 'pass',
  summary,
  details,
})

export const found = <F extends string>(finding: F, vars: Vars = {}, extra: FoundExtra = {}): Outcome<F> => ({
  kind: 'found',
  finding,
  vars,
  ...extra,
})

export const skip = (reason: SkipReason, detail: string): Outcome<never> => ({ kind: 'skip', reason, detail })

/** Fills {{name}} placeholders; an unknown placeholder stays visible rather than silently vanishing. */
export function fill(template: string, vars: Vars): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  )
}
