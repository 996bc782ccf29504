// `fleet run`: the doctor as an engine runs it on a node (a DaemonSet's init container, a Bacalhau ops job,
// an Expanso pipeline's command processor). Its stdout is exactly one line, the report as compact JSON —
// what `kubectl logs`, `bacalhau job describe` and a pipeline's output carry back, and `report merge`
// reads — and nothing else is printed, so the logs hold reports only. It also writes, atomically, the
// Prometheus textfile node_exporter reads and/or the report file an engine collects.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { writeOwn } from '../core/redact.js'
import type { Report } from '../core/report.js'
import { renderJson } from '../render/json.js'
import { renderPrometheus } from '../render/prometheus.js'
import { secretFileFacts } from './bundle-inventory.js'
import { loadConfig } from './config.js'
import { runDoctor, type DoctorOptions } from './doctor.js'
import { outputPath, writeAtomic } from './report-run.js'
import { UsageError } from './usage-error.js'

export type FleetRunOptions = Omit<
  DoctorOptions,
  'format' | 'output' | 'verbose' | 'stdout' | 'stderr' | 'resolvedConfig'
> & {
  /** Write the Prometheus textfile here (node_exporter's textfile directory, a `.prom` name). */
  readonly textfile?: string
  /** Write the report JSON into this folder, named after the node (an engine's result folder). */
  readonly reportDir?: string
  /** The host's name, from a file mounted from it (a container's own host name is random). */
  readonly hostnameFile?: string
  readonly stdout?: NodeJS.WritableStream
}

class Sink extends Writable {
  isTTY = false
  override _write(_c: unknown, _e: BufferEncoding, done: () => void) {
    done()
  }
}

function hostnameFrom(file: string | undefined): string | undefined {
  if (!file) return undefined
  try {
    const name = readFileSync(file, 'utf8').split('\n')[0]?.trim()
    return name || undefined
  } catch (e) {
    throw new UsageError(
      `--hostname-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

export async function runFleetRun(opts: FleetRunOptions): Promise<Report> {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const textfile = outputPath(opts.textfile, cwd)
  if (textfile && !textfile.endsWith('.prom'))
    throw new UsageError(`--textfile ${opts.textfile}: node_exporter reads only *.prom files`)
  const reportDir = opts.reportDir ? resolve(cwd, opts.reportDir) : undefined
  if (reportDir) outputPath(join(reportDir, 'probe'), cwd)
  const host = hostnameFrom(opts.hostnameFile)
  const config = await loadConfig({ file: opts.config, env, cwd, manifests: opts.manifests })
  const { textfile: _t, reportDir: _r, hostnameFile: _h, stdout, ...doctor } = opts
  const sink = new Sink()
  const run = await runDoctor({
    ...doctor,
    format: 'json',
    color: false,
    resolvedConfig: config,
    stdout: sink as unknown as NodeJS.WriteStream,
    stderr: sink as unknown as NodeJS.WriteStream,
  })
  const report: Report =
    host && run.report.node ? { ...run.report, node: { ...run.report.node, hostname: host } } : run.report
  const line = JSON.stringify(JSON.parse(renderJson(report)))
  if (textfile) writeAtomic(textfile, renderPrometheus(report, await secretFileFacts(config, env)))
  if (reportDir) {
    const name = (
      report.node?.kubernetes?.node ??
      report.node?.expansoNodeId ??
      report.node?.hostname ??
      'node'
    ).replace(/[^A-Za-z0-9_.-]/g, '_')
    writeAtomic(join(reportDir, `edge-secrets-${name}.json`), `${line}\n`)
  }
  writeOwn(stdout ?? process.stdout, `${line}\n`)
  return report
}
