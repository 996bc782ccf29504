// `--format sarif`: SARIF 2.1.0 that GitHub code scanning accepts. One rule per catalogue check, with its
// help in text and markdown and a link to its section of docs/checks.md; one result per finding (per affected
// item when the items point at different places). Code scanning rejects the whole upload when one result has
// no file, so every result is located by the rules of located.ts: the finding's file, else the config key
// that configured the failing thing, else the config file, else a stable stand-in. Files under the working
// directory are `%SRCROOT%`-relative (code scanning matches them to the repository); others stay absolute.
import type { Check, Item, Status } from '../core/check.js'
import {
  verdictLine,
  verdictOf,
  type CheckResult,
  type FindingResult,
  type NodeIdentity,
  type RemedyRef,
  type Report,
} from '../core/report.js'
import { remedies as remedyCatalog, type RemedyId } from '../remedies.js'
import { checkAnchor } from './catalog.js'
import {
  artifactLocation,
  baseUri,
  CHECKS_DOC_URL,
  findingSubjects,
  fingerprint,
  locate,
  relativeToCwd,
  type Subject,
  type Where,
} from './located.js'
import { mdCode, mdText } from './markdown.js'

export { fileUri } from './located.js'

type Level = 'error' | 'warning' | 'note' | 'none'

export interface SarifOptions {
  /** The working directory: files under it are reported relative to %SRCROOT%. */
  readonly cwd?: string
}

interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: Level
  message: { text: string }
  locations: [SarifLocation]
  partialFingerprints: Record<string, string>
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string }[]
  properties: Record<string, unknown>
}

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string }
    region: { startLine: number; startColumn?: number; endLine: number }
  }
  message?: { text: string }
}

const LEVEL: Record<Status, Level> = {
  fail: 'error',
  warn: 'warning',
  error: 'note',
  pass: 'none',
  skip: 'none',
}

/** Code scanning shows at most this much of a rule's descriptions. */
const MAX_DESCRIPTION = 1024

const clip = (s: string, max = MAX_DESCRIPTION) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

const pascal = (id: string) =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')

export const helpUri = (check: Pick<Check, 'id' | 'title'>): string =>
  `${CHECKS_DOC_URL}#${checkAnchor(check)}`

function remedyTitle(id: string): string {
  const r = remedyCatalog[id as RemedyId]
  if (!r) return id
  return r.source === 'doc'
    ? `“${r.title}” (documentation: ${r.section})`
    : `${r.title} (edge-secrets advice)`
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
    for (const id of all) lines.push(`- ${id}: ${remedyTitle(id)}`)
  }
  lines.push('', `Runbook: edge-secrets explain ${check.id}`, `Documentation: ${helpUri(check)}`)
  return lines.join('\n')
}

function helpMarkdown(check: Check): string {
  const lines = [
    `**${mdText(check.title)}** (${mdCode(check.id)})`,
    '',
    mdText(check.description),
    '',
    '| finding | status | severity | remedies |',
    '|---|---|---|---|',
  ]
  for (const [key, spec] of Object.entries(check.findings))
    lines.push(
      `| ${mdCode(key)}: ${mdText(spec.message).replace(/\|/g, '\\|')} | ${spec.status} | ${spec.severity} | ${spec.remedies.map((r) => mdCode(r)).join(' ')} |`,
    )
  const all = [...new Set(Object.values(check.findings).flatMap((f) => f.remedies))]
  if (all.length) {
    lines.push('', '**Remedies**', '')
    for (const id of all) {
      const r = remedyCatalog[id as RemedyId]
      if (!r) lines.push(`- ${mdCode(id)}`)
      else if (r.source === 'doc')
        lines.push(`- ${mdCode(id)}: “${mdText(r.title)}” — _documentation, ${mdText(r.section)}_`)
      else lines.push(`- ${mdCode(id)}: ${mdText(r.title)} — _edge-secrets advice_`)
    }
  }
  lines.push(
    '',
    `Runbook: ${mdCode(`edge-secrets explain ${check.id}`)} · [catalogue entry](${helpUri(check)})`,
  )
  return lines.join('\n')
}

