// The fleet view, built one report at a time: each report is reduced to its node's digest as it arrives and
// then dropped, so memory grows with the number of nodes and problems, never with the size of the input.
// A node that reported more than once counts once, with its newest report. Nodes that fail the same way are
// grouped by root cause: the same check, the same finding and the same key evidence — the finding's message
// and affected items with what differs from node to node (names, times, counts, generated suffixes) taken out.
import { createHash } from 'node:crypto'
import { STATUSES, type Severity, type Status } from '../core/check.js'
import {
  severityRank,
  statusRank,
  verdictOf,
  type CheckResult,
  type FailOn,
  type RemedyRef,
  type Report,
  type Summary,
} from '../core/report.js'
import {
  evidenceOf,
  nodeTermsOf,
  MERGE_SCHEMA_VERSION,
  VERDICT_RANK,
  type FleetCheck,
  type FleetGroup,
  type FleetNode,
  type FleetProblem,
  type FleetView,
  type SkippedInput,
} from '../render/merge-model.js'

/** How many skipped inputs the view names one by one; the rest are counted. */
export const SKIPPED_LISTED = 1000
const ABSENT = 255

type Problem = Omit<FleetProblem, 'group'> & { readonly key: string }

export interface MergerState {
  readonly checks: readonly { id: string; title: string; provider: string }[]
  readonly nodes: readonly Digest[]
  readonly groups: readonly [string, GroupMeta][]
  readonly skipped: readonly SkippedInput[]
  readonly skippedCount: number
  readonly reports: number
  readonly superseded: number
}

interface Digest {
  readonly name: string
  readonly report: Pick<Report, 'node' | 'startedAt' | 'durationMs' | 'exitCode' | 'summary'>
  readonly startedMs: number
  readonly source: string
  /** Status index (STATUSES) per interned check; ABSENT where the report has no such check. */
  readonly statuses: Uint8Array
  readonly problems: readonly Problem[]
}

interface GroupMeta {
  readonly check: string
  readonly title: string
  readonly status: FleetProblem['status']
  readonly severity: Severity
  readonly finding: string
  readonly evidence: string
  readonly remedies: readonly RemedyRef[]
  /**
   * The node the remedies (with that node's own values filled in) came from: the first by name of the nodes
   * that reported the group, so the merge says the same whatever order the reports arrive in (workers).
   */
  readonly node: string
}

/** Keeps the group's details from the node that sorts first: one answer for any arrival order. */
const preferred = (prior: GroupMeta | undefined, next: GroupMeta): boolean => !prior || next.node < prior.node

/** What the fleet calls a node: the Kubernetes node, else the Expanso node id, else the host name. */
export function nodeNameOf(report: Pick<Report, 'node'>, source: string): string {
  const n = report.node
  return n?.kubernetes?.node ?? n?.expansoNodeId ?? n?.hostname ?? `(unnamed: ${source})`
}

const ids = new Map<string, string>()
const groupId = (key: string): string => {
  let id = ids.get(key)
  if (!id) ids.set(key, (id = createHash('sha1').update(key).digest('hex').slice(0, 10)))
  return id
}

function problemsOf(c: CheckResult, terms: readonly string[]): Problem[] {
  if (c.status === 'error') {
    const evidence = evidenceOf(c.summary, [], terms)
    return [
      {
        check: c.id,
        status: 'error',
        severity: c.severity,
        finding: 'error',
        message: c.summary,
        key: `${c.id}\0error\0${evidence}`,
      },
    ]
  }
  if (c.status !== 'fail' && c.status !== 'warn') return []
  const findings = c.findings?.length
    ? c.findings
    : [
        {
          key: c.status,
          status: c.status,
          severity: c.severity,
          message: c.summary,
          remedies: c.remedies,
          items: undefined,
        },
      ]
  return findings.map((f) => {
    const evidence = evidenceOf(
      f.message,
      (f.items ?? []).map((i) => i.name),
      terms,
    )
    return {
      check: c.id,
      status: f.status,
      severity: f.severity,
      finding: f.key,
      message: f.message,
      key: `${c.id}\0${f.key}\0${evidence}`,
    }
  })
}

export interface MergeOptions {
  readonly failOn?: FailOn
  readonly version?: string
  readonly now?: () => Date
  /** Keep every check's status per node (JUnit renders one testcase per check and node). */
  readonly statuses?: boolean
}

export class FleetMerger {
  private readonly checkIndex = new Map<string, number>()
  private readonly checkMeta: { id: string; title: string; provider: string }[] = []
  private readonly nodes = new Map<string, Digest>()
  private readonly groupMeta = new Map<string, GroupMeta>()
  private readonly skippedList: SkippedInput[] = []
  private skippedCount = 0
  private reportCount = 0
  private supersededCount = 0
  sources = 0

