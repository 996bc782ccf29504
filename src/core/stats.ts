// Latency figures every provider's latency check reports the same way.

/** Nearest-rank percentile of an ascending sample (0 for an empty one). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** p50, p95 and max of a sample of durations, in the sample's unit. */
export function latencySummary(samples: readonly number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 }
}
