// The runner: orders checks by `needs`, runs the rest concurrently under a limit, gives each check a time
// limit and the run a deadline through AbortSignal, isolates a throwing or hanging check as `error`, and
// returns a Report in registry order. It never throws. Views (listr2, plain lines) subscribe to its events.
// It knows providers only through the definitions it is given (src/providers/index.ts in the app).
import picomatch from 'picomatch'
import type { AnyContext, Check, SkipReason } from './check.js'
import type { CoreConfig, IgnoreEntry } from './config.js'
import { formatDuration } from './duration.js'
import { RunAborted } from './net.js'
import { isProviderError, lazyApis, type ProviderDefinition, type ProviderSession } from './provider.js'
import { RunRecorder } from './recorder.js'
import { errorResult, redactReport, skipResult, toResult } from './result.js'
import {
  exitCodeFor,
  SCHEMA_VERSION,
  summarize,
  type CheckResult,
  type ExpiredIgnore,
  type FailOn,
  type NodeIdentity,
  type Report,
} from './report.js'

export interface RunOptions {
  /** The checks in scope (after --provider), in registry order. */
  readonly checks: readonly Check[]
  /** The provider registry: configured-ness, not-configured texts, titles and the APIs checks get. */
  readonly providers: readonly ProviderDefinition[]
  readonly config: CoreConfig
  /** --only / --skip globs, already validated to match something. */
  readonly only?: readonly string[]
  readonly skip?: readonly string[]
  readonly concurrency?: number
  readonly timeoutMs?: number
  readonly deadlineMs?: number
  readonly offline?: boolean
  readonly failOn?: FailOn
  /** SIGINT, SIGTERM, SIGHUP: aborting it ends the run with a partial report. */
  readonly signal?: AbortSignal
  readonly env?: NodeJS.ProcessEnv
  readonly now?: () => Date
  readonly version?: string
  /** The node this run is on (src/app/node-identity.ts). */
  readonly node?: NodeIdentity
  /** For tests: replaces provider APIs by id (`{ vault: fakeVault() }`). */
  readonly apis?: Readonly<Record<string, unknown>>
  readonly onStart?: (check: Check) => void
  readonly onResult?: (result: CheckResult) => void
}

export const DEFAULTS = { concurrency: 8, timeoutMs: 5_000, deadlineMs: 30_000 } as const
/** setTimeout's ceiling: a longer --timeout or --deadline would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647

/** Globs over check ids; `vault` alone means `vault.*`. */
export function globMatcher(globs: readonly string[]): (id: string) => boolean {
  const ms = globs.map((g) => picomatch(g.includes('.') || g.includes('*') ? g : `${g}.*`))
  return (id) => ms.some((m) => m(id))
}

const today = (now: Date) => now.toISOString().slice(0, 10)

/** An ignore entry applies through the end of its `until` day (UTC). */
export function splitIgnores(entries: readonly IgnoreEntry[], now: Date) {
  const active = entries.filter((e) => !e.until || e.until >= today(now))
  const expired: ExpiredIgnore[] = entries
    .filter((e) => e.until && e.until < today(now))
    .map((e) => ({ check: e.check, reason: e.reason, until: e.until as string }))
  return { active, expired }
}

/** --only/--skip decide what is reported; the checks a selected check needs run too. */
function selection(opts: RunOptions) {
  const byId = new Map(opts.checks.map((c) => [c.id, c]))
  const onlyM = opts.only?.length ? globMatcher(opts.only) : () => true
  const skipM = opts.skip?.length ? globMatcher(opts.skip) : () => false
  const selected = new Set(opts.checks.filter((c) => onlyM(c.id) && !skipM(c.id)).map((c) => c.id))
  const toRun = new Set<string>()
  const addWithNeeds = (id: string) => {
    if (toRun.has(id) || !byId.has(id)) return
    toRun.add(id)
    for (const n of byId.get(id)?.needs ?? []) addWithNeeds(n)
  }
  for (const id of selected) addWithNeeds(id)
  return { byId, selected, toRun }
}

/**
 * At most `n` checks in flight; a freed slot goes to the waiting check with the longest chain of checks
 * behind it (then first come, first served). A leaf such as a latency sample then never holds up the
 * `vault.health` → `vault.auth` → `vault.secret-paths` chain: the run's length is its longest chain of
 * round trips, not that plus the queue.
 */
function limiter(n: number) {
  let inFlight = 0
  let arrivals = 0
  const waiters: { priority: number; order: number; go: () => void }[] = []
  return {
    acquire: (priority = 0) =>
      inFlight < n
        ? (inFlight++, Promise.resolve())
        : new Promise<void>((resolve) => {
            waiters.push({ priority, order: arrivals++, go: () => (inFlight++, resolve()) })
            waiters.sort((a, b) => b.priority - a.priority || a.order - b.order)
          }),
    release: () => {
      inFlight--
      waiters.shift()?.go()
    },
  }
}