  private intern(c: CheckResult): number {
    let i = this.checkIndex.get(c.id)
    if (i === undefined) {
      i = this.checkMeta.length
      this.checkIndex.set(c.id, i)
      this.checkMeta.push({ id: c.id, title: c.title, provider: c.provider })
    }
    return i
  }

  private remember(key: string, c: CheckResult, p: Problem, node: string) {
    const prior = this.groupMeta.get(key)
    if (prior && prior.node <= node) return
    const finding = c.findings?.find((f) => f.key === p.finding)
    this.groupMeta.set(key, {
      node,
      check: c.id,
      title: c.title,
      status: p.status,
      severity: p.severity,
      finding: p.finding,
      evidence: key.split('\0')[2] ?? '',
      remedies: finding?.remedies ?? c.remedies,
    })
  }

  /** A report that passed `reportProblem`: reduced to its node's digest. */
  add(report: Report, source: string): void {
    this.reportCount++
    const name = nodeNameOf(report, source)
    const startedMs = Date.parse(report.startedAt)
    const prior = this.nodes.get(name)
    if (prior) {
      this.supersededCount++
      if (newer(prior, { startedMs, source })) return
    }
    const terms = nodeTermsOf(report)
    const statuses = new Uint8Array(Math.max(this.checkMeta.length + report.checks.length, 8)).fill(ABSENT)
    const problems: Problem[] = []
    for (const c of report.checks) {
      statuses[this.intern(c)] = STATUSES.indexOf(c.status)
      for (const p of problemsOf(c, terms)) {
        this.remember(p.key, c, p, name)
        problems.push(p)
      }
    }
    this.nodes.set(name, {
      name,
      report: {
        node: report.node,
        startedAt: report.startedAt,
        durationMs: report.durationMs,
        exitCode: report.exitCode,
        summary: report.summary,
      },
      startedMs,
      source,
      statuses,
      problems,
    })
  }

  skip(source: string, reason: string): void {
    this.skippedCount++
    if (this.skippedList.length < SKIPPED_LISTED) this.skippedList.push({ source, reason })
  }

  /** This merger's state, to be merged into another (a worker's share of the inputs). */
  exportState(): MergerState {
    return {
      checks: this.checkMeta,
      nodes: [...this.nodes.values()],
      groups: [...this.groupMeta],
      skipped: this.skippedList,
      skippedCount: this.skippedCount,
      reports: this.reportCount,
      superseded: this.supersededCount,
    }
  }

  /** Merges another merger's state in: checks re-interned, a node that both saw keeps its newer report. */
  importState(s: MergerState): void {
    const map = s.checks.map((c) => this.intern(c as CheckResult))
    for (const [k, g] of s.groups) if (preferred(this.groupMeta.get(k), g)) this.groupMeta.set(k, g)
    for (const d of s.nodes) {
      const statuses = new Uint8Array(Math.max(this.checkMeta.length, 8)).fill(ABSENT)
      d.statuses.forEach((v, i) => {
        if (v !== ABSENT && i < map.length) statuses[map[i] as number] = v
      })
      const prior = this.nodes.get(d.name)
      if (prior) {
        this.supersededCount++
        if (newer(prior, d)) continue
      }
      this.nodes.set(d.name, { ...d, statuses })
    }
    for (const x of s.skipped) if (this.skippedList.length < SKIPPED_LISTED) this.skippedList.push(x)
    this.skippedCount += s.skippedCount
    this.reportCount += s.reports
    this.supersededCount += s.superseded
  }

  private statusOf(d: Digest, i: number): Status | undefined {
    const s = i < d.statuses.length ? (d.statuses[i] as number) : ABSENT
    return s === ABSENT ? undefined : STATUSES[s]
  }

  private exitCode(failOn: FailOn, digests: readonly Digest[]): 0 | 1 | 3 {
    if (failOn === 'never') return 0
    const s = (k: keyof Summary) => digests.some((d) => d.report.summary[k] > 0)
    if (s('fail') || (failOn === 'warn' && s('warn'))) return 1
    if (
      digests.length === 0 ||
      s('error') ||
      digests.some((d) => verdictOf(d.report.summary) === 'nothing-checked')
    )
      return 3
    return 0
  }

