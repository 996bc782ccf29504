// `report diff BEFORE AFTER` as text, markdown and JSON: fixed, new, worse, better, still failing, no longer
// checked — and the verdict a runbook or a CI gate acts on (exit 1 when anything got worse).
import type { ChalkInstance } from 'chalk'
import { mdCode, mdText } from './markdown.js'
import type { CheckChange, CheckDiff, FindingRef, ReportDiff } from './diff-model.js'

const SECTIONS: readonly { change: CheckChange; title: string; tone: 'bad' | 'good' | 'same' }[] = [
  { change: 'new', title: 'New problems', tone: 'bad' },
  { change: 'worse', title: 'Worse', tone: 'bad' },
  { change: 'fixed', title: 'Fixed', tone: 'good' },
  { change: 'better', title: 'Better, still not passing', tone: 'good' },
  { change: 'still-failing', title: 'Still failing', tone: 'same' },
  {
    change: 'no-longer-checked',
    title: 'No longer checked (skipped or absent now: neither fixed nor broken)',
    tone: 'same',
  },
]

/** One line: `3 fixed, 1 new, 2 still failing → exit 1`. */
export function diffLine(d: ReportDiff): string {
  const count = (c: CheckChange) => d.checks.filter((x) => x.change === c).length
  const parts = [
    `${count('fixed')} fixed`,
    `${count('new')} new`,
    `${count('worse')} worse`,
    `${count('better')} better`,
    `${count('still-failing')} still failing`,
  ]
  const word = d.regressions ? 'REGRESSED' : count('fixed') || count('better') ? 'IMPROVED' : 'NO REGRESSION'
  return `${word} — ${parts.join(', ')}${d.regressions ? ` (${d.regressions} regression${d.regressions === 1 ? '' : 's'})` : ''} → exit ${d.exitCode}`
}

const transition = (c: CheckDiff) => `${c.before ?? 'absent'} → ${c.after ?? 'absent'}`

function findingLines(c: CheckDiff): { mark: string; f: FindingRef }[] {
  return [
    ...c.newFindings.map((f) => ({ mark: '+', f })),
    ...c.fixedFindings.map((f) => ({ mark: '-', f })),
    ...(c.change === 'still-failing' || c.change === 'worse' || c.change === 'better'
      ? c.stillFindings.map((f) => ({ mark: '=', f }))
      : []),
  ]
}

export function renderDiffText(d: ReportDiff, c: ChalkInstance): string {
  const who = (r: ReportDiff['before']) => `${r.startedAt}${r.node ? ` on ${r.node}` : ''}`
  const out = [
    c.bold(`before: ${who(d.before)} (exit ${d.before.exitCode})`),
    c.bold(`after:  ${who(d.after)} (exit ${d.after.exitCode})`),
  ]
  for (const s of SECTIONS) {
    const list = d.checks.filter((x) => x.change === s.change)
    if (!list.length) continue
    const paint = s.tone === 'bad' ? c.red : s.tone === 'good' ? c.green : c.yellow
    out.push('', paint(c.bold(`${s.title} (${list.length})`)))
    for (const x of list) {
      out.push(`  ${paint(x.id.padEnd(28))} ${transition(x)}  ${c.dim(x.title)}`)
      for (const { mark, f } of findingLines(x)) {
        const tone = mark === '+' ? c.red : mark === '-' ? c.green : c.dim
        out.push(tone(`      ${mark} ${f.key}: ${f.message}`))
      }
    }
  }
  const tone = d.regressions ? c.red : c.green
  out.push('', tone(c.bold(diffLine(d))))
  return `${out.join('\n')}\n`
}

export function renderDiffMarkdown(d: ReportDiff): string {
  const who = (r: ReportDiff['before']) =>
    `${mdText(r.startedAt)}${r.node ? ` on ${mdCode(r.node)}` : ''} (exit ${r.exitCode})`
  const out = [
    '# edge-secrets report diff',
    '',
    `**${mdText(diffLine(d))}**`,
    '',
    `- before: ${who(d.before)}`,
    `- after: ${who(d.after)}`,
  ]
  for (const s of SECTIONS) {
    const list = d.checks.filter((x) => x.change === s.change)
    if (!list.length) continue
    out.push('', `## ${s.title} (${list.length})`, '')
    for (const x of list) {
      out.push(`- ${mdCode(x.id)} ${transition(x)} — ${mdText(x.title)}`)
      for (const { mark, f } of findingLines(x)) {
        const word = mark === '+' ? 'new' : mark === '-' ? 'fixed' : 'still'
        out.push(`  - ${word}: **${mdText(f.key)}** — ${mdText(f.message)}`)
      }
    }
  }
  return `${out.join('\n')}\n`
}

export function renderDiffJson(d: ReportDiff): string {
  return `${JSON.stringify({ kind: 'edge-secrets-diff', ...d, checks: d.checks.filter((x) => x.change !== 'unchanged') }, null, 2)}\n`
}
