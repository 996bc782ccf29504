// `--format github`: GitHub Actions workflow commands, so problems show as annotations on the run (and on the
// file and line when a finding has one). GitHub shows only the first few annotations of each kind per step,
// hence the cap, most severe first, and a pointer to the full report for the rest.
import type { Item, Location, Severity, Status } from '../core/check.js'
import {
  problems,
  severityRank,
  statusRank,
  verdictLine,
  type CheckResult,
  type FindingResult,
  type Report,
} from '../core/report.js'

export const DEFAULT_MAX_ANNOTATIONS = 10

// ESC and the other control characters would reach the log verbatim; shown as \uXXXX instead.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
const visible = (s: string) =>
  s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)

/** Message escaping of @actions/core (`escapeData`). */
export const escapeData = (s: string): string =>
  visible(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** Property escaping of @actions/core (`escapeProperty`): the message rules plus `:` and `,`. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

type Level = 'error' | 'warning' | 'notice'

interface Annotation {
  readonly level: Level
  readonly title: string
  readonly message: string
  readonly location?: Location
  readonly rank: number
  readonly severity: number
}

export function command(
  level: Level,
  message: string,
  props: { title?: string; file?: string; line?: number; col?: number } = {},
): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
  return `::${level}${list.length ? ` ${list.join(',')}` : ''}::${escapeData(message)}`
}

const itemText = (i: Item) => (i.detail ? `${i.name} (${i.detail})` : i.name)

/** The documentation quoted with its section; the tool's own advice labelled as such. */
function remedyLines(f: { remedies: FindingResult['remedies'] }): string[] {
  return f.remedies.flatMap((r) => [
    r.source === 'doc'
      ? `Documentation (${r.section}): “${r.title}” (${r.id})`
      : `edge-secrets advice: ${r.title} (${r.id})`,
    ...(r.commands ?? []).map((c) => `  $ ${c}`),
  ])
}

function annotate(c: CheckResult, status: Status, severity: Severity, text: string[], location?: Location) {
  const footer = `Runbook: edge-secrets explain ${c.id}`
  return {
    level: status === 'fail' ? 'error' : 'warning',
    title: c.id,
    message: [...text, footer].join('\n'),
    location,
    rank: statusRank(status),
    severity: severityRank(severity),
  } satisfies Annotation
}

function annotations(c: CheckResult): Annotation[] {
  if (c.status === 'error')
    return [annotate(c, 'error', c.severity, [`could not be checked: ${c.summary}`], c.location)]
  if (!c.findings?.length)
    return [annotate(c, c.status, c.severity, [c.summary, ...remedyLines(c)], c.location)]
  return c.findings.flatMap((f) => {
    const items = f.items ?? []
    const located = items.filter((i) => i.location)
    const out = located.map((i) =>
      annotate(c, f.status, f.severity, [`${f.message}: ${itemText(i)}`, ...remedyLines(f)], i.location),
    )
    const rest = items.filter((i) => !i.location)
    if (!located.length || rest.length) {
      const list = rest.map((i) => `- ${itemText(i)}`)
      out.push(
        annotate(c, f.status, f.severity, [f.message, ...list, ...remedyLines(f)], f.location ?? c.location),
      )
    }
    return out
  })
}

export function renderGithub(report: Report, opts: { max?: number } = {}): string {
  const max = Math.max(0, Math.floor(opts.max ?? DEFAULT_MAX_ANNOTATIONS))
  // problems() orders the checks; a stable sort then puts a fail finding of a lower-ranked check ahead of
  // a warn finding of a higher-ranked one, so the cap never hides a failure behind a warning.
  const all = problems(report)
    .flatMap(annotations)
    .map((a, order) => ({ a, order }))
    .sort((x, y) => y.a.rank - x.a.rank || y.a.severity - x.a.severity || x.order - y.order)
    .map(({ a }) => a)

  const lines = all.slice(0, max).map((a) =>
    command(a.level, a.message, {
      title: a.title,
      file: a.location?.file,
      line: a.location?.line,
      col: a.location?.line !== undefined ? a.location.column : undefined,
    }),
  )
  const more = all.length - Math.min(all.length, max)
  if (more > 0)
    lines.push(command('notice', `${more} more finding${more === 1 ? '' : 's'} — see the full report`))
  if (report.interrupted)
    lines.push(
      command('notice', 'the run was interrupted; unfinished checks ended as error', {
        title: 'edge-secrets',
      }),
    )
  for (const e of report.expiredIgnores ?? [])
    lines.push(
      command(
        'notice',
        `ignore entry for ${e.check} expired on ${e.until} and no longer applies: ${e.reason}`,
        {
          title: 'edge-secrets',
        },
      ),
    )
  lines.push(command('notice', verdictLine(report), { title: 'edge-secrets' }))
  return `${lines.join('\n')}\n`
}
