// What `doctor` (and `demo`) do between parsing flags and exiting: load the config, select checks, run them
// with a progress view on stderr, render the one Report in the chosen format, and return the exit code.
// Usage problems throw UsageError (exit 2, one line, no stack).
import {
  accessSync,
  appendFileSync,
  constants,
  existsSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, resolve } from 'node:path'
import { checks as catalogue } from '../checks/index.js'
import type { Check } from '../core/check.js'
import { formatDuration, parseDuration } from '../core/duration.js'
import { guardStream, writeOwn } from '../core/redact.js'
import type { FailOn, Report } from '../core/report.js'
import { DEFAULTS, globMatcher, MAX_TIMER_MS, runChecks } from '../core/run.js'
import { didYouMean } from '../core/suggest.js'
import { providerById, providers } from '../providers/index.js'
import { criticalPathLines } from '../render/critical-path.js'
import { liveProgress, plainProgress, progressMode, type ProgressView } from '../render/live.js'
import { renderText } from '../render/text.js'
import { makeColor } from './color.js'
import { ConfigError, loadConfig, type ResolvedConfig } from './config.js'
import { renderFormat, type Format } from './formats.js'
import { nodeIdentity, parseLabels } from './node-identity.js'
import { parseProviders, titleOf } from './providers.js'
import { UsageError } from './usage-error.js'

const splitList = (xs: readonly string[] | undefined): string[] =>
  (xs ?? [])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean)

export { UsageError }

export interface DoctorOptions {
  readonly config?: string
  readonly providers?: readonly string[]
  readonly only?: readonly string[]
  readonly skip?: readonly string[]
  readonly format?: Format
  readonly output?: string
  readonly failOn?: FailOn
  readonly timeout?: string
  readonly deadline?: string
  readonly concurrency?: number
  readonly offline?: boolean
  readonly manifests?: readonly string[]
  readonly verbose?: boolean
  readonly color?: boolean
  /** --label k=v: names this node in the report (fleet runs). */
  readonly labels?: readonly string[]
  readonly version?: string
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  readonly stdout?: NodeJS.WriteStream
  readonly stderr?: NodeJS.WriteStream
  /** Supplies an already-resolved config (demo) instead of discovering one. */
  readonly resolvedConfig?: ResolvedConfig
  /** Restricts the catalogue (tests). */
  readonly catalogue?: readonly Check[]
}

const MACHINE_FORMATS: readonly Format[] = ['json', 'junit', 'sarif', 'github', 'prometheus', 'codeclimate']

function durationFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const ms = parseDuration(value)
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${name} ${value}: expected a duration like 5s, 1500ms or 2m`)
  if (ms > MAX_TIMER_MS)
    throw new UsageError(
      `--${name} ${value}: at most ${formatDuration(MAX_TIMER_MS)} (the longest timer Node.js can set)`,
    )
  return ms
}

/** Validates globs against the catalogue: a glob that matches nothing is a typo, named with its nearest ids. */
export function checkGlobs(flag: string, globs: readonly string[], ids: readonly string[]): void {
  for (const g of globs)
    if (!ids.some(globMatcher([g])))
      throw new UsageError(`${flag} ${g}: matches no check id${didYouMean(g, ids)}`)
}

/** -o is checked before any check runs: a run whose report cannot be written is exit 2, not a lost hour. */
function checkOutputPath(path: string | undefined, cwd: string): string | undefined {
  if (path === undefined) return undefined
  const abs = resolve(cwd, path)
  let isDir = false
  try {
    isDir = statSync(abs).isDirectory()
  } catch {
    // does not exist yet: its folder must
  }
  if (isDir) throw new UsageError(`-o ${path}: is a directory; name a file`)
  try {
    accessSync(abs, constants.W_OK)
    return abs
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`-o ${path}: not writable`)
  }
  try {
    accessSync(dirname(abs), constants.W_OK)
  } catch (e) {
    throw new UsageError(
      `-o ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `the folder ${dirname(abs)} does not exist` : `cannot write in ${dirname(abs)}`}`,
    )
  }
  return abs
}

/**
 * -o lands whole or not at all: node_exporter's textfile collector, a CI step or `report merge` may read the
 * file the moment it appears, and must never see half a report.
 */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  try {
    writeFileSync(tmp, text)
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

/** GITHUB_STEP_SUMMARY that cannot be written is a warning, never a change of exit code. */
function stepSummaryWritable(path: string): string | undefined {
  try {
    appendFileSync(path, '')
    return undefined
  } catch (e) {
    return `GITHUB_STEP_SUMMARY ${path} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}): the markdown summary is skipped`
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** SIGINT, SIGTERM and SIGHUP end the run with a partial report rather than killing it mid-sentence. */
function onSignals(abort: () => void): () => void {
  for (const s of SIGNALS) process.once(s, abort)
  return () => {
    for (const s of SIGNALS) process.removeListener(s, abort)
  }
}

function inScope(all: readonly Check[], config: ResolvedConfig, requested: readonly string[] | undefined) {
  const ids = parseProviders(requested)
  // Without --provider: every provider configured or detected here. Named with --provider but not set up,
  // a provider's checks are listed as `skip: not-configured`, saying what is missing.
  return all.filter((c) =>
    ids
      ? (ids as readonly string[]).includes(c.provider)
      : !!providerById(c.provider)?.configured(config as never),
  )
}

export async function runDoctor(opts: DoctorOptions): Promise<{ report: Report; exitCode: number }> {
  const t0 = performance.now()
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const stdout = opts.stdout ?? process.stdout
  const stderr = opts.stderr ?? process.stderr
  guardStream(stdout)
  guardStream(stderr)
  const format: Format = opts.format ?? 'text'
  const all = opts.catalogue ?? catalogue
  const ids = all.map((c) => c.id)
  const timeoutMs = durationFlag('timeout', opts.timeout, DEFAULTS.timeoutMs)
  const deadlineMs = durationFlag('deadline', opts.deadline, DEFAULTS.deadlineMs)
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1))
    throw new UsageError(`--concurrency ${opts.concurrency}: expected a whole number of at least 1`)
  // `--only a,b` and `--only a --only b` mean the same.
  const only = splitList(opts.only)
  const skipGlobs = splitList(opts.skip)
  checkGlobs('--only', only, ids)
  checkGlobs('--skip', skipGlobs, ids)
  parseProviders(opts.providers)
  const node = nodeIdentity(env, parseLabels(opts.labels))
  const output = checkOutputPath(opts.output, cwd)
  for (const m of opts.manifests ?? [])
    if (!existsSync(resolve(cwd, m))) throw new UsageError(`--manifests ${m}: no such file or folder`)
  const write = (s: string) => void writeOwn(stderr, s)
  const summaryProblem =
    format === 'github' && env.GITHUB_STEP_SUMMARY ? stepSummaryWritable(env.GITHUB_STEP_SUMMARY) : undefined
  if (summaryProblem) write(`edge-secrets: warning: ${summaryProblem}\n`)

  const config =
    opts.resolvedConfig ?? (await loadConfig({ file: opts.config, env, cwd, manifests: opts.manifests }))
  for (const entry of config.ignore)
    if (!ids.some(globMatcher([entry.check])))
      throw new ConfigError(
        `ignore: "${entry.check}" matches no check id${didYouMean(entry.check, ids)}`,
        config.file,
      )

  const scope = inScope(all, config, opts.providers)
  const color = makeColor(opts.color, env, stderr)
  const machine = MACHINE_FORMATS.includes(format)
  const mode = progressMode({ isTTY: !!stderr.isTTY, ci: !!env.CI })
  const progress: ProgressView =
    mode === 'live' ? await liveProgress(scope, stderr, color, titleOf) : plainProgress(write, color)

  const interrupt = new AbortController()
  const release = onSignals(() => interrupt.abort())
  let report: Report
  try {
    report = await runChecks({
      checks: scope,
      providers,
      config,
      only,
      skip: skipGlobs,
      concurrency: opts.concurrency,
      timeoutMs,
      // Loading the config counts against the deadline: the whole run is bounded, not just the checks.
      deadlineMs: Math.max(1, deadlineMs - Math.round(performance.now() - t0)),
      offline: opts.offline,
      failOn: opts.failOn,
      signal: interrupt.signal,
      env,
      version: opts.version,
      node,
      onStart: (c) => progress.start(c),
      onResult: (r) => progress.result(r),
    })
  } finally {
    release()
  }
  await progress.done()

  // The document's colour follows where it goes: never into a file, else as stdout allows.
  const docColor = makeColor(output ? false : opts.color, env, stdout)
  const doc =
    format === 'text'
      ? renderText(report, { color: docColor, verbose: opts.verbose })
      : await renderFormat(format, report, all, { config, env, cwd })
  // The human summary goes to stderr whenever stdout does not already carry it.
  if (output || machine || format === 'markdown') write(renderText(report, { color, verbose: opts.verbose }))
  if (output) writeAtomically(output, doc)
  else writeOwn(stdout, doc)
  // When the doctor itself seems slow, --verbose says where the time went.
  if (opts.verbose)
    write(
      criticalPathLines(report)
        .map((l) => `${color.dim(l)}\n`)
        .join(''),
    )
  if (format === 'github' && env.GITHUB_STEP_SUMMARY && !summaryProblem)
    appendFileSync(env.GITHUB_STEP_SUMMARY, await renderFormat('markdown', report, all, { config, env, cwd }))
  return { report, exitCode: report.exitCode }
}
