// Runs one check against a faked context, the way the runner would, minus scheduling: a table of cases per
// check file. The harness also keeps the tables honest. A check's own test file (src/checks/<p>/<name>.test.ts)
// fails unless, over all its cases:
// - every finding the check declares is produced by at least one case, and
// - every finding produced has its remedy ids asserted (`expect(remedyIds(r)).toEqual([...])`) in a case
//   that produces it.
// A check that reaches for another provider's API sees `undefined` there, as in a real run.
import { afterAll, expect } from 'vitest'
import { defaultConfig, type RawConfig, type ResolvedConfig } from '../../src/app/config.js'
import type { Check } from '../../src/core/check.js'
import { isProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import type { CheckResult } from '../../src/core/report.js'
import { toResult } from '../../src/core/result.js'
import { checkPrefix } from '../../src/providers/index.js'

export interface HarnessOptions {
  /** Raw YAML-shaped config (resolved with an empty environment) or an already resolved one. */
  readonly config?: RawConfig | ResolvedConfig
  readonly now?: Date | (() => Date)
  readonly signal?: AbortSignal
  readonly offline?: boolean
  readonly recorder?: RunRecorder
  /** Faked provider APIs by id: the check sees its own provider's and the node's. */
  readonly [provider: string]: unknown
}

const isResolved = (c: RawConfig | ResolvedConfig): c is ResolvedConfig =>
  'thresholds' in c &&
  'pipeline' in c &&
  'ignore' in c &&
  Array.isArray((c as ResolvedConfig).ignore) &&
  typeof (c as ResolvedConfig).thresholds.latencyP95Ms === 'number'

interface Coverage {
  readonly check: Check
  readonly files: Set<string>
  readonly produced: Set<string>
  readonly remediesAsserted: Set<string>
}
const coverage = new Map<string, Coverage>()
const resultCheck = new WeakMap<CheckResult, string>()

function track(check: Check, r: CheckResult): void {
  const c = coverage.get(check.id) ?? {
    check,
    files: new Set<string>(),
    produced: new Set<string>(),
    remediesAsserted: new Set<string>(),
  }
  coverage.set(check.id, c)
  const file = expect.getState().testPath
  if (file) c.files.add(file)
  for (const f of r.findings ?? []) c.produced.add(f.key)
  resultCheck.set(r, check.id)
}

/** The test file that owns a check: src/checks/<provider>/<name>.test.ts for `<prefix>.<name>`. */
function ownsCheck(file: string, check: Check): boolean {
  const name = check.id.split('.').slice(1).join('.')
  return file.replace(/\\/g, '/').endsWith(`/src/checks/${check.provider}/${name}.test.ts`)
}

afterAll(() => {
  const problems: string[] = []
  for (const { check, files, produced, remediesAsserted } of coverage.values()) {
    if (![...files].some((f) => ownsCheck(f, check))) continue
    for (const key of Object.keys(check.findings)) {
      if (!produced.has(key)) problems.push(`${check.id}: no case produces the declared finding "${key}"`)
      else if (!remediesAsserted.has(key))
        problems.push(`${check.id}: no case producing "${key}" asserts its remedy ids (remedyIds(r))`)
    }
  }
  coverage.clear()
  if (problems.length) throw new Error(`check test tables are incomplete:\n  ${problems.join('\n  ')}`)
})

export async function runCheck(check: Check, opts: HarnessOptions = {}): Promise<CheckResult> {
  const config = opts.config
    ? isResolved(opts.config as RawConfig | ResolvedConfig)
      ? (opts.config as ResolvedConfig)
      : defaultConfig(opts.config as RawConfig)
    : defaultConfig()
  const now = typeof opts.now === 'function' ? opts.now : opts.now ? () => opts.now as Date : () => new Date()
  const ctx = {
    config,
    now,
    signal: opts.signal ?? new AbortController().signal,
    offline: opts.offline ?? false,
    recorder: opts.recorder ?? new RunRecorder(),
    [check.provider]: opts[check.provider],
    node: opts.node,
  }
  const t0 = performance.now()
  let r: CheckResult
  try {
    r = toResult(check, await check.run(ctx as never), Math.round(performance.now() - t0))
  } catch (e) {
    const summary = isProviderError(e)
      ? `${e.provider}: ${e.message}`
      : `check crashed: ${(e as Error).message}`
    r = {
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
  track(check, r)
  return r
}

/** The finding keys a result carries, for compact assertions. */
export const findingKeys = (r: CheckResult) => (r.findings ?? []).map((f) => f.key)

/** The remedy ids a result carries; calling it marks the result's findings' remedies as asserted. */
export function remedyIds(r: CheckResult): string[] {
  const id = resultCheck.get(r)
  const c = id ? coverage.get(id) : undefined
  for (const f of r.findings ?? []) c?.remediesAsserted.add(f.key)
  return r.remedies.map((x) => x.id)
}

/** The check-id prefix a provider's checks carry (`k8s` for kubernetes). */
export { checkPrefix }
