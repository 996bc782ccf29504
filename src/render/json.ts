// `--format json`: the Report as CONTRACT §6 documents it (schema/report.schema.json).
import type { CheckResult, Report } from '../core/report.js'

// Keys in the contract's order, so reports diff cleanly and read top-down the way §6 shows them. A key the
// Report gains later still appears, after these, because the template only fixes positions.
const REPORT_KEYS = [
  'schemaVersion',
  'tool',
  'startedAt',
  'durationMs',
  'summary',
  'exitCode',
  'failOn',
  'interrupted',
  'identities',
  'checks',
  'expiredIgnores',
] as const
const CHECK_KEYS = [
  'id',
  'title',
  'provider',
  'category',
  'severity',
  'status',
  'summary',
  'details',
  'symptom',
  'location',
  'findings',
  'remedies',
  'durationMs',
  'skipReason',
  'skipDetail',
  'ignored',
] as const
const SUMMARY_KEYS = ['total', 'pass', 'warn', 'fail', 'error', 'skip'] as const

function ordered<T extends object>(keys: readonly string[], value: T): T {
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = undefined
  return Object.assign(out, value) as T
}

export function renderJson(report: Report): string {
  const doc = ordered(REPORT_KEYS, {
    ...report,
    summary: ordered(SUMMARY_KEYS, report.summary),
    checks: report.checks.map((c): CheckResult => ordered(CHECK_KEYS, c)),
  })
  // undefined members (the template's unused slots) vanish in JSON.stringify.
  return `${JSON.stringify(doc, null, 2)}\n`
}