  view(opts: MergeOptions = {}): FleetView {
    const failOn = opts.failOn ?? 'fail'
    const digests = worstFirst([...this.nodes.values()])
    const checks = this.fleetChecks(digests)
    const members = new Map<string, string[]>()
    for (const d of digests)
      for (const p of d.problems) {
        const list = members.get(p.key) ?? []
        if (list[list.length - 1] !== d.name) list.push(d.name)
        members.set(p.key, list)
      }
    // The example is the node the group's remedies came from, so its message and its commands agree.
    const examples = new Map<string, { node: string; message: string }>()
    for (const d of digests)
      for (const p of d.problems)
        if (!examples.has(p.key) || this.groupMeta.get(p.key)?.node === d.name)
          examples.set(p.key, { node: d.name, message: p.message })
    const groups: FleetGroup[] = [...members].map(([key, nodes]) => {
      const m = this.groupMeta.get(key) as GroupMeta
      const ex = examples.get(key) as { node: string; message: string }
      return {
        id: groupId(key),
        check: m.check,
        title: m.title,
        status: m.status,
        severity: m.severity,
        finding: m.finding,
        message: ex.message,
        exampleNode: ex.node,
        evidence: m.evidence,
        nodeCount: nodes.length,
        nodes,
        remedies: m.remedies,
      }
    })
    groups.sort(
      (a, b) =>
        b.nodeCount - a.nodeCount ||
        statusRank(b.status) - statusRank(a.status) ||
        severityRank(b.severity) - severityRank(a.severity) ||
        a.check.localeCompare(b.check) ||
        a.id.localeCompare(b.id),
    )
    const summary = {
      nodes: digests.length,
      healthy: 0,
      warnings: 0,
      failing: 0,
      incomplete: 0,
      'nothing-checked': 0,
    }
    for (const d of digests) summary[verdictOf(d.report.summary)]++
    return {
      schemaVersion: MERGE_SCHEMA_VERSION,
      kind: 'edge-secrets-fleet',
      tool: { name: 'edge-secrets', version: opts.version ?? '0.0.0' },
      generatedAt: (opts.now?.() ?? new Date()).toISOString(),
      failOn,
      exitCode: this.exitCode(failOn, digests),
      inputs: {
        sources: this.sources,
        reports: this.reportCount,
        superseded: this.supersededCount,
        skipped: this.skippedCount,
        skippedInputs: [...this.skippedList].sort((a, b) =>
          a.source < b.source ? -1 : a.source > b.source ? 1 : 0,
        ),
        skippedOmitted: this.skippedCount - this.skippedList.length,
      },
      summary,
      checks,
      groups,
      nodes: digests.map((d) => this.fleetNode(d, opts.statuses === true)),
    }
  }

  private fleetChecks(digests: readonly Digest[]): FleetCheck[] {
    const counts = this.checkMeta.map(() => ({ pass: 0, warn: 0, fail: 0, error: 0, skip: 0 }))
    for (const d of digests)
      for (let i = 0; i < this.checkMeta.length; i++) {
        const s = this.statusOf(d, i)
        if (s) (counts[i] as Record<Status, number>)[s]++
      }
    return this.checkMeta
      .map((m, i) => ({ ...m, nodes: counts[i] as Record<Status, number> }))
      .sort(
        (a, b) =>
          b.nodes.fail - a.nodes.fail ||
          b.nodes.error - a.nodes.error ||
          b.nodes.warn - a.nodes.warn ||
          a.id.localeCompare(b.id),
      )
  }

  private fleetNode(d: Digest, withStatuses: boolean): FleetNode {
    const statuses: Record<string, Status> = {}
    if (withStatuses)
      this.checkMeta.forEach((m, i) => {
        const s = this.statusOf(d, i)
        if (s) statuses[m.id] = s
      })
    return {
      name: d.name,
      ...(d.report.node ? { node: d.report.node } : {}),
      source: d.source,
      startedAt: d.report.startedAt,
      durationMs: d.report.durationMs,
      exitCode: d.report.exitCode,
      verdict: verdictOf(d.report.summary),
      summary: d.report.summary,
      problems: d.problems.map(({ key, ...p }) => ({ ...p, group: groupId(key) })),
      ...(withStatuses ? { statuses } : {}),
    }
  }

  /** The titles of the checks seen, for renderers that name checks (JUnit). */
  titles(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.checkMeta.map((m) => [m.id, m.title]))
  }
}

/** Which of two reports of one node wins: the later start, then (for a tie) the later source name. */
const newer = (a: Pick<Digest, 'startedMs' | 'source'>, b: Pick<Digest, 'startedMs' | 'source'>) =>
  a.startedMs > b.startedMs || (a.startedMs === b.startedMs && a.source > b.source)

/** Worst nodes first: verdict, then failing checks, the worst severity among them, errors, warnings, name. */
function worstFirst(digests: Digest[]): Digest[] {
  const keyed = digests.map((d) => {
    const s = d.report.summary
    let sev = -1
    for (const p of d.problems) sev = Math.max(sev, severityRank(p.severity))
    return { d, k: [VERDICT_RANK[verdictOf(s)], s.fail, sev, s.error, s.warn] as const }
  })
  keyed.sort((a, b) => {
    for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return (b.k[i] as number) - (a.k[i] as number)
    return a.d.name < b.d.name ? -1 : a.d.name > b.d.name ? 1 : 0
  })
  return keyed.map((x) => x.d)
}
