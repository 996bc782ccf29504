// Every duration syntax the doctor reads, in one place:
// - the contract's (`90m`, `5s`, `1500ms`, `14d`, `1w`, `1h30m`) in edge-secrets.yaml and on the command line;
// - Go's time.ParseDuration (`1h0m0s`, `1.5h`, `300ms`; no days), which ESO's refreshInterval and the Vault
//   agent's string durations are;
// - HCL durations in the Vault agent config: a Go duration string, or a bare number of seconds.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** Sums `<number><unit>` parts that must cover the whole text; undefined otherwise. */
function sumParts(text: string, units: readonly string[]): number | undefined {
  const re = new RegExp(`(\\d+(?:\\.\\d*)?|\\.\\d+)(${units.join('|')})`, 'y')
  let total = 0
  let at = 0
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m) return undefined
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
    at = re.lastIndex
  }
  return at > 0 ? total : undefined
}

// Longest units first, so `ms` is not read as `m` + `s`.
const CONTRACT_UNITS = ['ms', 's', 'm', 'h', 'd', 'w']
const GO_UNITS = ['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']

/** The contract's durations, in milliseconds; undefined when the text is not one. A bare `0` is zero. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim()
  if (t === '0') return 0
  return sumParts(t, CONTRACT_UNITS)
}

/** Go's time.ParseDuration (what ESO's refreshInterval is): `1h`, `15m0s`, `1.5h`, `0`, a sign. No `d`. */
export function parseGoDuration(text: string): number | undefined {
  const t = text.trim()
  if (/^[+-]?0$/.test(t)) return 0
  const sign = t.startsWith('-') ? -1 : 1
  const ms = sumParts(t.replace(/^[+-]/, ''), GO_UNITS)
  return ms === undefined ? undefined : sign * ms
}

/** An HCL duration (Vault agent): a Go duration string, or a number (or numeric string) of seconds. */
export function parseHclDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : undefined
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000
  // Vault's parseutil also takes `d`, which Go itself does not.
  return sumParts(s, ['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h', 'd'])
}

/** Human form for messages: `1h 30m`, `45s`, `2d 3h`, `850ms`. */
export function formatDuration(ms: number): string {
  const neg = ms < 0
  let rest = Math.abs(Math.round(ms))
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`
  const parts: string[] = []
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
    if (parts.length === 2) break
  }
  return (neg ? '-' : '') + parts.join(' ')
}