/** How many checks wait behind each check at most, one after another (its longest chain of dependents). */
function chainLengths(checks: readonly Check[]): Map<string, number> {
  const dependents = new Map<string, string[]>()
  for (const c of checks)
    for (const need of c.needs ?? []) dependents.set(need, [...(dependents.get(need) ?? []), c.id])
  const memo = new Map<string, number>()
  const length = (id: string, seen: ReadonlySet<string>): number => {
    const known = memo.get(id)
    if (known !== undefined) return known
    const next = new Set(seen).add(id)
    const behind = (dependents.get(id) ?? []).filter((d) => !seen.has(d)).map((d) => 1 + length(d, next))
    const l = Math.max(0, ...behind)
    memo.set(id, l)
    return l
  }
  for (const c of checks) length(c.id, new Set())
  return memo
}

const reasonOf = (signal: AbortSignal) =>
  signal.reason instanceof RunAborted ? signal.reason.why : 'the run was cancelled'

const base = (check: Check) => ({
  id: check.id,
  title: check.title,
  provider: check.provider,
  category: check.category,
  durationMs: 0,
})

/** What a thrown error becomes: the deadline's or timeout's `error`, a provider's, or a crash. */
function thrownResult(check: Check, e: unknown, signal: AbortSignal, durationMs: number): CheckResult {
  const b = { ...base(check), durationMs }
  if (e instanceof RunAborted) return errorResult(b, `could not finish: ${e.why}`)
  if (signal.aborted && signal.reason instanceof RunAborted)
    return errorResult(b, `could not finish: ${signal.reason.why}`)
  if (isProviderError(e)) {
    const facts = Object.entries(e.facts)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${v}`)
    return errorResult(b, `${e.provider}: ${e.message}`, facts)
  }
  const err = e as Error
  return errorResult(b, `check crashed: ${err?.message ?? String(e)}`)
}

export async function runChecks(opts: RunOptions): Promise<Report> {
  const now = opts.now ?? (() => new Date())
  const startedAt = now()
  const t0 = performance.now()
  const timeoutMs = Math.min(opts.timeoutMs ?? DEFAULTS.timeoutMs, MAX_TIMER_MS)
  const deadlineMs = Math.min(opts.deadlineMs ?? DEFAULTS.deadlineMs, MAX_TIMER_MS)
  const offline = opts.offline ?? false
  const recorder = new RunRecorder()

  const runController = new AbortController()
  const deadlineTimer = setTimeout(
    () => runController.abort(new RunAborted(`the run's deadline (${formatDuration(deadlineMs)}) passed`)),
    deadlineMs,
  )
  const onInterrupt = () => runController.abort(new RunAborted('the run was interrupted'))
  if (opts.signal?.aborted) onInterrupt()
  opts.signal?.addEventListener('abort', onInterrupt, { once: true })

  const session: ProviderSession = {
    config: opts.config,
    signal: runController.signal,
    timeoutMs,
    offline,
    recorder,
    now,
    env: opts.env ?? process.env,
    api: (id) => shared(id),
  }
  const api = lazyApis(opts.providers, session)
  /** A provider's API for this run: an injected one (tests), else the one made on first use. */
  const shared = (id: string) => opts.apis?.[id] ?? api(id)
  const providerOf = (id: string) => opts.providers.find((p) => p.id === id)
  const { byId, selected, toRun } = selection(opts)
  const { active: ignores, expired } = splitIgnores(opts.config.ignore, now())
  const ignoreFor = (id: string) => ignores.find((e) => globMatcher([e.check])(id))
  const settled = new Map<string, Promise<CheckResult>>()
  const slots = limiter(Math.max(1, opts.concurrency ?? DEFAULTS.concurrency))
  const chain = chainLengths(opts.checks)

  const finish = (r: CheckResult): CheckResult => {
    settledAt.set(r.id, sinceStart())
    opts.onResult?.(r)
    return r
  }

  const preSkip = (check: Check): { reason: SkipReason; detail: string } | undefined => {
    if (!toRun.has(check.id)) return { reason: 'filtered', detail: 'not selected by --only/--skip' }
    const ig = ignoreFor(check.id)
    if (ig && selected.has(check.id))
      return { reason: 'ignored', detail: `${ig.reason}${ig.until ? ` (until ${ig.until})` : ''}` }
    const provider = providerOf(check.provider)
    if (!provider?.configured(opts.config as never))
      return {
        reason: 'not-configured',
        detail: provider?.notConfigured ?? `${check.provider} is not configured`,
      }
    const network = typeof check.network === 'function' ? check.network(opts.config) : check.network
    if (offline && network) return { reason: 'offline', detail: 'needs the network; --offline is set' }
    return undefined
  }

  const sinceStart = () => Math.round(performance.now() - t0)
  const settledAt = new Map<string, number>()

  /** A failed need makes this check `skip: dependency-failed`, naming it: one root cause, not a cascade. */
  const failedNeed = async (check: Check): Promise<string | undefined> => {
    for (const need of check.needs ?? []) {
      const dep = settled.get(need)
      if (!dep) continue // not in scope (another provider filtered by --provider)
      const r = await dep
      if (r.status !== 'pass' && r.status !== 'warn')
        return `${need} did not pass (${r.status === 'skip' ? `skip: ${r.skipReason}` : r.status})`
    }
    return undefined
  }

  const timingOf = (check: Check, readyMs: number, startMs: number) => {
    const needs = (check.needs ?? []).flatMap((n) =>
      settledAt.has(n) ? [{ check: n, settledMs: settledAt.get(n) as number }] : [],
    )
    return { startMs, queuedMs: Math.max(0, startMs - readyMs), ...(needs.length ? { needs } : {}) }
  }

  /** The context a check sees: its own provider's API and the node's, both lazy (an SDK loads on first use). */
  const contextFor = (check: Check, signal: AbortSignal): AnyContext => {
    const ctx: Record<string, unknown> = { config: opts.config, signal, now, offline, recorder }
    for (const id of new Set([check.provider, 'node']))
      Object.defineProperty(ctx, id, { get: () => shared(id), enumerable: true })
    return ctx as unknown as AnyContext
  }

  const attempt = async (check: Check): Promise<CheckResult> => {
    const readyMs = sinceStart()
    await slots.acquire(chain.get(check.id))
    const timing = timingOf(check, readyMs, sinceStart())
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    const own = new AbortController()
    const timer = setTimeout(
      () => own.abort(new RunAborted(`no answer within ${formatDuration(timeoutMs)} (--timeout)`)),
      timeoutMs,
    )
    const signal = AbortSignal.any([runController.signal, own.signal])
    try {
      if (signal.aborted) return errorResult(base(check), `not run: ${reasonOf(signal)}`)
      opts.onStart?.(check)
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      )
      aborted.catch(() => {})
      const outcome = await Promise.race([check.run(contextFor(check, signal)), aborted])
      return { ...toResult(check, outcome, elapsed()), timing }
    } catch (e) {
      return { ...thrownResult(check, e, signal, elapsed()), timing }
    } finally {
      clearTimeout(timer)
      slots.release()
    }
  }

  const execute = async (check: Check): Promise<CheckResult> => {
    const pre = preSkip(check)
    if (pre) return finish(skipResult(base(check), pre.reason, pre.detail))
    const why = await failedNeed(check)
    if (why) return finish(skipResult(base(check), 'dependency-failed', why))
    if (check.runsLast)
      await Promise.allSettled(
        [...settled.entries()].filter(([id]) => !byId.get(id)?.runsLast).map(([, p]) => p),
      )
    if (runController.signal.aborted)
      return finish(errorResult(base(check), `not run: ${reasonOf(runController.signal)}`))
    return finish(await attempt(check))
  }

  // Start in registry order; `needs` waits on promises, so order only breaks ties.
  for (const check of opts.checks)
    settled.set(
      check.id,
      Promise.resolve().then(() => execute(check)),
    )
  const results = new Map<string, CheckResult>()
  for (const [id, p] of settled) results.set(id, await p)
  clearTimeout(deadlineTimer)
  opts.signal?.removeEventListener('abort', onInterrupt)

  const reported = opts.checks.map((c) => results.get(c.id) as CheckResult)
  const summary = summarize(reported)
  const failOn = opts.failOn ?? 'fail'
  const inReport = new Set(reported.map((c) => c.provider))
  return redactReport({
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'edge-secrets', version: opts.version ?? '0.0.0' },
    providers: opts.providers.filter((p) => inReport.has(p.id)).map((p) => ({ id: p.id, title: p.title })),
    ...(opts.node ? { node: opts.node } : {}),
    ...(opts.config.file
      ? {
          config: {
            file: opts.config.file,
            ...(opts.config.locations ? { locations: opts.config.locations } : {}),
          },
        }
      : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    summary,
    exitCode: exitCodeFor(summary, failOn),
    failOn,
    identities: recorder.identities,
    checks: reported,
    ...(expired.length ? { expiredIgnores: expired } : {}),
    ...(opts.signal?.aborted ? { interrupted: true } : {}),
  })
}
