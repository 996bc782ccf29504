// The catalogue as data, text, markdown (docs/checks.md) and the runbooks `explain` prints. All of it comes
// from the checks' declared findings and the remedy catalogue: nothing here runs a check.
import { SYMPTOMS, type Check, type Symptom } from '../core/check.js'
import { remedies, type RemedyId } from '../remedies.js'

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
    out.push(`### \`${c.id}\` — ${c.title}`, '', c.description, '')
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
    for (const id of f.remedies) out.push(`    → ${id}: ${remedies[id].title} (${remedies[id].section})`)
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
