// Turns what a check's `run` returned into the CheckResult every format renders: fills the finding messages,
// attaches the remedies (with the commands the check filled in), orders findings worst first, and redacts
// every string on the way — the report model is redacted before any renderer sees it.
import { remedies, type RemedyId } from '../remedies.js'
import { fill, type Check, type Outcome, type Severity } from './check.js'
import { redact } from './redact.js'
import {
  severityRank,
  statusRank,
  type CheckResult,
  type FindingResult,
  type RemedyRef,
  type Report,
} from './report.js'
import { oneLine } from './text.js'

/** One printable, redacted line: what a server or file supplied can forge neither a terminal nor a CI log. */
export const safeText = (s: string): string => oneLine(redact(s), 2000)

export const remedyRef = (id: RemedyId, commands?: readonly string[]): RemedyRef => {
  const r = remedies[id]
  return {
    id,
    title: r.title,
    source: r.source,
    section: r.section,
    ...(commands?.length ? { commands: commands.map(safeText) } : {}),
  }
}

type Found = Extract<Outcome, { kind: 'found' }>

function findingOf(check: Check, o: Found): FindingResult {
  const spec = check.findings[o.finding]
  if (!spec) throw new Error(`${check.id} returned undeclared finding "${o.finding}"`)
  return {
    key: o.finding,
    status: spec.status,
    severity: spec.severity,
    message: safeText(fill(spec.message, o.vars)),
    ...(spec.symptom ? { symptom: spec.symptom } : {}),
    remedies: spec.remedies.map((id) => remedyRef(id, o.commands?.[id])),
    ...(o.items?.length
      ? {
          items: o.items.map((i) => ({
            ...i,
            name: safeText(i.name),
            ...(i.detail ? { detail: safeText(i.detail) } : {}),
          })),
        }
      : {}),
    ...(o.location ? { location: o.location } : {}),
  }
}

/** Every finding's remedies once, in order of appearance; the commands of repeated remedies merged. */
function mergeRemedies(findings: readonly FindingResult[]): RemedyRef[] {
  const all: RemedyRef[] = []
  for (const f of findings)
    for (const r of f.remedies) {
      const idx = all.findIndex((x) => x.id === r.id)
      const prior = all[idx]
      if (!prior) all.push(r)
      else if (r.commands?.length)
        all[idx] = { ...prior, commands: [...new Set([...(prior.commands ?? []), ...r.commands])] }
    }
  return all
}

function foundResult(check: Check, finds: readonly Found[], base: Base): CheckResult {
  const findings = finds
    .map((o) => findingOf(check, o))
    .sort(
      (a, b) =>
        statusRank(b.status) - statusRank(a.status) || severityRank(b.severity) - severityRank(a.severity),
    )
  const worst = findings[0] as FindingResult
  const details = finds.flatMap((o) => [
    ...(o.details ?? []),
    ...(o.items ?? []).map((i) => `${i.name}${i.detail ? `: ${i.detail}` : ''}`),
  ])
  const summary =
    findings.length === 1
      ? worst.message
      : `${worst.message} (+${findings.length - 1} more finding${findings.length > 2 ? 's' : ''})`
  return {
    ...base,
    severity: worst.severity as Severity,
    status: worst.status,
    summary,
    ...(details.length ? { details: details.map(safeText) } : {}),
    ...(worst.symptom ? { symptom: worst.symptom } : {}),
    remedies: mergeRemedies(findings),
    findings,
    ...(worst.location ? { location: worst.location } : {}),
  }
}

type Base = Pick<CheckResult, 'id' | 'title' | 'provider' | 'category' | 'durationMs'>

/** Turns what `run` returned into the result every format renders. */
export function toResult(
  check: Check,
  outcome: Outcome | readonly Outcome[],
  durationMs: number,
): CheckResult {
  const outcomes = Array.isArray(outcome) ? (outcome as readonly Outcome[]) : [outcome as Outcome]
  const base: Base = {
    id: check.id,
    title: check.title,
    provider: check.provider,
    category: check.category,
    durationMs,
  }
  const finds = outcomes.filter((o): o is Found => o.kind === 'found')
  if (finds.length) return foundResult(check, finds, base)
  const skipped = outcomes.find((o) => o.kind === 'skip')
  if (skipped && skipped.kind === 'skip') return skipResult(base, skipped.reason, skipped.detail)
  const passes = outcomes.filter((o) => o.kind === 'pass')
  const details = passes.flatMap((o) => o.details ?? [])
  const summaries = passes.map((o) => o.summary).filter((s): s is string => !!s)
  return {
    ...base,
    severity: 'info',
    status: 'pass',
    summary: safeText(summaries.length ? summaries.join('; ') : check.title),
    ...(details.length ? { details: details.map(safeText) } : {}),
    remedies: [],
  }
}

export function skipResult(
  base: Base,
  reason: NonNullable<CheckResult['skipReason']>,
  detail: string,
): CheckResult {
  const text = safeText(detail)
  return {
    ...base,
    severity: 'info',
    status: 'skip',
    summary: text,
    remedies: [],
    skipReason: reason,
    skipDetail: text,
  }
}

export function errorResult(base: Base, summary: string, details?: readonly string[]): CheckResult {
  return {
    ...base,
    severity: 'high',
    status: 'error',
    summary: safeText(summary),
    ...(details?.length ? { details: details.map(safeText) } : {}),
    remedies: [],
  }
}

/**
 * The report's free text redacted again at the end of the run — a value registered by a later check may
 * appear in an earlier one's message — field by field: keys, ids, statuses and structure stay as they are.
 */
export function redactReport<R extends Report>(report: R): R {
  const text = (s: string | undefined) => (s === undefined ? s : safeText(s))
  const refs = (rs: readonly RemedyRef[]) =>
    rs.map((r) => (r.commands ? { ...r, commands: r.commands.map(safeText) } : r))
  const checks = report.checks.map((c) => ({
    ...c,
    summary: safeText(c.summary),
    ...(c.details ? { details: c.details.map(safeText) } : {}),
    ...(c.skipDetail !== undefined ? { skipDetail: text(c.skipDetail) } : {}),
    remedies: refs(c.remedies),
    ...(c.findings
      ? {
          findings: c.findings.map((f) => ({
            ...f,
            message: safeText(f.message),
            remedies: refs(f.remedies),
            ...(f.items
              ? {
                  items: f.items.map((i) => ({
                    ...i,
                    name: safeText(i.name),
                    ...(i.detail !== undefined ? { detail: text(i.detail) } : {}),
                  })),
                }
              : {}),
          })),
        }
      : {}),
  }))
  const identities = report.identities.map((i) => ({
    ...i,
    principal: safeText(i.principal),
    ...(i.source !== undefined ? { source: text(i.source) } : {}),
    ...(i.policies ? { policies: i.policies.map(safeText) } : {}),
  }))
  // Config values (paths, ids, addresses) are no secrets, but an address may carry `user:password@`.
  const config = report.config && {
    ...report.config,
    ...(report.config.locations
      ? {
          locations: Object.fromEntries(
            Object.entries(report.config.locations).map(([k, l]) => [
              k,
              typeof l.value === 'string' ? { ...l, value: safeText(l.value) } : l,
            ]),
          ),
        }
      : {}),
  }
  return { ...report, checks, identities, ...(config ? { config } : {}) }
}
