// Runs one check against a faked context, the way the runner would, minus scheduling: a table of cases
// per check file (every declared finding has a case, plus a passing one).
import type { Check, CheckContext } from '../../src/core/check.js'
import { defaultConfig, type RawConfig } from '../../src/core/config.js'
import type { ResolvedConfig } from '../../src/core/config-types.js'
import { isProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import type { CheckResult } from '../../src/core/report.js'
import { toResult } from '../../src/core/run.js'

export interface HarnessOptions extends Partial<Omit<CheckContext, 'config' | 'now'>> {
  /** Raw YAML-shaped config (resolved with an empty environment) or an already resolved one. */
  readonly config?: RawConfig | ResolvedConfig
  readonly now?: Date | (() => Date)
}

const isResolved = (c: RawConfig | ResolvedConfig): c is ResolvedConfig =>
  'thresholds' in c &&
  'pipeline' in c &&
  'ignore' in c &&
  Array.isArray((c as ResolvedConfig).ignore) &&
  typeof (c as ResolvedConfig).thresholds.latencyP95Ms === 'number'

export async function runCheck(check: Check, opts: HarnessOptions = {}): Promise<CheckResult> {
  const config = opts.config
    ? isResolved(opts.config)
      ? opts.config
      : defaultConfig(opts.config)
    : defaultConfig()
  const now = typeof opts.now === 'function' ? opts.now : opts.now ? () => opts.now as Date : () => new Date()
  const ctx = {
    ...opts,
    config,
    now,
    signal: opts.signal ?? new AbortController().signal,
    offline: opts.offline ?? false,
    recorder: opts.recorder ?? new RunRecorder(),
  } as CheckContext
  const t0 = performance.now()
  try {
    return toResult(check, await check.run(ctx), Math.round(performance.now() - t0))
  } catch (e) {
    const summary = isProviderError(e)
      ? `${e.provider}: ${e.message}`
      : `check crashed: ${(e as Error).message}`
    return {
      id: check.id,
      title: check.title,
      provider: check.provider,
      category: check.category,
      severity: 'high',
      status: 'error',
      summary,
      remedies: [],
      durationMs: 0,
    }
  }
}

/** The finding keys and remedy ids a result carries, for compact assertions. */
export const findingKeys = (r: CheckResult) => (r.findings ?? []).map((f) => f.key)
export const remedyIds = (r: CheckResult) => r.remedies.map((x) => x.id)
