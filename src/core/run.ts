// The runner: orders checks by `needs`, runs the rest concurrently under a limit, gives each check a time
// limit and the run a deadline through AbortSignal, isolates a throwing or hanging check as `error`, and
// returns a Report in registry order. It never throws. Views (listr2, plain lines) subscribe to its events.
import picomatch from 'picomatch'
import { lazyApis, providers } from '../providers/index.js'
import { remedies, type RemedyId } from '../remedies.js'
import { fill, type Check, type CheckContext, type Outcome, type Severity, type SkipReason } from './check.js'
import type { IgnoreEntry, ResolvedConfig } from './config-types.js'
import { formatDuration } from './duration.js'
import { isProviderError, type ProviderSession } from './provider.js'
import { RunRecorder } from './recorder.js'
import { redact } from './redact.js'
import {
  exitCodeFor,
  SCHEMA_VERSION,
  severityRank,
  statusRank,
  summarize,
  type CheckResult,
  type ExpiredIgnore,
  type FailOn,
  type FindingResult,
  type RemedyRef,
  type Report,
} from './report.js'

export interface RunOptions {
  /** The checks in scope (after --provider), in registry order. */
  readonly checks: readonly Check[]
  readonly config: ResolvedConfig
  /** --only / --skip globs, already validated to match something. */
  readonly only?: readonly string[]
  readonly skip?: readonly string[]
  readonly concurrency?: number
  readonly timeoutMs?: number
  readonly deadlineMs?: number
  readonly offline?: boolean
  readonly failOn?: FailOn
  /** SIGINT: aborting it ends the run with a partial report. */
  readonly signal?: AbortSignal
  readonly env?: NodeJS.ProcessEnv
  readonly now?: () => Date
  readonly version?: string
  /** For tests: replaces the provider APIs the checks see. */
  readonly apis?: Partial<CheckContext>
  readonly onStart?: (check: Check) => void
  readonly onResult?: (result: CheckResult) => void
}

export const DEFAULTS = { concurrency: 8, timeoutMs: 5_000, deadlineMs: 30_000 } as const

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

class Deadline extends Error {
  constructor(readonly why: string) {
    super(why)
  }
}

