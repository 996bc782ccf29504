// Durations as operators write them: `90m`, `5s`, `1500ms`, `14d`, `1h30m`. Also the Go/Kubernetes form
// (`1h0m0s`) that ESO's refreshInterval uses, so every component can share one parser.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy

/** Milliseconds, or undefined when the text is not a duration. A bare `0` is zero. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim()
  if (t === '0') return 0
  if (t === '') return undefined
  PART.lastIndex = 0
  let total = 0
  let consumed = 0
  let m: RegExpExecArray | null
  while ((m = PART.exec(t)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
    consumed = PART.lastIndex
  }
  return consumed === t.length ? total : undefined
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