function rule(check: Check) {
  const specs = Object.values(check.findings)
  const level = specs.some((f) => f.status === 'fail') ? 'error' : 'warning'
  return {
    id: check.id,
    name: pascal(check.id),
    shortDescription: { text: clip(check.title) },
    fullDescription: { text: clip(check.description) },
    helpUri: helpUri(check),
    help: { text: helpText(check), markdown: helpMarkdown(check) },
    defaultConfiguration: { level },
    properties: {
      category: check.category,
      provider: check.provider,
      tags: [check.provider, check.category],
      precision: 'high',
      'problem.severity': level,
    },
  }
}

// A result whose check is missing from the catalogue still needs a rule for ruleIndex to point at.
function ruleFromResult(c: CheckResult) {
  return {
    id: c.id,
    name: pascal(c.id),
    shortDescription: { text: clip(c.title) },
    fullDescription: { text: clip(c.title) },
    help: { text: `${c.title}\n\nRunbook: edge-secrets explain ${c.id}` },
    properties: { category: c.category, provider: c.provider, tags: [c.provider, c.category] },
  }
}

const itemText = (i: Item) => (i.detail ? `${i.name} (${i.detail})` : i.name)

/** Quotes the documentation, and says which advice is the tool's own. */
function remedyText(remedies: readonly RemedyRef[]): string {
  if (!remedies.length) return ''
  const each = remedies.map((r) =>
    r.source === 'doc' ? `${r.id} — “${r.title}” (documentation: ${r.section})` : `${r.id} — ${r.title}`,
  )
  return ` Remedies: ${each.join('; ')}.`
}

/** Why a result points at the config rather than at the broken thing itself. */
function whereText(w: Where): string {
  if (w.by === 'config-key') return ` (configured by ${w.key})`
  if (w.by === 'config-file') return ' (located at the config file: no key configures it)'
  if (w.by === 'synthetic')
    return ' (no config file: located at ./edge-secrets.yaml, where the setting belongs)'
  return ''
}

class ResultBuilder {
  constructor(
    private readonly report: Report,
    private readonly cwd: string,
  ) {}

  location(w: Where): SarifLocation {
    return {
      physicalLocation: {
        artifactLocation: artifactLocation(w.file, this.cwd),
        region: { startLine: w.line, startColumn: w.column ?? 1, endLine: w.line },
      },
    }
  }

  /** Stable across runs: relative paths are identical on every checkout, absolute ones on every node. */
  fingerprints(w: Where, ruleId: string, finding: string, items: readonly Item[]): Record<string, string> {
    const file = relativeToCwd(w.file, this.cwd) ?? w.file
    const id = fingerprint([ruleId, finding, ...items.map((i) => i.name).sort(), file, w.key ?? ''])
    return {
      'edgeSecretsFinding/v1': id,
      // Code scanning reads only this key. For files in the checkout its upload action computes a line hash
      // itself (and warns when one is already set), so it is set only where the action cannot hash the file.
      ...(relativeToCwd(w.file, this.cwd) === undefined || w.by === 'synthetic'
        ? { primaryLocationLineHash: `${id.slice(0, 16)}:1` }
        : {}),
    }
  }

  result(
    subject: Subject,
    base: { ruleId: string; ruleIndex: number; properties: Record<string, unknown> },
    level: Level,
    text: string,
    findingKey: string,
    remedies: readonly RemedyRef[] = [],
  ): SarifResult {
    const w = locate(this.report, subject)
    return {
      ...base,
      level,
      message: { text: `${text.replace(/\.$/, '')}${whereText(w)}.${remedyText(remedies)}` },
      locations: [this.location(w)],
      partialFingerprints: this.fingerprints(w, base.ruleId, findingKey, subject.items ?? []),
      properties: { ...base.properties, locatedBy: w.by, ...(w.key && { configKey: w.key }) },
    }
  }

