// The catalogue as data, text, markdown (docs/checks.md) and the runbooks `explain` prints. All of it comes
// from the checks' declared findings and the remedy catalogue: nothing here runs a check.
import { SYMPTOMS, type Check, type Symptom } from '../core/check.js'
import { remedyRef } from '../core/result.js'
import { remedies, type RemedyId } from '../remedies.js'
import { githubAnchor } from './located.js'

export { SYMPTOMS }

/** How a provider is headed: the registry's title (the caller passes it; renderers import no provider). */
export type TitleOf = (providerId: string) => string

export function catalogJson(checks: readonly Check[]) {
  return {
    checks: checks.map((c) => ({
      id: c.id,
      title: c.title,
      provider: c.provider,
      category: c.category,
      needs: [...(c.needs ?? [])],
      findings: Object.entries(c.findings).map(([key, f]) => ({
        key,
        status: f.status,
        severity: f.severity,
        symptom: f.symptom ?? null,
        remedies: [...f.remedies],
      })),
    })),
    remedies: Object.entries(remedies).map(([id, r]) => ({
      id,
      title: r.title,
      source: r.source,
      section: r.section,
    })),
  }
}

export function catalogText(checks: readonly Check[], titleOf: TitleOf): string {
  const out: string[] = []
  let provider = ''
  for (const c of checks) {
    if (c.provider !== provider) {
      provider = c.provider
      out.push('', titleOf(c.provider))
    }
    const needs = c.needs?.length ? `  (needs ${c.needs.join(', ')})` : ''
    out.push(`  ${c.id.padEnd(30)} ${c.category.padEnd(15)} ${c.title}${needs}`)
  }
  out.push(
    '',
    `${checks.length} checks, ${Object.keys(remedies).length} remedies. Details: edge-secrets explain ID`,
  )
  return out.join('\n').replace(/^\n/, '') + '\n'
}

const esc = (s: string) => s.replace(/\|/g, '\\|')

/** A check's heading in docs/checks.md; SARIF's helpUri links to its anchor. */
export const checkHeading = (c: Pick<Check, 'id' | 'title'>): string => `\`${c.id}\` — ${c.title}`

/** The anchor GitHub renders for a check's heading (a heading's text has no backticks). */
export const checkAnchor = (c: Pick<Check, 'id' | 'title'>): string =>
  githubAnchor(checkHeading(c).replace(/`/g, ''))

/** docs/checks.md: generated from the registry; a test fails when the committed file drifts. */
export function catalogMarkdown(checks: readonly Check[], titleOf: TitleOf): string {
  const out: string[] = [
    '# Check catalogue',
    '',
    '<!-- Generated from src/checks by `npm run docs`. Do not edit by hand: a test compares it with the registry. -->',
    '',
  ]
  let provider = ''
  for (const c of checks) {
    if (c.provider !== provider) {
      provider = c.provider
      out.push(`## ${titleOf(c.provider)}`, '')
    }
    out.push(`### ${checkHeading(c)}`, '', c.description, '')
    out.push(
      `Category: ${c.category}${c.needs?.length ? ` · needs: ${c.needs.map((n) => `\`${n}\``).join(', ')}` : ''}`,
      '',
    )
    out.push('| finding | status | severity | symptom | remedies |', '|---|---|---|---|---|')
    for (const [key, f] of Object.entries(c.findings))
      out.push(
        `| \`${key}\` — ${esc(f.message)} | ${f.status} | ${f.severity} | ${f.symptom ?? ''} | ${f.remedies.map((r) => `\`${r}\``).join(' ')} |`,
      )
    out.push('')
  }
  out.push('## Remedies', '', '| id | title | source | section |', '|---|---|---|---|')
  for (const [id, r] of Object.entries(remedies))
    out.push(`| \`${id}\` | ${esc(r.title)} | ${r.source} | ${esc(r.section)} |`)
  return out.join('\n') + '\n'
}

/** The documentation's words quoted with their section; the tool's own advice said to be its own. */
const remedyWords = (id: RemedyId) => {
  const r = remedies[id]
  return r.source === 'doc'
    ? `“${r.title}” (documentation: ${r.section})`
    : `${r.title} (edge-secrets advice: ${r.section})`
}

const indent = (text: string, by = '    ') =>
  text
    .split('\n')
    .map((l) => by + l)
    .join('\n')

export function explainCheck(c: Check): string {
  const out = [
    `${c.id} — ${c.title}`,
    '',
    c.description,
    '',
    `provider: ${c.provider}   category: ${c.category}${c.needs?.length ? `   needs: ${c.needs.join(', ')}` : ''}`,
    '',
    'What it can find:',
  ]
  for (const [key, f] of Object.entries(c.findings)) {
    out.push('', `  ${f.status.toUpperCase()} (${f.severity}) ${key}: ${f.message}`)
    if (f.symptom) out.push(`    symptom: "${SYMPTOMS[f.symptom].text}"`)
    for (const id of f.remedies) out.push(`    → ${id}: ${remedyWords(id)}`)
  }
  const used = [...new Set(Object.values(c.findings).flatMap((f) => f.remedies))]
  if (used.length)
    out.push(
      '',
      'Remedies in full: edge-secrets explain ' +
        used[0] +
        (used.length > 1 ? ' (and the others above)' : ''),
    )
  return out.join('\n') + '\n'
}

