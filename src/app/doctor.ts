// What `doctor` (and `demo`) do between parsing flags and exiting: load the config, select checks, run them
// with a progress view on stderr, render the one Report in the chosen format, and return the exit code.
// Usage problems throw UsageError (exit 2, one line, no stack).
import { appendFileSync, writeFileSync } from 'node:fs'
import { closest, distance } from 'fastest-levenshtein'
import { checks as catalogue } from '../checks/index.js'
import { PROVIDERS, type Check, type ProviderId } from '../core/check.js'
import { ConfigError, loadConfig } from '../core/config.js'
import type { ResolvedConfig } from '../core/config-types.js'
import { parseDuration } from '../core/duration.js'
import { providers } from '../providers/index.js'
import { guardStream, redact, redactDeep } from '../core/redact.js'
import type { FailOn, Report } from '../core/report.js'
import { DEFAULTS, globMatcher, runChecks } from '../core/run.js'
import { liveProgress, plainProgress, progressMode, type ProgressView } from '../render/live.js'
import { renderText } from '../render/text.js'
import { makeColor } from './color.js'
import { UsageError } from './usage-error.js'
import { renderFormat, type Format } from './formats.js'

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

const MACHINE_FORMATS: readonly Format[] = ['json', 'junit', 'sarif', 'github']

function durationFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const ms = parseDuration(value)
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${name} ${value}: expected a duration like 5s, 1500ms or 2m`)
  return ms
}

/** Validates globs against the catalogue: a glob that matches nothing is a typo, named with its nearest ids. */
export function checkGlobs(flag: string, globs: readonly string[], ids: readonly string[]): void {
  for (const g of globs) {
    if (ids.some(globMatcher([g]))) continue
    const near = ids
      .map((id) => [id, distance(g, id)] as const)
      .sort((a, b) => a[1] - b[1])
      .slice(0, 3)
      .map(([id]) => id)
    throw new UsageError(
      `${flag} ${g}: matches no check id${near.length ? `. Did you mean ${near.join(', ')}?` : ''}`,
    )
  }
}

/** Which providers run: --provider, else every configured or detected one (node always). */
export function selectProviders(requested: readonly string[] | undefined): ProviderId[] | undefined {
  if (!requested?.length) return undefined
  const out: ProviderId[] = []
  for (const p of requested.flatMap((r) => r.split(','))) {
    const id = (p === 'k8s' ? 'kubernetes' : p) as ProviderId
    if (!PROVIDERS.includes(id))
      throw new UsageError(
        `--provider ${p}: unknown provider. Did you mean ${closest(p, [...PROVIDERS])}? (${PROVIDERS.join(', ')})`,
      )
    out.push(id)
  }
  return out
}

export async function runDoctor(opts: DoctorOptions): Promise<{ report: Report; exitCode: number }> {
  const env = opts.env ?? process.env
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
  const providerIds = selectProviders(opts.providers)

  const config =
    opts.resolvedConfig ??
    (await loadConfig({ file: opts.config, env, cwd: opts.cwd, manifests: opts.manifests }))
  for (const entry of config.ignore)
    if (!ids.some(globMatcher([entry.check])))
      throw new ConfigError(`ignore: "${entry.check}" matches no check id`, config.file)

  // Without --provider: every provider configured or detected here. Named with --provider but not set up,
  // a provider's checks are listed as `skip: not-configured`, saying what is missing.
  const inScope = all.filter((c) =>
    providerIds ? providerIds.includes(c.provider) : providers[c.provider].configured(config),
  )
  const color = makeColor(opts.color, env, stderr)
  const machine = MACHINE_FORMATS.includes(format)
  const mode = progressMode({ isTTY: !!stderr.isTTY, ci: !!env.CI })
  const write = (s: string) => void stderr.write(s)
  const progress: ProgressView =
    mode === 'live' ? await liveProgress(inScope, stderr, color) : plainProgress(write, color)

  // SIGINT ends the run with a partial report rather than killing it mid-sentence.
  const interrupt = new AbortController()
  const onSigint = () => interrupt.abort()
  process.once('SIGINT', onSigint)
  let report: Report
  try {
    report = await runChecks({
      checks: inScope,
      config,
      only,
      skip: skipGlobs,
      concurrency: opts.concurrency,
      timeoutMs,
      deadlineMs,
      offline: opts.offline,
      failOn: opts.failOn,
      signal: interrupt.signal,
      env,
      version: opts.version,
      onStart: (c) => progress.start(c),
      onResult: (r) => progress.result(r),
    })
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  await progress.done()
  report = redactDeep(report)

  // The document's colour follows where it goes: never into a file, else as stdout allows.
  const docColor = makeColor(opts.output ? false : opts.color, env, stdout)
  const doc = redact(
    format === 'text'
      ? renderText(report, { color: docColor, verbose: opts.verbose })
      : await renderFormat(format, report, all),
  )
  // The human summary goes to stderr whenever stdout does not already carry it.
  if (opts.output || machine || format === 'markdown')
    write(renderText(report, { color, verbose: opts.verbose }))
  if (opts.output) writeFileSync(opts.output, doc)
  else stdout.write(doc)
  if (format === 'github' && env.GITHUB_STEP_SUMMARY)
    appendFileSync(env.GITHUB_STEP_SUMMARY, redact(await renderFormat('markdown', report, all)))
  return { report, exitCode: report.exitCode }
}
