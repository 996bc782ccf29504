// `--format prometheus`: the node_exporter textfile-collector format (Prometheus text exposition 0.0.4), so
// the monitoring an operator already has watches every node's secret delivery. One series per check with its
// status as a label; the run's end time, duration and exit code; and each rendered secret file's write time
// and age. Names follow the Prometheus conventions: an `edge_secrets_` prefix, base units (seconds),
// `_timestamp_seconds` for Unix times, gauges throughout (a textfile holds the state of one run).
//
// Times are exported as timestamps as well as ages: a textfile is rewritten only when the doctor runs, so
// an age is true at the run; `time() - edge_secrets_secret_file_modified_timestamp_seconds` is true at every
// scrape, and the alerting rules use it.
import { STATUSES } from '../core/check.js'
import type { CheckResult, Report } from '../core/report.js'

/** A rendered secret file as the node inventory saw it (never its contents). */
export interface SecretFileFact {
  readonly path: string
  readonly roles?: readonly string[]
  /** ISO time of the last write; absent when the file does not exist. */
  readonly mtime?: string
}

type Labels = Readonly<Record<string, string | undefined>>

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

/** `--label site=ams-1` becomes `label_site`: label names allow only [a-zA-Z0-9_], not starting with a digit. */
export const labelName = (key: string): string => `label_${key.replace(/[^A-Za-z0-9_]/g, '_')}`

/** Go's strconv.FormatFloat 'g' accepts what JavaScript prints, except that integers must stay integers. */
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN')

function sample(name: string, labels: Labels, value: number): string {
  const set = Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined)
  const body = set.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')
  return `${name}${body ? `{${body}}` : ''} ${num(value)}`
}

interface Family {
  readonly name: string
  readonly help: string
  readonly samples: readonly string[]
}

const family = (name: string, help: string, samples: readonly string[]): Family => ({ name, help, samples })

function checkSeries(c: CheckResult): string {
  return sample(
    'edge_secrets_check_status',
    {
      check: c.id,
      provider: c.provider,
      category: c.category,
      severity: c.severity,
      status: c.status,
      ...(c.status === 'skip' && c.skipReason ? { skip_reason: c.skipReason } : {}),
    },
    1,
  )
}

function nodeLabels(report: Report): Labels {
  const n = report.node
  const labels: Record<string, string | undefined> = {
    version: report.tool.version,
    hostname: n?.hostname,
    expanso_node_id: n?.expansoNodeId,
    kubernetes_node: n?.kubernetes?.node,
    kubernetes_pod: n?.kubernetes?.pod,
    kubernetes_namespace: n?.kubernetes?.namespace,
  }
  for (const [k, v] of Object.entries(n?.labels ?? {})) labels[labelName(k)] = v
  return labels
}

function fileFamilies(files: readonly SecretFileFact[], runEnd: number): Family[] {
  const written = files.filter((f) => f.mtime !== undefined && !Number.isNaN(Date.parse(f.mtime)))
  // A path named twice (an env file that is also a template destination) is one series.
  const seen = new Set<string>()
  const unique = written.filter((f) => !seen.has(f.path) && seen.add(f.path))
  const labels = (f: SecretFileFact) => ({ path: f.path, role: f.roles?.join(',') || undefined })
  return [
    family(
      'edge_secrets_secret_file_modified_timestamp_seconds',
      'When each rendered secret file was last written (Unix time); its age now is time() minus this.',
      unique.map((f) =>
        sample(
          'edge_secrets_secret_file_modified_timestamp_seconds',
          labels(f),
          Date.parse(f.mtime as string) / 1000,
        ),
      ),
    ),
    family(
      'edge_secrets_secret_file_age_seconds',
      'Age of each rendered secret file when the doctor ran.',
      unique.map((f) =>
        sample(
          'edge_secrets_secret_file_age_seconds',
          labels(f),
          Math.max(0, (runEnd - Date.parse(f.mtime as string)) / 1000),
        ),
      ),
    ),
  ]
}

export function renderPrometheus(report: Report, files: readonly SecretFileFact[] = []): string {
  const started = Date.parse(report.startedAt)
  const end = started + report.durationMs
  const families: Family[] = [
    family(
      'edge_secrets_check_status',
      'Status of each doctor check in the last run: one series per check, its status in the status label.',
      report.checks.map(checkSeries),
    ),
    family(
      'edge_secrets_checks',
      'Checks of the last run by status.',
      STATUSES.map((s) => sample('edge_secrets_checks', { status: s }, report.summary[s])),
    ),
    family('edge_secrets_last_run_timestamp_seconds', 'When the last doctor run finished (Unix time).', [
      sample('edge_secrets_last_run_timestamp_seconds', {}, end / 1000),
    ]),
    family('edge_secrets_run_duration_seconds', 'How long the last doctor run took.', [
      sample('edge_secrets_run_duration_seconds', {}, report.durationMs / 1000),
    ]),
    family(
      'edge_secrets_exit_code',
      'Exit code of the last doctor run: 0 healthy, 1 a check at or above --fail-on, 3 incomplete.',
      [sample('edge_secrets_exit_code', {}, report.exitCode)],
    ),
    family(
      'edge_secrets_run_interrupted',
      'Whether the last run was cut short (1) and its report is partial.',
      [sample('edge_secrets_run_interrupted', {}, report.interrupted ? 1 : 0)],
    ),
    family('edge_secrets_node_info', 'The node the doctor ran on and the doctor version (always 1).', [
      sample('edge_secrets_node_info', nodeLabels(report), 1),
    ]),
    ...fileFamilies(files, end),
  ]
  const out: string[] = []
  for (const f of families) {
    if (!f.samples.length) continue
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`, ...f.samples)
  }
  return `${out.join('\n')}\n`
}
