// The human summary: verdict line, then each non-passing check with its first remedy, the commands filled
// with what was found, and where to read more. With --verbose, every check with its evidence.
import type { ChalkInstance } from 'chalk'
import type { Status } from '../core/check.js'
import {
  problems,
  providerTitle,
  verdictLine,
  verdictOf,
  type CheckResult,
  type RemedyRef,
  type Report,
} from '../core/report.js'

export const SYMBOL: Record<Status, string> = { pass: '✔', warn: '!', fail: '✖', error: '?', skip: '-' }
export const WORD: Record<Status, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  error: 'ERROR',
  skip: 'SKIP',
}

/** How many of a long list the summary shows without --verbose. */
const MAX_LIST = 5

export interface TextOptions {
  readonly color: ChalkInstance
  readonly verbose?: boolean
}

export function paint(c: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'pass':
      return c.green(text)
    case 'warn':
      return c.yellow(text)
    case 'fail':
      return c.red(text)
    case 'error':
      return c.magenta(text)
    default:
      return c.dim(text)
  }
}

/** One line per finished check, as the plain (CI / pipe) progress view prints it. */
export function checkLine(r: CheckResult, c: ChalkInstance): string {
  const took = r.durationMs >= 1000 ? ` (${(r.durationMs / 1000).toFixed(1)}s)` : ''
  return `${paint(c, r.status, WORD[r.status].padEnd(5))} ${r.id.padEnd(28)} ${r.summary}${took}`
}

/**
 * The documentation's words are quoted and name their section; the tool's own advice says it is the tool's,
 * so a reader can tell the product documentation from edge-secrets' opinion at a glance.
 */
export function remedyLine(rem: RemedyRef, c: ChalkInstance): string {
  return rem.source === 'doc'
    ? `“${rem.title}” ${c.dim(`— documentation, ${rem.section}`)}`
    : `${rem.title} ${c.dim('— edge-secrets advice')}`
}

function remedyBlock(r: CheckResult, c: ChalkInstance, all: boolean): string[] {
  const lines: string[] = []
  const list = all ? r.remedies : r.remedies.slice(0, 1)
  for (const rem of list) {
    lines.push(`    ${c.cyan('→')} ${remedyLine(rem, c)}`)
    const cmds = rem.commands ?? []
    // A finding over 1,000 objects must not bury the verdict: a few commands, and where the rest are.
    for (const cmd of all ? cmds : cmds.slice(0, MAX_LIST))
      for (const l of cmd.split('\n')) lines.push(`        ${c.bold(l)}`)
    if (!all && cmds.length > MAX_LIST)
      lines.push(c.dim(`        … ${cmds.length - MAX_LIST} more commands (--verbose)`))
  }
  if (!all && r.remedies.length > 1)
    lines.push(c.dim(`    + ${r.remedies.length - 1} more remed${r.remedies.length > 2 ? 'ies' : 'y'}`))
  lines.push(c.dim(`    edge-secrets explain ${r.id}`))
  return lines
}

export function renderText(report: Report, opts: TextOptions): string {
  const c = opts.color
  const out: string[] = []
  if (opts.verbose) {
    let provider = ''
    for (const r of report.checks) {
      if (r.provider !== provider) {
        provider = r.provider
        out.push('', c.bold(providerTitle(report, r.provider)))
      }
      out.push(`  ${paint(c, r.status, SYMBOL[r.status])} ${r.id.padEnd(28)} ${r.summary}`)
      for (const d of r.details ?? []) out.push(c.dim(`      ${d}`))
    }
    if (report.identities.length) {
      out.push('', c.bold('Identities'))
      for (const i of report.identities)
        out.push(
          `  ${i.provider}: ${i.principal}${i.source ? ` (${i.source})` : ''}${i.policies?.length ? ` policies: ${i.policies.join(', ')}` : ''}`,
        )
    }
  }
  const issues = problems(report)
  if (issues.length) {
    out.push('')
    for (const r of issues) {
      out.push(`${paint(c, r.status, `${SYMBOL[r.status]} ${WORD[r.status]}`)} ${c.bold(r.id)} ${r.summary}`)
      const extra = r.findings && r.findings.length > 1 ? r.findings.slice(1).map((f) => f.message) : []
      for (const m of opts.verbose ? extra : extra.slice(0, MAX_LIST)) out.push(`    ${c.dim('also:')} ${m}`)
      if (!opts.verbose && extra.length > MAX_LIST)
        out.push(
          c.dim(`    … ${extra.length - MAX_LIST} more findings (--verbose, or --format markdown for all)`),
        )
      const details = r.details ?? []
      for (const d of details.slice(0, opts.verbose ? details.length : MAX_LIST)) out.push(c.dim(`    ${d}`))
      if (!opts.verbose && details.length > MAX_LIST)
        out.push(c.dim(`    … ${details.length - MAX_LIST} more (--verbose)`))
      if (r.status !== 'error') out.push(...remedyBlock(r, c, !!opts.verbose))
    }
  }
  if (report.expiredIgnores?.length) {
    out.push('')
    for (const e of report.expiredIgnores)
      out.push(c.yellow(`ignore entry for ${e.check} expired on ${e.until}; its findings are reported again`))
  }
  const skipped = report.checks.filter((r) => r.status === 'skip' && r.skipReason !== 'filtered')
  if (skipped.length && !opts.verbose) {
    const byReason = new Map<string, number>()
    for (const s of skipped)
      byReason.set(s.skipReason ?? 'skip', (byReason.get(s.skipReason ?? 'skip') ?? 0) + 1)
    out.push(
      '',
      c.dim(`skipped: ${[...byReason].map(([k, n]) => `${n} ${k}`).join(', ')} (--verbose lists them)`),
    )
  }
  if (report.interrupted) out.push('', c.yellow('interrupted: this report is partial'))
  const v = verdictOf(report.summary)
  const status: Status =
    v === 'failing'
      ? 'fail'
      : v === 'incomplete' || v === 'nothing-checked'
        ? 'error'
        : v === 'warnings'
          ? 'warn'
          : 'pass'
  out.push('', paint(c, status, c.bold(verdictLine(report))))
  return out.join('\n').replace(/^\n/, '') + '\n'
}