export async function runChecks(opts: RunOptions): Promise<Report> {
  const now = opts.now ?? (() => new Date())
  const startedAt = now()
  const t0 = performance.now()
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULTS.concurrency)
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs
  const deadlineMs = opts.deadlineMs ?? DEFAULTS.deadlineMs
  const offline = opts.offline ?? false
  const recorder = new RunRecorder()

  const runController = new AbortController()
  const deadlineTimer = setTimeout(
    () => runController.abort(new Deadline(`the run's deadline (${formatDuration(deadlineMs)}) passed`)),
    deadlineMs,
  )
  const onInterrupt = () => runController.abort(new Deadline('the run was interrupted'))
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
  }
  const apis = lazyApis(session)

  // Selection: --only/--skip decide what is reported; the checks a selected check needs run too.
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

  const { active: ignores, expired } = splitIgnores(opts.config.ignore, now())
  const ignoreFor = (id: string) => ignores.find((e) => globMatcher([e.check])(id))

  const results = new Map<string, CheckResult>()
  const settled = new Map<string, Promise<CheckResult>>()

  const finish = (r: CheckResult): CheckResult => {
    const safe = { ...r, summary: redact(r.summary), details: r.details?.map(redact) }
    results.set(r.id, safe)
    opts.onResult?.(safe)
    return safe
  }

  // Concurrency limiter: a FIFO of waiters.
  let inFlight = 0
  const waiters: (() => void)[] = []
  const acquire = () =>
    inFlight < concurrency
      ? (inFlight++, Promise.resolve())
      : new Promise<void>((resolve) => waiters.push(() => (inFlight++, resolve())))
  const release = () => {
    inFlight--
    waiters.shift()?.()
  }

  const preSkip = (check: Check): { reason: SkipReason; detail: string } | undefined => {
    if (!toRun.has(check.id)) return { reason: 'filtered', detail: 'not selected by --only/--skip' }
    const ig = ignoreFor(check.id)
    if (ig && selected.has(check.id))
      return { reason: 'ignored', detail: `${ig.reason}${ig.until ? ` (until ${ig.until})` : ''}` }
    if (!providers[check.provider].configured(opts.config))
      return { reason: 'not-configured', detail: notConfiguredDetail(check.provider) }
    const network = typeof check.network === 'function' ? check.network(opts.config) : check.network
    if (offline && network) return { reason: 'offline', detail: 'needs the network; --offline is set' }
    return undefined
  }

  const base = (check: Check) => ({
    id: check.id,
    title: check.title,
    provider: check.provider,
    category: check.category,
  })

  const skipResult = (check: Check, reason: SkipReason, detail: string): CheckResult => ({
    ...base(check),
    severity: 'info',
    status: 'skip',
    summary: detail,
    remedies: [],
    durationMs: 0,
    skipReason: reason,
    skipDetail: detail,
  })

  const errorResult = (
    check: Check,
    summary: string,
    durationMs: number,
    details?: string[],
  ): CheckResult => ({
    ...base(check),
    severity: 'high',
    status: 'error',
    summary,
    details,
    remedies: [],
    durationMs,
  })

  const execute = async (check: Check): Promise<CheckResult> => {
    const pre = preSkip(check)
    if (pre) return finish(skipResult(check, pre.reason, pre.detail))
    for (const need of check.needs ?? []) {
      const dep = settled.get(need)
      if (!dep) continue // not in scope (another provider filtered by --provider)
      const r = await dep
      if (r.status !== 'pass' && r.status !== 'warn') {
        const why = r.status === 'skip' ? `skip: ${r.skipReason}` : r.status
        return finish(skipResult(check, 'dependency-failed', `${need} did not pass (${why})`))
      }
    }
    if (check.runsLast)
      await Promise.allSettled(
        [...settled.entries()].filter(([id]) => !byId.get(id)?.runsLast).map(([, p]) => p),
      )
    if (runController.signal.aborted)
      return finish(errorResult(check, `not run: ${reasonOf(runController.signal)}`, 0))
    await acquire()
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    const checkController = new AbortController()
    const timer = setTimeout(
      () => checkController.abort(new Deadline(`no answer within ${formatDuration(timeoutMs)} (--timeout)`)),
      timeoutMs,
    )
    const signal = AbortSignal.any([runController.signal, checkController.signal])
    try {
      if (signal.aborted) return finish(errorResult(check, `not run: ${reasonOf(signal)}`, 0))
      opts.onStart?.(check)
      const ctx = makeContext(apis, opts.apis, { config: opts.config, signal, now, offline, recorder })
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      )
      aborted.catch(() => {})
      const outcome = await Promise.race([check.run(ctx), aborted])
      return finish(toResult(check, outcome, elapsed()))
    } catch (e) {
      if (e instanceof Deadline) return finish(errorResult(check, `could not finish: ${e.why}`, elapsed()))
      if (signal.aborted && signal.reason instanceof Deadline)
        return finish(errorResult(check, `could not finish: ${signal.reason.why}`, elapsed()))
      if (isProviderError(e)) {
        const facts = Object.entries(e.facts)
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => `${k}: ${v}`)
        return finish(
          errorResult(check, `${e.provider}: ${e.message}`, elapsed(), facts.length ? facts : undefined),
        )
      }
      const err = e as Error
      return finish(errorResult(check, `check crashed: ${err?.message ?? String(e)}`, elapsed()))
    } finally {
      clearTimeout(timer)
      release()
    }
  }

  // Start in registry order; `needs` waits on promises, so order only breaks ties.
  for (const check of opts.checks)
    settled.set(
      check.id,
      Promise.resolve().then(() => execute(check)),
    )
  await Promise.all(settled.values())
  clearTimeout(deadlineTimer)
  opts.signal?.removeEventListener('abort', onInterrupt)

  const reported = opts.checks.map((c) => results.get(c.id) as CheckResult)
  const summary = summarize(reported)
  const failOn = opts.failOn ?? 'fail'
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'edge-secrets', version: opts.version ?? '0.0.0' },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    summary,
    exitCode: exitCodeFor(summary, failOn),
    failOn,
    identities: recorder.identities,
    checks: reported,
    ...(expired.length ? { expiredIgnores: expired } : {}),
    ...(opts.signal?.aborted ? { interrupted: true } : {}),
  }
}

/** The context a check sees: provider APIs stay lazy getters (an SDK loads only when a check touches it). */
function makeContext(
  apis: ReturnType<typeof lazyApis>,
  overrides: Partial<CheckContext> | undefined,
  own: Pick<CheckContext, 'config' | 'signal' | 'now' | 'offline' | 'recorder'>,
): CheckContext {
  const ctx = { ...own } as Record<string, unknown>
  for (const k of ['node', 'vault', 'aws', 'kubernetes', 'gcp', 'azure'] as const) {
    const fake = overrides?.[k]
    Object.defineProperty(ctx, k, { get: () => fake ?? apis[k], enumerable: true })
  }
  return ctx as unknown as CheckContext
}

