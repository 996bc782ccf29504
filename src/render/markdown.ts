// `--format markdown`: the runbook a support ticket (or $GITHUB_STEP_SUMMARY) takes. Everything a responder
// needs without re-running the doctor: the verdict, who the doctor was, every check, and for each problem
// what was found, where, the documented symptom and the remedies with their commands.
import { SYMPTOMS, type Location, type Status, type Symptom } from '../core/check.js'
import {
  problems,
  verdictLine,
  type CheckResult,
  type FindingResult,
  type RemedyRef,
  type Report,
} from '../core/report.js'

/** The troubleshooting entries' own words (CONTRACT §2). */

const SYMBOL: Record<Status, string> = { pass: '✔', warn: '‼', fail: '✖', error: '⊘', skip: '∅' }
const statusWord = (s: Status) => `${SYMBOL[s]} ${s}`

// Control characters (ESC of an ANSI sequence above all) would corrupt the page; show them as \uXXXX.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g
const visible = (s: string) =>
  s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)

/** Inline text, on one line: markdown punctuation that would change the rendering is backslash-escaped. */
export const mdText = (s: string): string =>
  visible(s.replace(/\r?\n/g, ' ')).replace(/[\\`*_[\]<>|~&]/g, '\\$&')

/** Text that starts a line, where `#`, `-`, `1.` and friends would turn it into a heading or a list. */
const mdLine = (s: string): string =>
  s
    .split(/\r?\n/)
    .map((l) =>
      mdText(l)
        .replace(/^(\s*)([#+\-=])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n')

/** A table cell: one line, lines kept apart with <br> (`|` is already escaped by mdText). */
export const mdCell = (s: string): string => s.split(/\r?\n/).map(mdText).join('<br>')

/** Inline code: the fence outgrows any backtick run inside, and padding keeps edge backticks apart. */
export function mdCode(s: string): string {
  const text = visible(s.replace(/\r?\n/g, ' '))
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Inline code inside a table cell, where `|` would still end the cell. */
const cellCode = (s: string) => mdCode(s).replace(/\|/g, '\\|')

function codeBlock(lines: readonly string[], lang = 'sh'): string[] {
  const text = lines.flatMap((l) => l.split(/\r?\n/)).map(visible)
  const longest = Math.max(0, ...text.flatMap((l) => l.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [`${fence}${lang}`, ...text, fence]
}

const where = (l: Location) =>
  [l.file, l.line, l.line !== undefined ? l.column : undefined].filter((p) => p !== undefined).join(':')

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly string[],
): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${(align ?? head.map(() => '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

/** Check-level and finding-level remedies, once each, commands merged in the order first seen. */
function allRemedies(c: CheckResult): RemedyRef[] {
  const byId = new Map<string, { ref: RemedyRef; commands: string[] }>()
  for (const r of [...c.remedies, ...(c.findings ?? []).flatMap((f) => f.remedies)]) {
    const seen = byId.get(r.id)
    if (!seen) byId.set(r.id, { ref: r, commands: [...(r.commands ?? [])] })
    else for (const cmd of r.commands ?? []) if (!seen.commands.includes(cmd)) seen.commands.push(cmd)
  }
  return [...byId.values()].map(({ ref, commands }) => ({ ...ref, commands }))
}

function findingBlock(f: FindingResult): string[] {
  const at = f.location ? ` — ${mdCode(where(f.location))}` : ''
  const out = [`- **${mdText(f.key)}** (${f.status}, ${f.severity}): ${mdText(f.message)}${at}`]
  for (const i of f.items ?? []) {
    const detail = i.detail ? ` — ${mdText(i.detail)}` : ''
    const loc = i.location ? ` (${mdCode(where(i.location))})` : ''
    out.push(`  - ${mdCode(i.name)}${detail}${loc}`)
  }
  if (f.remedies.length) out.push(`  - remedies: ${f.remedies.map((r) => mdCode(r.id)).join(', ')}`)
  return out
}

function problemSection(c: CheckResult): string[] {
  const out = [
    `### ${SYMBOL[c.status]} ${c.status.toUpperCase()} ${mdCode(c.id)} — ${mdText(c.title)}`,
    '',
    `**Status:** ${c.status} · **Severity:** ${c.severity} · **Provider:** ${c.provider} · **Category:** ${c.category}`,
    '',
    c.status === 'error' ? `Could not be checked: ${mdText(c.summary)}` : mdLine(c.summary),
  ]
  if (c.location) out.push('', `Location: ${mdCode(where(c.location))}`)
  if (c.details?.length) out.push('', ...c.details.map((d) => `- ${mdText(d)}`))
  const symptoms = [...new Set([c.symptom, ...(c.findings ?? []).map((f) => f.symptom)])].filter(
    (s): s is Symptom => s !== undefined,
  )
  for (const s of symptoms) out.push('', `> **Symptom** (${mdCode(s)}): ${SYMPTOMS[s].text}`)
  if (c.findings?.length) out.push('', '**Findings**', '', ...c.findings.flatMap(findingBlock))
  const remedies = allRemedies(c)
  if (remedies.length) {
    out.push('', '**Remedies**', '')
    remedies.forEach((r, n) => {
      // The documentation's words as a quotation with its section; the tool's own advice marked as such.
      out.push(
        r.source === 'doc'
          ? `${n + 1}. “**${mdText(r.title)}**” (${mdCode(r.id)}) — _documentation, ${mdText(r.section)}_`
          : `${n + 1}. **${mdText(r.title)}** (${mdCode(r.id)}) — _edge-secrets advice (${mdText(r.section)})_`,
      )
      if (r.commands?.length) out.push('', ...codeBlock(r.commands).map((l) => `   ${l}`), '')
    })
  }
  out.push('', `Full runbook: ${mdCode(`edge-secrets explain ${c.id}`)}`, '')
  return out
}

export function renderMarkdown(report: Report): string {
  const s = report.summary
  const out: string[] = [
    '# edge-secrets doctor report',
    '',
    `**${mdText(verdictLine(report))}**`,
    '',
    `${mdText(report.tool.name)} ${mdText(report.tool.version)} · started ${mdText(report.startedAt)} · fail-on ${mdCode(report.failOn)}`,
  ]
  if (report.interrupted)
    out.push('', '> **Interrupted:** the run was cut short; unfinished checks ended as `error`.')

  out.push('', '## Summary', '')
  out.push(
    ...table(
      ['Status', 'Checks'],
      [
        ...(['fail', 'error', 'warn', 'pass', 'skip'] as const).map((k) => [statusWord(k), String(s[k])]),
        ['**total**', `**${s.total}**`],
      ],
      ['---', '--:'],
    ),
  )

  out.push('', '## Identities', '')
  if (report.identities.length) {
    out.push(
      ...table(
        ['Provider', 'Principal', 'Source', 'Policies', 'Expires'],
        report.identities.map((i) => [
          mdCell(i.provider),
          cellCode(i.principal),
          i.source ? mdCell(i.source) : '',
          (i.policies ?? []).map(cellCode).join(', '),
          i.expiresAt ? mdCell(i.expiresAt) : '',
        ]),
      ),
    )
  } else out.push('_No identity was established._')

  out.push('', '## Checks', '')
  out.push(
    ...table(
      ['Status', 'Check', 'Summary'],
      report.checks.map((c) => [statusWord(c.status), cellCode(c.id), mdCell(c.summary)]),
    ),
  )

  const toFix = problems(report)
  if (toFix.length) out.push('', '## Problems', '', ...toFix.flatMap(problemSection))

  const skipped = report.checks.filter((c) => c.status === 'skip')
  if (skipped.length) {
    out.push('', '## Skipped', '')
    out.push(
      ...table(
        ['Check', 'Reason', 'Detail'],
        skipped.map((c) => {
          const ignored = c.ignored
            ? ` (would have been ${c.ignored.wouldHaveBeen}${c.ignored.until ? `; ignored until ${c.ignored.until}` : ''})`
            : ''
          return [
            cellCode(c.id),
            mdCell(c.skipReason ?? ''),
            mdCell(`${c.skipDetail ?? c.summary}${ignored}`),
          ]
        }),
      ),
    )
  }

  if (report.expiredIgnores?.length) {
    out.push(
      '',
      '## Expired ignore entries',
      '',
      'These `ignore:` entries have passed their date and no longer apply.',
      '',
    )
    out.push(
      ...table(
        ['Check', 'Reason', 'Expired'],
        report.expiredIgnores.map((e) => [cellCode(e.check), mdCell(e.reason), mdCell(e.until)]),
      ),
    )
  }

  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}
