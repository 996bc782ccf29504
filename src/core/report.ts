// The one result model every format renders. Renderers are pure functions of a Report, so counts and the
// verdict agree everywhere. JSON shape: CONTRACT §6 (schema/report.schema.json).
import type { Category, Item, Location, Severity, SkipReason, Status, Symptom } from './check.js'
import type { Identity } from './recorder.js'

export const SCHEMA_VERSION = 1

export interface RemedyRef {
  readonly id: string
  readonly title: string
  readonly source: 'doc' | 'extended'
  readonly section: string
  readonly commands?: readonly string[]
}

/** One finding of a check; a check reports one or several (the worst decides its status). */
export interface FindingResult {
  readonly key: string
  readonly status: 'warn' | 'fail'
  readonly severity: Severity
  readonly message: string
  readonly symptom?: Symptom
  readonly remedies: readonly RemedyRef[]
  readonly items?: readonly Item[]
  readonly location?: Location
}

export interface CheckResult {
  readonly id: string
  readonly title: string
  readonly provider: string
  readonly category: Category
  readonly severity: Severity
  readonly status: Status
  readonly summary: string
  readonly details?: readonly string[]
  readonly symptom?: Symptom
  readonly remedies: readonly RemedyRef[]
  readonly durationMs: number
  readonly skipReason?: SkipReason
  readonly skipDetail?: string
  /** The finding keys behind a warn/fail, each with its own message, remedies and affected items. */
  readonly findings?: readonly FindingResult[]
  readonly location?: Location
  /** When the check ran and what it waited for: the run's critical path is read from these. */
  readonly timing?: CheckTiming
  /** Set when an `ignore:` entry applied (status is then `skip`, skipReason `ignored`). */
  readonly ignored?: { readonly reason: string; readonly until?: string; readonly wouldHaveBeen: Status }
}

/** Milliseconds since the run started. */
export interface CheckTiming {
  /** When the check began running (after its needs passed and a slot was free). */
  readonly startMs: number
  /** The checks it needed, each with when it settled: the last of them is what it waited for. */
  readonly needs?: readonly { readonly check: string; readonly settledMs: number }[]
  /** Time spent ready but waiting for a free slot (--concurrency). */
  readonly queuedMs: number
}

export type Summary = Readonly<Record<'total' | Status, number>>

export interface ExpiredIgnore {
  readonly check: string
  readonly reason: string
  readonly until: string
}

/**
 * The node a report was made on, so that reports from a fleet can be told apart and grouped: the host name,
 * and where present the Expanso node id, the Kubernetes node and pod (downward API) and `--label k=v`.
 */
export interface NodeIdentity {
  readonly hostname: string
  readonly expansoNodeId?: string
  readonly kubernetes?: { readonly node?: string; readonly pod?: string; readonly namespace?: string }
  readonly labels?: Readonly<Record<string, string>>
}

/** A provider the report covers, as the registry names it (renderers head its checks with the title). */
export interface ProviderRef {
  readonly id: string
  readonly title: string
}

export interface Report {
  readonly schemaVersion: typeof SCHEMA_VERSION
  readonly tool: { readonly name: 'edge-secrets'; readonly version: string }
  /** The providers of the run in registry order; a saved report re-renders with its own titles. */
  readonly providers?: readonly ProviderRef[]
  /** Where the report was made (additive; absent in reports of older versions). */
  readonly node?: NodeIdentity
  /** The doctor config the run used, and where each of its keys is written (for located formats). */
  readonly config?: {
    readonly file: string
    readonly locations?: Readonly<
      Record<
        string,
        { readonly line: number; readonly column: number; readonly value?: string | number | boolean }
      >
    >
  }
  readonly startedAt: string
  readonly durationMs: number
  readonly summary: Summary
  readonly exitCode: 0 | 1 | 2 | 3
  readonly failOn: FailOn
  readonly identities: readonly Identity[]
  readonly checks: readonly CheckResult[]
  /** `ignore:` entries whose `until` has passed: they no longer apply, and the report says so. */
  readonly expiredIgnores?: readonly ExpiredIgnore[]
  /** The run was cut short (SIGINT or deadline): unfinished checks ended as `error`. */
  readonly interrupted?: boolean
}

export type FailOn = 'fail' | 'warn' | 'never'

const STATUS_RANK: Record<Status, number> = { fail: 4, error: 3, warn: 2, pass: 1, skip: 0 }
const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 }

export const statusRank = (s: Status): number => STATUS_RANK[s]
export const severityRank = (s: Severity): number => SEVERITY_RANK[s]

export function summarize(checks: readonly CheckResult[]): Summary {
  const s = { total: checks.length, pass: 0, warn: 0, fail: 0, error: 0, skip: 0 }
  for (const c of checks) s[c.status]++
  return s
}

/** Nothing passed, warned or failed: a gate that passes on that would be a false green. */
export const nothingChecked = (summary: Summary): boolean =>
  summary.pass + summary.warn + summary.fail + summary.error === 0

/**
 * CONTRACT §1: 1 when the gate trips, 3 when incomplete (a check ended `error`, or nothing was checked at
 * all), 0 otherwise; `never` turns 1 and 3 into 0.
 */
export function exitCodeFor(summary: Summary, failOn: FailOn): 0 | 1 | 3 {
  if (failOn === 'never') return 0
  if (summary.fail > 0 || (failOn === 'warn' && summary.warn > 0)) return 1
  if (summary.error > 0 || nothingChecked(summary)) return 3
  return 0
}

export type Verdict = 'healthy' | 'warnings' | 'failing' | 'incomplete' | 'nothing-checked'

/** The one-word verdict every format shows; it follows the counts, never the exit code's gate. */
export function verdictOf(summary: Summary): Verdict {
  if (summary.fail > 0) return 'failing'
  if (summary.error > 0) return 'incomplete'
  if (summary.warn > 0) return 'warnings'
  if (nothingChecked(summary)) return 'nothing-checked'
  return 'healthy'
}

/** A provider's title as the report names it (an older report without `providers`: its id). */
export const providerTitle = (report: Pick<Report, 'providers'>, id: string): string =>
  report.providers?.find((p) => p.id === id)?.title ?? id

/** Non-passing, non-skipped results, most severe first: what every format leads with. */
export function problems(report: Report): CheckResult[] {
  return report.checks
    .filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error')
    .sort(
      (a, b) =>
        STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        a.id.localeCompare(b.id),
    )
}

export function verdictLine(report: Report): string {
  const s = report.summary
  const parts = [
    `${s.fail} failed`,
    `${s.warn} warning${s.warn === 1 ? '' : 's'}`,
    `${s.error} could not be checked`,
    `${s.pass} passed`,
    `${s.skip} skipped`,
  ]
  const verdict = verdictOf(s)
  if (verdict === 'nothing-checked')
    return `NOTHING CHECKED — no check passed, warned or failed (${s.skip} skipped): nothing was verified (${(report.durationMs / 1000).toFixed(1)}s) → exit ${report.exitCode}`
  const word = { healthy: 'HEALTHY', warnings: 'WARNINGS', failing: 'FAILING', incomplete: 'INCOMPLETE' }[
    verdict
  ]
  return `${word} — ${parts.join(', ')} (${(report.durationMs / 1000).toFixed(1)}s) → exit ${report.exitCode}`
}
