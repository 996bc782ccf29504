// The run's critical path, for --verbose: when the doctor itself seems slow, which checks waited on which,
// and for how long. Read from each result's timing: the path ends at the check that finished last and goes
// back, each step to the need that settled last before it started (or to a wait for a free slot).
import type { CheckResult, Report } from '../core/report.js'

export interface PathStep {
  readonly id: string
  readonly startMs: number
  readonly durationMs: number
  /** Ready, but waiting for a free slot (--concurrency). */
  readonly queuedMs: number
}

const endOf = (r: CheckResult) => (r.timing?.startMs ?? 0) + r.durationMs

export function criticalPath(report: Pick<Report, 'checks'>): PathStep[] {
  const ran = report.checks.filter((r) => r.timing)
  const byId = new Map(ran.map((r) => [r.id, r]))
  let at = ran.reduce<CheckResult | undefined>(
    (best, r) => (!best || endOf(r) > endOf(best) ? r : best),
    undefined,
  )
  const path: PathStep[] = []
  while (at?.timing) {
    path.unshift({
      id: at.id,
      startMs: at.timing.startMs,
      durationMs: at.durationMs,
      queuedMs: at.timing.queuedMs,
    })
    const last = [...(at.timing.needs ?? [])].sort((a, b) => b.settledMs - a.settledMs)[0]
    at = last ? byId.get(last.check) : undefined
  }
  return path
}

const s = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`

/** Lines for the verbose report: the path, then the slowest checks. */
export function criticalPathLines(report: Pick<Report, 'checks' | 'durationMs'>): string[] {
  const path = criticalPath(report)
  if (!path.length) return []
  const steps = path.map(
    (p) => `${p.id} ${s(p.durationMs)}${p.queuedMs >= 50 ? ` (queued ${s(p.queuedMs)})` : ''}`,
  )
  const end = path.at(-1) as PathStep
  const slowest = report.checks
    .filter((r) => r.timing)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 3)
    .map((r) => `${r.id} ${s(r.durationMs)}`)
  return [
    `critical path: ${steps.join(' → ')} — ${s(end.startMs + end.durationMs)} of ${s(report.durationMs)}`,
    `slowest checks: ${slowest.join(', ')}`,
  ]
}