export function explainRemedy(id: RemedyId, checks: readonly Check[]): string {
  const r = remedies[id]
  const out = [
    `${id} — ${r.title}`,
    '',
    `source: ${r.source === 'doc' ? 'the product documentation' : 'edge-secrets (beyond the documentation)'}`,
    `section: ${r.section}`,
  ]
  if (r.body) out.push('', indent(r.body, '  '))
  if (r.example) out.push('', indent(r.example))
  const users = checks.filter((c) => Object.values(c.findings).some((f) => f.remedies.includes(id)))
  if (users.length) out.push('', 'Suggested by: ' + users.map((c) => c.id).join(', '))
  return out.join('\n') + '\n'
}

export function explainSymptom(s: Symptom, checks: readonly Check[]): string {
  const sym = SYMPTOMS[s]
  const out = [`${s} — "${sym.text}"`, '', `section: ${sym.section}`, '', 'Checks that explain it:']
  for (const c of checks)
    for (const [key, f] of Object.entries(c.findings))
      if (f.symptom === s) out.push(`  ${c.id} · ${key}: ${f.message}`)
  const ids = new Set(
    checks.flatMap((c) =>
      Object.values(c.findings)
        .filter((f) => f.symptom === s)
        .flatMap((f) => f.remedies),
    ),
  )
  if (ids.size) {
    out.push('', 'Remedies:')
    for (const id of ids) out.push(`  ${id}: ${remedies[id].title}`)
  }
  return out.join('\n') + '\n'
}

/** A remedy as data, its documentation's words marked apart from the tool's own advice by `source`. */
function remedyJson(id: RemedyId) {
  const r = remedies[id]
  return { ...remedyRef(id), ...(r.body && { body: r.body }), ...(r.example && { example: r.example }) }
}

/** `explain CHECK --json`: the check's runbook as data. */
export function explainCheckJson(c: Check) {
  const [entry] = catalogJson([c]).checks
  const used = [...new Set(Object.values(c.findings).flatMap((f) => f.remedies))]
  return { kind: 'check' as const, ...entry!, description: c.description, remedies: used.map(remedyJson) }
}

/** `explain REMEDY --json`. */
export function explainRemedyJson(id: RemedyId, checks: readonly Check[]) {
  return {
    kind: 'remedy' as const,
    ...remedyJson(id),
    suggestedBy: checks
      .filter((c) => Object.values(c.findings).some((f) => f.remedies.includes(id)))
      .map((c) => c.id),
  }
}

/** `explain SYMPTOM --json`: the documentation's entry and the findings that explain it. */
export function explainSymptomJson(id: Symptom, checks: readonly Check[]) {
  const sym = SYMPTOMS[id]
  const explaining = checks.flatMap((c) =>
    Object.entries(c.findings)
      .filter(([, f]) => f.symptom === id)
      .map(([key, f]) => ({ check: c.id, finding: key, message: f.message, remedies: [...f.remedies] })),
  )
  return {
    kind: 'symptom' as const,
    id,
    text: sym.text,
    section: sym.section,
    findings: explaining,
    remedies: [...new Set(explaining.flatMap((f) => f.remedies))].map(remedyJson),
  }
}

/** A scenario as `demo --list` shows it. */
export interface ScenarioRow {
  readonly name: string
  /** The provider it is about (its first). */
  readonly provider: string
  readonly status: 'healthy' | 'broken'
  readonly exitCode: number
  readonly description: string
}

/** What a row is made of: the scenario's own data (render imports no sandbox). */
export interface ScenarioFacts {
  readonly name: string
  readonly description: string
  readonly providers: readonly string[]
  readonly exitCode: number
  readonly expect: Readonly<Record<string, { readonly status: string }>>
}

/** Healthy: the doctor exits 0 and finds nothing to warn about; anything else shows a failure mode. */
export const scenarioRow = (s: ScenarioFacts): ScenarioRow => ({
  name: s.name,
  provider: s.providers[0] ?? 'node',
  status:
    s.exitCode === 0 && Object.values(s.expect).every((e) => e.status === 'pass' || e.status === 'skip')
      ? 'healthy'
      : 'broken',
  exitCode: s.exitCode,
  description: s.description,
})

/** `demo --list`: scenarios grouped by provider, each marked healthy or broken, with what it shows. */
export function scenarioListText(rows: readonly ScenarioRow[], titleOf: TitleOf): string {
  const width = Math.max(0, ...rows.map((r) => r.name.length))
  const out: string[] = []
  const providers = [...new Set(rows.map((r) => r.provider))]
  for (const p of providers) {
    out.push('', titleOf(p))
    for (const r of rows.filter((x) => x.provider === p))
      out.push(`  ${r.name.padEnd(width)}  ${r.status.padEnd(7)}  ${r.description}`)
  }
  const healthy = rows.filter((r) => r.status === 'healthy').length
  out.push(
    '',
    `${rows.length} scenarios (${healthy} healthy, ${rows.length - healthy} broken). Run one: edge-secrets demo NAME`,
  )
  return out.join('\n').replace(/^\n/, '') + '\n'
}