const reasonOf = (signal: AbortSignal) =>
  signal.reason instanceof Deadline ? signal.reason.why : 'the run was cancelled'

function notConfiguredDetail(provider: string): string {
  switch (provider) {
    case 'vault':
      return 'no Vault here: set vault.address (or VAULT_ADDR) or vault.agentConfig'
    case 'aws':
      return 'no AWS here: add an aws: section or AWS credentials to the environment'
    case 'gcp':
      return 'no Google Cloud here: add a gcp: section, GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_CLOUD_PROJECT'
    case 'azure':
      return 'no Azure here: add an azure: section or the workload identity variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE)'
    case 'kubernetes':
      return 'no cluster here: add a kubernetes: section, KUBECONFIG, run in a pod, or pass --manifests'
    default:
      return `${provider} is not configured`
  }
}

const remedyRef = (id: RemedyId, commands?: readonly string[]): RemedyRef => {
  const r = remedies[id]
  return {
    id,
    title: r.title,
    source: r.source,
    section: r.section,
    ...(commands?.length ? { commands: commands.map(redact) } : {}),
  }
}

/** Turns what `run` returned into the result every format renders. */
export function toResult(
  check: Check,
  outcome: Outcome | readonly Outcome[],
  durationMs: number,
): CheckResult {
  const outcomes = Array.isArray(outcome) ? (outcome as readonly Outcome[]) : [outcome as Outcome]
  const base = {
    id: check.id,
    title: check.title,
    provider: check.provider,
    category: check.category,
    durationMs,
  }
  const finds = outcomes.filter((o) => o.kind === 'found')
  if (finds.length) {
    const findings: FindingResult[] = finds.map((o) => {
      const spec = check.findings[o.finding]
      if (!spec) throw new Error(`${check.id} returned undeclared finding "${o.finding}"`)
      return {
        key: o.finding,
        status: spec.status,
        severity: spec.severity,
        message: redact(fill(spec.message, o.vars)),
        ...(spec.symptom ? { symptom: spec.symptom } : {}),
        remedies: spec.remedies.map((id) => remedyRef(id, o.commands?.[id])),
        ...(o.items?.length
          ? {
              items: o.items.map((i) => ({
                ...i,
                name: redact(i.name),
                detail: i.detail && redact(i.detail),
              })),
            }
          : {}),
        ...(o.location ? { location: o.location } : {}),
      }
    })
    findings.sort(
      (a, b) =>
        statusRank(b.status) - statusRank(a.status) || severityRank(b.severity) - severityRank(a.severity),
    )
    const worst = findings[0] as FindingResult
    const details = finds.flatMap((o) => [
      ...(o.details ?? []),
      ...(o.items ?? []).map((i) => `${i.name}${i.detail ? `: ${i.detail}` : ''}`),
    ])
    const allRemedies: RemedyRef[] = []
    for (const f of findings)
      for (const r of f.remedies) {
        const prior = allRemedies.find((x) => x.id === r.id)
        if (!prior) {
          allRemedies.push(r)
        } else if (r.commands?.length) {
          const idx = allRemedies.indexOf(prior)
          allRemedies[idx] = { ...prior, commands: [...new Set([...(prior.commands ?? []), ...r.commands])] }
        }
      }
    const summary =
      findings.length === 1
        ? worst.message
        : `${worst.message} (+${findings.length - 1} more finding${findings.length > 2 ? 's' : ''})`
    return {
      ...base,
      severity: worst.severity as Severity,
      status: worst.status,
      summary,
      ...(details.length ? { details } : {}),
      ...(worst.symptom ? { symptom: worst.symptom } : {}),
      remedies: allRemedies,
      findings,
      ...(worst.location ? { location: worst.location } : {}),
    }
  }
  const skipped = outcomes.find((o) => o.kind === 'skip')
  if (skipped && skipped.kind === 'skip')
    return {
      ...base,
      severity: 'info',
      status: 'skip',
      summary: skipped.detail,
      remedies: [],
      skipReason: skipped.reason,
      skipDetail: skipped.detail,
    }
  const passes = outcomes.filter((o) => o.kind === 'pass')
  const details = passes.flatMap((o) => o.details ?? [])
  const summaries = passes.map((o) => o.summary).filter((s): s is string => !!s)
  return {
    ...base,
    severity: 'info',
    status: 'pass',
    summary: summaries.length ? summaries.join('; ') : check.title,
    ...(details.length ? { details } : {}),
    remedies: [],
  }
}