  finding(
    c: CheckResult,
    f: FindingResult,
    base: { ruleId: string; ruleIndex: number; properties: Record<string, unknown> },
  ) {
    const props = {
      ...base.properties,
      finding: f.key,
      severity: f.severity,
      ...(f.symptom && { symptom: f.symptom }),
    }
    const b = { ...base, properties: props }
    return findingSubjects(this.report, c, f).map((subject) => {
      const items = subject.items ?? []
      const text = items.length ? `${f.message}: ${items.map(itemText).join(', ')}` : f.message
      const r = this.result(subject, b, LEVEL[f.status], text, f.key, f.remedies)
      const own = items.length === 1 && items[0]!.location
      return own ? { ...r, properties: { ...r.properties, item: items[0]!.name } } : r
    })
  }

  check(c: CheckResult, ruleIndex: number): SarifResult[] {
    const base = {
      ruleId: c.id,
      ruleIndex,
      properties: { status: c.status, severity: c.severity, category: c.category, provider: c.provider },
    }
    switch (c.status) {
      case 'warn':
      case 'fail':
        if (c.findings?.length) return c.findings.flatMap((f) => this.finding(c, f, base))
        return [this.result({ check: c }, base, LEVEL[c.status], c.summary, c.status, c.remedies)]
      case 'error':
        return [this.result({ check: c }, base, 'note', `could not be checked: ${c.summary}`, 'error')]
      case 'skip': {
        // An ignored problem is still a result, marked suppressed, so an audit can see what was waved through.
        const ig = c.ignored
        if (!ig || ig.wouldHaveBeen === 'pass' || ig.wouldHaveBeen === 'skip') return []
        const until = ig.until ? ` (until ${ig.until})` : ''
        const r = this.result(
          { check: c },
          base,
          LEVEL[ig.wouldHaveBeen],
          `ignored by config${until}: ${ig.reason}`,
          'ignored',
        )
        return [
          {
            ...r,
            suppressions: [{ kind: 'external', status: 'accepted', justification: ig.reason }],
            properties: { ...r.properties, wouldHaveBeen: ig.wouldHaveBeen },
          },
        ]
      }
      case 'pass':
        return []
    }
  }
}

/**
 * The analysis category code scanning keeps results apart by (`category/run-id`): runs on other nodes or jobs
 * must not close each other's alerts. `--label`s name it when given (in CI, where runners' host names change
 * every run, the job passes one); else the node's most stable name.
 */
export function automationId(report: Pick<Report, 'node' | 'startedAt'>): string {
  return `edge-secrets/${nodeKey(report.node)}/${report.startedAt}`
}

function nodeKey(node: NodeIdentity | undefined): string {
  const labels = Object.entries(node?.labels ?? {}).sort(([a], [b]) => a.localeCompare(b))
  if (labels.length) return labels.map(([k, v]) => `${k}=${v}`).join(',')
  if (node?.expansoNodeId) return `node=${node.expansoNodeId}`
  if (node?.kubernetes?.node) return `k8s-node=${node.kubernetes.node}`
  if (node?.hostname) return `host=${node.hostname}`
  return 'default'
}

export function renderSarif(report: Report, catalog: readonly Check[], opts: SarifOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd()
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

  const builder = new ResultBuilder(report, cwd)
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
            informationUri: CHECKS_DOC_URL,
            rules,
          },
        },
        automationDetails: { id: automationId(report) },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: baseUri(cwd), description: { text: 'The working directory of the run.' } },
        },
        invocations: [
          {
            // The doctor ran to completion even when it found problems; only an interrupted run did not.
            executionSuccessful: !report.interrupted,
            exitCode: report.exitCode,
            exitCodeDescription: verdictLine(report),
            startTimeUtc: report.startedAt,
            ...(end && { endTimeUtc: end }),
            workingDirectory: { uri: baseUri(cwd) },
            ...(report.node?.hostname && { machine: report.node.hostname }),
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results: report.checks.flatMap((c) => builder.check(c, index.get(c.id)!)),
        properties: {
          verdict: verdictOf(report.summary),
          summary: report.summary,
          failOn: report.failOn,
          identities: report.identities.map((i) => ({ provider: i.provider, principal: i.principal })),
          ...(report.node && { node: report.node }),
        },
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
