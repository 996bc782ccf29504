// The fleet view: what `report merge` makes of many node reports, and what its formats render. The JSON
// shape is this model as it is (schema/merge.schema.json, its own schemaVersion); text, markdown and JUnit
// are views of it. It holds no report, only what each node's report said that matters across a fleet.
import type { NodeIdentity, RemedyRef, Report, Summary } from '../core/report.js'
import type { Severity, Status } from '../core/check.js'

export const MERGE_SCHEMA_VERSION = 1

export type NodeVerdict = 'healthy' | 'warnings' | 'failing' | 'incomplete' | 'nothing-checked'

/** An input that was not a report this version reads: counted, named, never fatal. */
export interface SkippedInput {
  /** The file, `file:line`, `file (entry)` or `stdin:line`. */
  readonly source: string
  readonly reason: string
}

/** A check across the fleet: on how many nodes it ended with each status. */
export interface FleetCheck {
  readonly id: string
  readonly title: string
  readonly provider: string
  readonly nodes: Readonly<Record<Status, number>>
}

/** Nodes that fail the same way: the same check, finding and key evidence. */
export interface FleetGroup {
  /** Stable across merges of the same fleet (a hash of check, finding and evidence). */
  readonly id: string
  readonly check: string
  readonly title: string
  readonly status: Exclude<Status, 'pass' | 'skip'>
  readonly severity: Severity
  /** The finding key; `error` for a check that could not finish. */
  readonly finding: string
  /** The finding's message as the first node in the group reported it. */
  readonly message: string
  readonly exampleNode: string
  /** The evidence the nodes share: the message with node names, times and counts taken out. */
  readonly evidence: string
  readonly nodeCount: number
  readonly nodes: readonly string[]
  readonly remedies: readonly RemedyRef[]
}

export interface FleetProblem {
  readonly check: string
  readonly status: Exclude<Status, 'pass' | 'skip'>
  readonly severity: Severity
  readonly finding: string
  readonly group: string
  readonly message: string
}

export interface FleetNode {
  /** What the fleet calls it: the Kubernetes node, else the Expanso node id, else the host name. */
  readonly name: string
  readonly node?: NodeIdentity
  readonly source: string
  readonly startedAt: string
  readonly durationMs: number
  readonly exitCode: number
  readonly verdict: NodeVerdict
  readonly summary: Summary
  readonly problems: readonly FleetProblem[]
  /** Every check's status on this node, when asked for (JUnit renders one testcase per check). */
  readonly statuses?: Readonly<Record<string, Status>>
}

export interface FleetView {
  readonly schemaVersion: typeof MERGE_SCHEMA_VERSION
  readonly kind: 'edge-secrets-fleet'
  readonly tool: { readonly name: 'edge-secrets'; readonly version: string }
  readonly generatedAt: string
  readonly failOn: 'fail' | 'warn' | 'never'
  readonly exitCode: 0 | 1 | 3
  readonly inputs: {
    /** Files, folders, archives and stdin streams given. */
    readonly sources: number
    /** Reports read (including older ones of a node that reported again). */
    readonly reports: number
    /** Reports replaced by a newer one from the same node. */
    readonly superseded: number
    readonly skipped: number
    /** The first skipped inputs with why (all of them up to a cap; `skippedOmitted` counts the rest). */
    readonly skippedInputs: readonly SkippedInput[]
    readonly skippedOmitted: number
  }
  readonly summary: { readonly nodes: number } & Readonly<Record<NodeVerdict, number>>
  /** Checks that did not pass everywhere first: most failing nodes, then errors, then warnings. */
  readonly checks: readonly FleetCheck[]
  /** Root causes, the most widespread first (fail before error before warn at equal reach). */
  readonly groups: readonly FleetGroup[]
  /** Worst nodes first. */
  readonly nodes: readonly FleetNode[]
}

export const VERDICT_RANK: Readonly<Record<NodeVerdict, number>> = {
  failing: 4,
  incomplete: 3,
  warnings: 2,
  'nothing-checked': 1,
  healthy: 0,
}

/** `812 of 10000 nodes` style. */
export const ofNodes = (n: number, total: number): string => `${n} of ${total} node${total === 1 ? '' : 's'}`

const ITEMS_IN_EVIDENCE = 20

// What varies between nodes that share a root cause.
const ISO_TIME = /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?\b/g
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi
const IP = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi
// Controller-generated pod suffixes (`-7d9c8b6f4-x2kqp`, `-x2kqp`): Kubernetes draws them from an alphabet
// without vowels, so `-vault` or `-agent` is never taken for one.
const POD_SUFFIX =
  /-[bcdfghjklmnpqrstvwxz2-9]{6,10}-[bcdfghjklmnpqrstvwxz2-9]{5}\b|-[bcdfghjklmnpqrstvwxz2-9]{5}\b/g
const DURATION = /\b\d+(?:\.\d+)?(?:ms|s|m|h|d|w)(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))*\b/g
const NUMBER = /\d+(?:\.\d+)?/g

/** The key evidence of a finding: what nodes sharing its root cause have in common. */
export function evidenceOf(message: string, items: readonly string[], nodeTerms: readonly string[]): string {
  const norm = (s: string) => {
    let out = s
    for (const t of nodeTerms) if (t.length >= 3) out = out.split(t).join('<node>')
    return out
      .replace(ISO_TIME, '<time>')
      .replace(UUID, '<id>')
      .replace(IP, '<ip>')
      .replace(POD_SUFFIX, '-<hash>')
      .replace(HEX, '<hex>')
      .replace(DURATION, '<duration>')
      .replace(NUMBER, '#')
  }
  const parts = [norm(message)]
  const names = [...new Set(items.map(norm))].sort().slice(0, ITEMS_IN_EVIDENCE)
  if (names.length) parts.push(names.join(', '))
  return parts.join(' | ')
}

/** The names a node's own findings may mention (longest first), which differ from node to node. */
export const nodeTermsOf = (report: Pick<Report, 'node'>): string[] => {
  const n = report.node
  return [n?.kubernetes?.pod, n?.kubernetes?.node, n?.expansoNodeId, n?.hostname]
    .filter((t): t is string => !!t)
    .sort((a, b) => b.length - a.length)
}
