// What `report show`, `report diff` and `report merge` do between parsing flags and exiting. Reports are
// data that came back from elsewhere: read through report-load / report-sources, rendered by pure
// renderers, written whole (a file is replaced atomically, so a textfile collector or a CI step never reads
// half of one).
import { accessSync, constants, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { writeOwn } from '../core/redact.js'
import { verdictLine, type FailOn, type Report } from '../core/report.js'
import { makeColor } from './color.js'
import { FORMATS, renderFormat, type Format } from './formats.js'
import { loadReport } from './report-load.js'
import { UsageError } from './usage-error.js'

export interface OutputOptions {
  readonly output?: string
  readonly color?: boolean
  readonly verbose?: boolean
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean }
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean }
}

/** -o is checked before anything is read: an unwritable destination is exit 2 up front. */
export function outputPath(path: string | undefined, cwd: string): string | undefined {
  if (path === undefined || path === '-') return undefined
  const abs = resolve(cwd, path)
  try {
    if (statSync(abs).isDirectory()) throw new UsageError(`-o ${path}: is a directory; name a file`)
  } catch (e) {
    if (e instanceof UsageError) throw e
  }
  try {
    accessSync(dirname(abs), constants.W_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(
      `-o ${path}: ${code === 'ENOENT' ? `the folder ${dirname(abs)} does not exist` : `cannot write in ${dirname(abs)}`}`,
    )
  }
  return abs
}

/** Replaces `path` in one step: written beside it, then renamed over it. */
export function writeAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, content, { mode })
  renameSync(tmp, path)
}

function emit(doc: string, out: string | undefined, opts: OutputOptions): void {
  if (out) writeAtomic(out, doc)
  else writeOwn(opts.stdout ?? process.stdout, doc)
}

// ---------------------------------------------------------------------------------------------------------
// show

export type ShowFormat = Format

export async function runShow(path: string, format: ShowFormat, opts: OutputOptions = {}): Promise<Report> {
  const cwd = opts.cwd ?? process.cwd()
  const out = outputPath(opts.output, cwd)
  const env = opts.env ?? process.env
  const report = await loadReport(path === '-' ? '-' : resolve(cwd, path))
  let doc: string
  if (format === 'text') {
    const { renderText } = await import('../render/text.js')
    doc = renderText(report, {
      color: makeColor(out ? false : opts.color, env, opts.stdout ?? process.stdout),
      verbose: opts.verbose,
    })
  } else {
    const { checks } = await import('../checks/index.js')
    const secretFiles =
      format === 'prometheus' && path !== '-' ? await bundleSecretFiles(resolve(cwd, path)) : undefined
    doc = await renderFormat(format, report, checks, secretFiles ? { secretFiles } : {})
  }
  emit(doc, out, opts)
  return report
}

/** A bundle's secret-file inventory, so a re-rendered textfile carries the file series the node had. */
async function bundleSecretFiles(path: string) {
  const { readFile } = await import('node:fs/promises')
  const { readBundleEntry } = await import('./bundle-tar.js')
  const { isGzip } = await import('./report-load.js')
  const bytes = await readFile(path)
  if (!isGzip(bytes)) return undefined
  const entry = await readBundleEntry(bytes, 'secret-files.json', 8 << 20)
  if (entry.kind !== 'found') return undefined
  try {
    const files = JSON.parse(entry.text) as { path: string; roles?: string[]; mtime?: string }[]
    return Array.isArray(files) ? files.filter((f) => typeof f?.path === 'string') : undefined
  } catch {
    return undefined
  }
}

export const SHOW_FORMATS = FORMATS

// ---------------------------------------------------------------------------------------------------------
// diff

export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const

export async function runDiff(
  before: string,
  after: string,
  format: (typeof DIFF_FORMATS)[number],
  opts: OutputOptions = {},
): Promise<number> {
  const cwd = opts.cwd ?? process.cwd()
  const out = outputPath(opts.output, cwd)
  if (before === '-' && after === '-') throw new UsageError('BEFORE and AFTER cannot both be - (stdin)')
  const [b, a] = [
    await loadReport(before === '-' ? '-' : resolve(cwd, before)),
    await loadReport(after === '-' ? '-' : resolve(cwd, after)),
  ]
  const { diffReports } = await import('../render/diff-model.js')
  const r = await import('../render/diff.js')
  const d = diffReports(b, a)
  const env = opts.env ?? process.env
  const doc =
    format === 'json'
      ? r.renderDiffJson(d)
      : format === 'markdown'
        ? r.renderDiffMarkdown(d)
        : r.renderDiffText(d, makeColor(out ? false : opts.color, env, opts.stdout ?? process.stdout))
  emit(doc, out, opts)
  if (out || format !== 'text') writeOwn(opts.stderr ?? process.stderr, `${r.diffLine(d)}\n`)
  return d.exitCode
}

// ---------------------------------------------------------------------------------------------------------
// merge

export const MERGE_FORMATS = ['text', 'markdown', 'json', 'junit'] as const

export interface MergeRunOptions extends OutputOptions {
  readonly format?: (typeof MERGE_FORMATS)[number]
  readonly failOn?: FailOn
  readonly version?: string
  readonly stdin?: NodeJS.ReadableStream
  /** Worker threads (0: in-process); default by input size and cores. */
  readonly workers?: number
}

export async function runMerge(paths: readonly string[], opts: MergeRunOptions = {}): Promise<number> {
  const cwd = opts.cwd ?? process.cwd()
  const out = outputPath(opts.output, cwd)
  const format = opts.format ?? 'text'
  const { checkSources } = await import('./report-sources.js')
  const { FleetMerger } = await import('./report-merge.js')
  const { mergeInputs } = await import('./report-workers.js')
  const kinds = await checkSources(paths, cwd)
  const merger = new FleetMerger()
  await mergeInputs(merger, { paths, kinds, cwd, stdin: opts.stdin ?? process.stdin, workers: opts.workers })
  const view = merger.view({ failOn: opts.failOn, version: opts.version, statuses: format === 'junit' })
  const env = opts.env ?? process.env
  const m = await import('../render/merge.js')
  let doc: string
  if (format === 'json') doc = (await import('../render/merge-json.js')).renderMergeJson(view)
  else if (format === 'junit')
    doc = (await import('../render/merge-junit.js')).renderMergeJunit(view, merger.titles())
  else if (format === 'markdown') doc = m.renderMergeMarkdown(view)
  else
    doc = m.renderMergeText(view, {
      color: makeColor(out ? false : opts.color, env, opts.stdout ?? process.stdout),
      verbose: opts.verbose,
    })
  emit(doc, out, opts)
  if (out || format !== 'text') writeOwn(opts.stderr ?? process.stderr, `${m.fleetLine(view)}\n`)
  return view.exitCode
}

/** The one line a command prints on stderr after re-rendering a saved report to a file or a machine format. */
export const shownLine = (report: Report): string => `${verdictLine(report)}\n`
