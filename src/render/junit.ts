// `--format junit`: one testsuite per provider, one testcase per check, for CI test-report widgets.
// fail → <failure>, error → <error>, skip → <skipped>, warn → a pass whose <system-out> carries the warning,
// so warnings show in the report without turning the CI test step red — unless `--fail-on warn` makes a
// warning trip the gate, when it is a <failure> too, so the file agrees with the exit code.
// Valid against the Jenkins xunit junit-10.xsd (the common JUnit dialect) and, suite by suite, the Surefire
// test-report XSD (one <testsuite> per file there): hence no `skipped` on <testsuites> (junit-10 has none) and
// the start time as a suite property rather than a `timestamp` (Surefire's XSD before 3.5.6 has none).
import {
  verdictLine,
  type CheckResult,
  type FindingResult,
  type RemedyRef,
  type Report,
} from '../core/report.js'

// XML 1.0 cannot carry these code points at all, not even as character references, so they are shown as
// \uXXXX text. This also keeps ANSI escape sequences (ESC) out of the document.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const visible = (s: string) =>
  s.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)

export const xmlText = (s: string): string =>
  visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')

// Attribute values are normalised by parsers (newline and tab become spaces) unless written as references.
export const xmlAttr = (s: string): string =>
  xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3)

const where = (l: { file: string; line?: number; column?: number }) =>
  [l.file, l.line, l.line !== undefined ? l.column : undefined].filter((p) => p !== undefined).join(':')

function remedyLines(remedies: readonly RemedyRef[], indent: string): string[] {
  const out: string[] = []
  for (const r of remedies) {
    out.push(`${indent}${r.id} — ${r.title} (${r.section})`)
    for (const c of r.commands ?? []) out.push(`${indent}    $ ${c}`)
  }
  return out
}

function findingLines(f: FindingResult): string[] {
  const out = [`[${f.status} ${f.severity}] ${f.key}: ${f.message}`]
  if (f.location) out.push(`  at ${where(f.location)}`)
  for (const i of f.items ?? []) {
    const detail = i.detail ? ` — ${i.detail}` : ''
    const at = i.location ? ` (${where(i.location)})` : ''
    out.push(`  - ${i.name}${detail}${at}`)
  }
  if (f.remedies.length) out.push('  remedies:', ...remedyLines(f.remedies, '    '))
  return out
}

/** The text a person reads in the CI widget: what was found, where, and what to do. */
function body(c: CheckResult): string {
  const out = [c.summary]
  if (c.location) out.push(`at ${where(c.location)}`)
  for (const d of c.details ?? []) out.push(`  ${d}`)
  if (c.findings?.length) {
    out.push('', 'findings:')
    for (const f of c.findings) out.push(...findingLines(f))
  } else if (c.remedies.length) {
    out.push('', 'remedies:', ...remedyLines(c.remedies, '  '))
  }
  out.push('', `run: edge-secrets explain ${c.id}`)
  return out.join('\n')
}

function testcase(c: CheckResult, failOn: Report['failOn']): string {
  const open = `    <testcase classname="${xmlAttr(`edge-secrets.${c.provider}`)}" name="${xmlAttr(`${c.id}: ${c.title}`)}" time="${seconds(c.durationMs)}"`
  switch (c.status) {
    case 'pass':
      return `${open}/>`
    case 'skip': {
      let message = c.skipDetail
        ? `${c.skipReason ?? 'skipped'}: ${c.skipDetail}`
        : (c.skipReason ?? 'skipped')
      if (c.ignored) {
        const until = c.ignored.until ? ` until ${c.ignored.until}` : ''
        message += ` (would have been ${c.ignored.wouldHaveBeen}; ignored${until})`
      }
      return `${open}>\n      <skipped message="${xmlAttr(message)}"/>\n    </testcase>`
    }
    case 'warn':
      if (failOn === 'warn') {
        const key = c.findings?.find((f) => f.status === 'warn')?.key ?? c.category
        return `${open}>\n      <failure message="${xmlAttr(`warning (--fail-on warn): ${c.summary}`)}" type="${xmlAttr(`warning:${key}`)}">${xmlText(`WARNING: ${body(c)}`)}</failure>\n    </testcase>`
      }
      return `${open}>\n      <system-out>${xmlText(`WARNING: ${body(c)}`)}</system-out>\n    </testcase>`
    case 'fail': {
      const failing = c.findings?.find((f) => f.status === 'fail') ?? c.findings?.[0]
      const type = failing?.key ?? c.category
      return `${open}>\n      <failure message="${xmlAttr(c.summary)}" type="${xmlAttr(type)}">${xmlText(body(c))}</failure>\n    </testcase>`
    }
    case 'error':
      return `${open}>\n      <error message="${xmlAttr(`could not be checked: ${c.summary}`)}" type="error">${xmlText(body(c))}</error>\n    </testcase>`
  }
}

interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
  ms: number
}

function count(checks: readonly CheckResult[], failOn: Report['failOn']): Counts {
  const n = { tests: checks.length, failures: 0, errors: 0, skipped: 0, ms: 0 }
  for (const c of checks) {
    if (c.status === 'fail' || (c.status === 'warn' && failOn === 'warn')) n.failures++
    else if (c.status === 'error') n.errors++
    else if (c.status === 'skip') n.skipped++
    n.ms += c.durationMs
  }
  return n
}

const countAttrs = (n: Counts) => `tests="${n.tests}" failures="${n.failures}" errors="${n.errors}"`

/** What a suite says about the run beyond its cases: who the doctor was, where and when it ran. */
function suiteProperties(report: Report, provider: string): string[] {
  const props: [string, string][] = report.identities
    .filter((i) => i.provider === provider)
    .map((i) => ['identity', i.source ? `${i.principal} (${i.source})` : i.principal])
  props.push(['startedAt', report.startedAt], ['failOn', report.failOn])
  if (report.node?.hostname) props.push(['hostname', report.node.hostname])
  for (const [k, v] of Object.entries(report.node?.labels ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    props.push([`label.${k}`, v])
  return props.map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
}

export function renderJunit(report: Report): string {
  // One suite per provider, in the report's provider order (a report without it: order of appearance).
  const byProvider = new Map<string, CheckResult[]>()
  for (const p of report.providers ?? []) byProvider.set(p.id, [])
  for (const c of report.checks) {
    const list = byProvider.get(c.provider) ?? []
    list.push(c)
    byProvider.set(c.provider, list)
  }

  const suites: string[] = []
  for (const [provider, checks] of byProvider) {
    if (!checks.length) continue
    const n = count(checks, report.failOn)
    suites.push(
      [
        // Suites run concurrently, so the sum of check durations is the honest per-suite time.
        `  <testsuite name="${xmlAttr(provider)}" ${countAttrs(n)} skipped="${n.skipped}" time="${seconds(n.ms)}">`,
        '    <properties>',
        ...suiteProperties(report, provider),
        '    </properties>',
        ...checks.map((c) => testcase(c, report.failOn)),
        '  </testsuite>',
      ].join('\n'),
    )
  }

  const total = count(report.checks, report.failOn)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // Comments take no references: only `--` needs breaking up.
    `<!-- ${visible(verdictLine(report)).replace(/--/g, '- -')} -->`,
    `<testsuites name="edge-secrets" ${countAttrs(total)} time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
