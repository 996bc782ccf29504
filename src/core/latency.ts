// One latency sampler for every provider's latency check, so they share the maths (nearest-rank p50/p95),
// the unit (ms) and the placeholders their findings use: {{p50}}, {{p95}}, {{max}}, {{limit}}, {{samples}},
// {{target}}.
//
// Samples are taken one after another, after the provider's login, while other checks may be running: a
// sample measures what the agent would see on this node at this moment, contention included — which is what
// the threshold is about. The first call (TLS handshake, SDK load) is not a sample when `warmup` is set.

export interface LatencySample {
  readonly samples: readonly number[]
  readonly p50: number
  readonly p95: number
  readonly max: number
}

/** Nearest-rank percentile of an ascending sample (0 for an empty one). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** p50, p95 and max of a sample of durations (ms, rounded). */
export function summarizeLatency(samples: readonly number[]): LatencySample {
  const sorted = [...samples].sort((a, b) => a - b)
  const r = Math.round
  return {
    samples,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    max: r(sorted.at(-1) ?? 0),
  }
}

/** Times `n` sequential calls of `once` (each returns its own ms, or nothing to be timed here). */
export async function sampleLatency(
  n: number,
  once: () => Promise<number | void>,
  opts: { readonly warmup?: boolean } = {},
): Promise<LatencySample> {
  if (opts.warmup) await once()
  const samples: number[] = []
  for (let i = 0; i < Math.max(1, n); i++) {
    const t0 = performance.now()
    const own = await once()
    samples.push(typeof own === 'number' ? own : performance.now() - t0)
  }
  return summarizeLatency(samples)
}

/** The vars every latency finding fills: `p95 {{p95}} ms over {{samples}} … above {{limit}} ms`. */
export function latencyVars(s: LatencySample, limitMs: number, target: string) {
  return { p50: s.p50, p95: s.p95, max: s.max, limit: Math.round(limitMs), samples: s.samples.length, target }
}

/** The details every latency check prints, in the same order. */
export function latencyDetails(s: LatencySample, target: string): string[] {
  return [`p50 ${s.p50} ms`, `p95 ${s.p95} ms`, `max ${s.max} ms`, `${s.samples.length} calls of ${target}`]
}

/** The pass summary every latency check gives. */
export const latencySummaryLine = (s: LatencySample): string =>
  `p50 ${s.p50} ms, p95 ${s.p95} ms over ${s.samples.length} calls`

/** The finding message every latency check uses (its remedies are its own). */
export const SLOW_MESSAGE =
  'p95 latency {{p95}} ms over {{samples}} calls of {{target}} is above the {{limit}} ms threshold'

/** The `slow` finding every latency check declares: the same status, severity and words; its own remedies. */
export const slowFinding = <R extends string>(remedies: readonly R[]) =>
  ({ status: 'warn', severity: 'medium', symptom: 'slow-startup', message: SLOW_MESSAGE, remedies }) as const
