// `--format codeclimate`: the Code Climate issue list GitLab reads as a Code Quality report
// (`artifacts:reports:codequality`). GitLab uses `description`, `check_name`, `fingerprint`, `severity`,
// `location.path` and `location.lines.begin` and ignores the rest of the Code Climate spec. One issue per
// non-passing finding (per item when items point at different places), located by the same rules as SARIF
// (located.ts); ignored findings are left out, as GitLab has no notion of a suppressed issue.
import type { Item, Severity } from '../core/check.js'
import type { CheckResult, FindingResult, RemedyRef, Report } from '../core/report.js'
import { findingSubjects, fingerprint, locate, relativeToCwd, type Subject, type Where } from './located.js'

export interface CodeClimateOptions {
  /** The working directory (GitLab's CI_PROJECT_DIR): paths under it are written relative to it. */
  readonly cwd?: string
}

type GitLabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker'

export interface CodeClimateIssue {
  readonly type: 'issue'
  readonly check_name: string
  readonly description: string
  readonly content: { readonly body: string }
  readonly categories: readonly string[]
  readonly severity: GitLabSeverity
  readonly fingerprint: string
  readonly location: { readonly path: string; readonly lines: { readonly begin: number } }
}

const SCALE: readonly GitLabSeverity[] = ['info', 'minor', 'major', 'critical', 'blocker']
const STEP: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 }

/** A failure keeps its severity's rank; a warning (works now, will break) sits one step lower. */
export function gitlabSeverity(status: 'warn' | 'fail', severity: Severity): GitLabSeverity {
  return SCALE[Math.max(0, STEP[severity] - (status === 'warn' ? 1 : 0))]!
}

const itemText = (i: Item) => (i.detail ? `${i.name} (${i.detail})` : i.name)

function remedyLines(remedies: readonly RemedyRef[]): string[] {
  return remedies.flatMap((r) => [
    r.source === 'doc'
      ? `- “${r.title}” (documentation: ${r.section}) — ${r.id}`
      : `- ${r.title} (edge-secrets advice) — ${r.id}`,
    ...(r.commands ?? []).map((c) => `      ${c}`),
  ])
}

function issue(
  report: Report,
  cwd: string,
  subject: Subject,
  text: string,
  status: 'warn' | 'fail',
  severity: Severity,
  key: string,
  remedies: readonly RemedyRef[],
): CodeClimateIssue {
  const c = subject.check
  const w: Where = locate(report, subject)
  const path = relativeToCwd(w.file, cwd) ?? w.file
  const at = w.by === 'config-key' ? ` (configured by ${w.key})` : ''
  const items = subject.items ?? []
  return {
    type: 'issue',
    check_name: c.id,
    description: `${c.id}: ${text}${at}`,
    content: {
      body: [
        text,
        ...(remedies.length ? ['', 'Remedies:', ...remedyLines(remedies)] : []),
        '',
        `Runbook: edge-secrets explain ${c.id}`,
      ].join('\n'),
    },
    categories: [
      c.category === 'audit' || c.category === 'iam' || c.category === 'auth' ? 'Security' : 'Bug Risk',
    ],
    severity: gitlabSeverity(status, severity),
    fingerprint: fingerprint([c.id, key, ...items.map((i) => i.name).sort(), path, w.key ?? '']),
    location: { path, lines: { begin: w.line } },
  }
}

function findingIssues(report: Report, cwd: string, c: CheckResult, f: FindingResult): CodeClimateIssue[] {
  return findingSubjects(report, c, f).map((subject) => {
    const items = subject.items ?? []
    const text = items.length ? `${f.message}: ${items.map(itemText).join(', ')}` : f.message
    return issue(report, cwd, subject, text, f.status, f.severity, f.key, f.remedies)
  })
}

function checkIssues(report: Report, cwd: string, c: CheckResult): CodeClimateIssue[] {
  if (c.status === 'warn' || c.status === 'fail') {
    if (c.findings?.length) return c.findings.flatMap((f) => findingIssues(report, cwd, c, f))
    return [issue(report, cwd, { check: c }, c.summary, c.status, c.severity, c.status, c.remedies)]
  }
  // Could not verify is not healthy: a minor issue, so a merge request shows what went unchecked.
  if (c.status === 'error')
    return [
      issue(report, cwd, { check: c }, `could not be checked: ${c.summary}`, 'fail', 'low', 'error', []),
    ]
  return []
}

export function renderCodeClimate(report: Report, opts: CodeClimateOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd()
  const issues = report.checks.flatMap((c) => checkIssues(report, cwd, c))
  return `${JSON.stringify(issues, null, 2)}\n`
}
