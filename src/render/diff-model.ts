// What changed between two reports of a deployment: what a change fixed, what is new, what still fails —
// per check and per finding — and whether anything got worse (the regression gate runbooks and CI use).
// Findings are matched by key and key evidence (their message with times, ages and counts taken out), so
// "token expires in 9m" and "… in 4m" are the same finding, and a failure on another path is a new one.
import type { Status } from '../core/check.js'
import { statusRank, type CheckResult, type Report, type Summary } from '../core/report.js'
import { evidenceOf, nodeTermsOf } from './merge-model.js'

export type CheckChange =
  /** A problem before, passing now. */
  | 'fixed'
  /** Passing, skipped or absent before, a problem now. */
  | 'new'
  /** A problem before and now, the same status. */
  | 'still-failing'
  /** A problem before and now, worse now (warn → fail, error → fail). */
  | 'worse'
  /** A problem before and now, better now (fail → warn). */
  | 'better'
  /** A problem before, skipped or absent now: not verified either way. */
  | 'no-longer-checked'
  /** Passing (or skipped) before and now. */
  | 'unchanged'

export interface FindingRef {
  readonly key: string
  readonly status: 'warn' | 'fail' | 'error'
  readonly message: string
}

export interface CheckDiff {
  readonly id: string
  readonly title: string
  readonly before?: Status
  readonly after?: Status
  readonly change: CheckChange
  /** Findings present before and gone now. */
  readonly fixedFindings: readonly FindingRef[]
  /** Findings present now and not before. */
  readonly newFindings: readonly FindingRef[]
  /** Findings present before and now. */
  readonly stillFindings: readonly FindingRef[]
}

export interface RunRef {
  readonly startedAt: string
  readonly node?: string
  readonly summary: Summary
  readonly exitCode: number
}

export interface ReportDiff {
  readonly before: RunRef
  readonly after: RunRef
  readonly checks: readonly CheckDiff[]
  /** New problems, worse statuses and new findings in checks that were already failing. */
  readonly regressions: number
  /** 1 when anything got worse, else 0. */
  readonly exitCode: 0 | 1
}

const isProblem = (s: Status | undefined): s is 'warn' | 'fail' | 'error' =>
  s === 'warn' || s === 'fail' || s === 'error'

function findingsOf(c: CheckResult | undefined, terms: readonly string[]): Map<string, FindingRef> {
  const out = new Map<string, FindingRef>()
  if (!c || !isProblem(c.status)) return out
  if (c.status === 'error') {
    out.set(`error\0${evidenceOf(c.summary, [], terms)}`, {
      key: 'error',
      status: 'error',
      message: c.summary,
    })
    return out
  }
  const list = c.findings?.length
    ? c.findings
    : [{ key: c.status, status: c.status, message: c.summary, items: undefined }]
  for (const f of list)
    out.set(
      `${f.key}\0${evidenceOf(
        f.message,
        (f.items ?? []).map((i) => i.name),
        terms,
      )}`,
      {
        key: f.key,
        status: f.status,
        message: f.message,
      },
    )
  return out
}

function changeOf(before: Status | undefined, after: Status | undefined): CheckChange {
  if (isProblem(before) && after === 'pass') return 'fixed'
  if (isProblem(before) && !isProblem(after)) return 'no-longer-checked'
  if (!isProblem(before) && isProblem(after)) return 'new'
  if (isProblem(before) && isProblem(after)) {
    const d = statusRank(after) - statusRank(before)
    return d > 0 ? 'worse' : d < 0 ? 'better' : 'still-failing'
  }
  return 'unchanged'
}

const runRef = (r: Report): RunRef => ({
  startedAt: r.startedAt,
  ...(r.node ? { node: r.node.kubernetes?.node ?? r.node.expansoNodeId ?? r.node.hostname } : {}),
  summary: r.summary,
  exitCode: r.exitCode,
})

export function diffReports(before: Report, after: Report): ReportDiff {
  const b = new Map(before.checks.map((c) => [c.id, c]))
  const a = new Map(after.checks.map((c) => [c.id, c]))
  const ids = [...new Set([...after.checks.map((c) => c.id), ...before.checks.map((c) => c.id)])]
  const [tb, ta] = [nodeTermsOf(before), nodeTermsOf(after)]
  let regressions = 0
  const checks = ids.map((id): CheckDiff => {
    const cb = b.get(id)
    const ca = a.get(id)
    const fb = findingsOf(cb, tb)
    const fa = findingsOf(ca, ta)
    const change = changeOf(cb?.status, ca?.status)
    const newFindings = [...fa].filter(([k]) => !fb.has(k)).map(([, f]) => f)
    // Inside a check that is still failing, a finding that was not there before is a regression too.
    if (change === 'new' || change === 'worse') regressions++
    else if ((change === 'still-failing' || change === 'better') && newFindings.length) regressions++
    return {
      id,
      title: (ca ?? cb)?.title ?? id,
      ...(cb ? { before: cb.status } : {}),
      ...(ca ? { after: ca.status } : {}),
      change,
      fixedFindings: [...fb].filter(([k]) => !fa.has(k)).map(([, f]) => f),
      newFindings: change === 'new' ? [...fa.values()] : newFindings,
      stillFindings: [...fa].filter(([k]) => fb.has(k)).map(([, f]) => f),
    }
  })
  return {
    before: runRef(before),
    after: runRef(after),
    checks,
    regressions,
    exitCode: regressions > 0 ? 1 : 0,
  }
}
