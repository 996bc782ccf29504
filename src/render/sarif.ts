// `--format sarif`: SARIF 2.1.0 for code-scanning dashboards and aggregators. One rule per catalogue check;
// one result per finding, or per affected item that has its own file, so each lands on its own line.
// Results without a file carry a logical location (provider/check): aggregators accept those, but GitHub
// code scanning only shows results with a physical location.
import type { Check, Item, Location, Status } from '../core/check.js'
import { verdictLine, verdictOf, type CheckResult, type FindingResult, type Report } from '../core/report.js'
import { remedies as remedyCatalog, type RemedyId } from '../remedies.js'

type Level = 'error' | 'warning' | 'note' | 'none'

interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string }
    region?: { startLine: number; startColumn?: number }
  }
  logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[]
}

interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: Level
  message: { text: string }
  locations: SarifLocation[]
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string }[]
  properties: Record<string, unknown>
}

const LEVEL: Record<Status, Level> = {
  fail: 'error',
  warn: 'warning',
  error: 'note',
  pass: 'none',
  skip: 'none',
}

const pascal = (id: string) =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')

/** Absolute paths become file:// URIs; relative ones stay relative (to the repository, for code scanning). */
export function fileUri(file: string): string {
  const posix = file.replace(/\\/g, '/')
  const encoded = posix
    .split('/')
    .map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/')
  if (posix.startsWith('/')) return `file://${encoded}`
  if (/^[A-Za-z]:\//.test(posix)) return `file:///${encoded}`
  return encoded
}

function physical(loc: Location): SarifLocation {
  const region =
    loc.line !== undefined
      ? { startLine: loc.line, ...(loc.column !== undefined && { startColumn: loc.column }) }
      : undefined
  return {
    physicalLocation: { artifactLocation: { uri: fileUri(loc.file) }, ...(region && { region }) },
  }
}

function logical(c: CheckResult, item?: Item): SarifLocation {
  const base = `${c.provider}/${c.id}`
  return {
    logicalLocations: [
      item
        ? { name: item.name, fullyQualifiedName: `${base}/${item.name}`, kind: 'resource' }
        : { name: c.id, fullyQualifiedName: base, kind: 'module' },
    ],
  }
}

function helpText(check: Check): string {
  const lines = [check.description, '', 'Findings:']
  for (const [key, spec] of Object.entries(check.findings)) {
    const ids = spec.remedies.length ? ` Remedies: ${spec.remedies.join(', ')}.` : ''
    lines.push(`- ${key} (${spec.status}, ${spec.severity}): ${spec.message}.${ids}`)
  }
  const all = [...new Set(Object.values(check.findings).flatMap((f) => f.remedies))]
  if (all.length) {
    lines.push('', 'Remedies:')
    for (const id of all) lines.push(`- ${id}: ${remedyCatalog[id as RemedyId]?.title ?? id}`)
  }
  lines.push('', `Runbook: edge-secrets explain ${check.id}`)
  return lines.join('\n')
}

function rule(check: Check) {
  const specs = Object.values(check.findings)
  return {
    id: check.id,
    name: pascal(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text: helpText(check) },
    defaultConfiguration: { level: specs.some((f) => f.status === 'fail') ? 'error' : 'warning' },
    properties: {
      category: check.category,
      provider: check.provider,
      tags: [check.provider, check.category],
    },
  }
}

// A result whose check is missing from the catalogue still needs a rule for ruleIndex to point at.
function ruleFromResult(c: CheckResult) {
  return {
    id: c.id,
    name: pascal(c.id),
    shortDescription: { text: c.title },
    properties: { category: c.category, provider: c.provider, tags: [c.provider, c.category] },
  }
}

const itemText = (i: Item) => (i.detail ? `${i.name} (${i.detail})` : i.name)

function remedyText(f: { remedies: FindingResult['remedies'] }): string {
  if (!f.remedies.length) return ''
  return ` Remedies: ${f.remedies.map((r) => `${r.id} — ${r.title}`).join('; ')}.`
}

function findingResults(
  c: CheckResult,
  f: FindingResult,
  base: Omit<SarifResult, 'level' | 'message' | 'locations'>,
) {
  const out: SarifResult[] = []
  const props = {
    ...base.properties,
    finding: f.key,
    severity: f.severity,
    ...(f.symptom && { symptom: f.symptom }),
  }
  const level = LEVEL[f.status]
  const items = f.items ?? []
  const located = items.filter((i) => i.location)
  for (const i of located) {
    out.push({
      ...base,
      level,
      message: { text: `${f.message}: ${itemText(i)}.${remedyText(f)}` },
      locations: [physical(i.location!)],
      properties: { ...props, item: i.name },
    })
  }
  const rest = items.filter((i) => !i.location)
  if (!located.length || rest.length) {
    const loc = f.location ?? c.location
    const list = rest.length ? `: ${rest.map(itemText).join(', ')}` : ''
    out.push({
      ...base,
      level,
      message: { text: `${f.message}${list}.${remedyText(f)}` },
      locations: [loc ? physical(loc) : logical(c, rest.length === 1 ? rest[0] : undefined)],
      properties: props,
    })
  }
  return out
}

function results(c: CheckResult, ruleIndex: number): SarifResult[] {
  const base = {
    ruleId: c.id,
    ruleIndex,
    properties: { status: c.status, severity: c.severity, category: c.category, provider: c.provider },
  }
  const where = () => [c.location ? physical(c.location) : logical(c)]
  switch (c.status) {
    case 'warn':
    case 'fail':
      if (c.findings?.length) return c.findings.flatMap((f) => findingResults(c, f, base))
      return [
        {
          ...base,
          level: LEVEL[c.status],
          message: { text: `${c.summary}.${remedyText(c)}` },
          locations: where(),
        },
      ]
    case 'error':
      return [
        {
          ...base,
          level: 'note',
          message: { text: `could not be checked: ${c.summary}` },
          locations: where(),
        },
      ]
    case 'skip':
      // An ignored problem is still a result, marked suppressed, so an audit can see what was waved through.
      if (c.ignored && c.ignored.wouldHaveBeen !== 'pass' && c.ignored.wouldHaveBeen !== 'skip') {
        const until = c.ignored.until ? ` (until ${c.ignored.until})` : ''
        return [
          {
            ...base,
            level: LEVEL[c.ignored.wouldHaveBeen],
            message: { text: `ignored by config${until}: ${c.ignored.reason}` },
            locations: where(),
            suppressions: [{ kind: 'external', status: 'accepted', justification: c.ignored.reason }],
            properties: { ...base.properties, wouldHaveBeen: c.ignored.wouldHaveBeen },
          },
        ]
      }
      return []
    case 'pass':
      return []
  }
}

export function renderSarif(report: Report, catalog: readonly Check[]): string {
  const rules: ReturnType<typeof ruleFromResult>[] = catalog.map(rule)
  const index = new Map(catalog.map((c, i) => [c.id, i]))
  for (const c of report.checks) {
    if (index.has(c.id)) continue
    index.set(c.id, rules.length)
    rules.push(ruleFromResult(c))
  }

  const startMs = Date.parse(report.startedAt)
  const end = Number.isNaN(startMs) ? undefined : new Date(startMs + report.durationMs).toISOString()
  const notifications = [
    ...(report.interrupted
      ? [{ level: 'error', message: { text: 'the run was interrupted; unfinished checks ended as error' } }]
      : []),
    ...(report.expiredIgnores ?? []).map((e) => ({
      level: 'warning',
      message: {
        text: `ignore entry for ${e.check} expired on ${e.until} and no longer applies (${e.reason})`,
      },
    })),
  ]

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'edge-secrets',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        invocations: [
          {
            // The doctor ran to completion even when it found problems; only an interrupted run did not.
            executionSuccessful: !report.interrupted,
            exitCode: report.exitCode,
            exitCodeDescription: verdictLine(report),
            startTimeUtc: report.startedAt,
            ...(end && { endTimeUtc: end }),
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results: report.checks.flatMap((c) => results(c, index.get(c.id)!)),
        properties: {
          verdict: verdictOf(report.summary),
          summary: report.summary,
          failOn: report.failOn,
          identities: report.identities.map((i) => ({ provider: i.provider, principal: i.principal })),
        },
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
