// Pure helpers about the node that checks may use: env files, the mount table, value states.
import { parse as parseDotenv } from 'dotenv'
import { renderedValueState } from '../../core/payload.js'
import { registerSecret } from '../../core/redact.js'
import type { EnvFile, EnvVarEntry, Mount } from './api.js'

export { renderedValueState as valueState } from '../../core/payload.js'

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/
const QUOTES = new Set(['"', "'", '`'])

/** The quote a value opens and does not close on its line: the lines up to the closing one belong to it. */
function openQuote(rest: string): string | undefined {
  const q = rest[0]
  return q && QUOTES.has(q) && !rest.slice(1).includes(q) ? q : undefined
}

/** dotenv does the value parsing (quotes, escapes, `export`); we add line numbers and malformed lines. */
export function parseEnvText(path: string, text: string): EnvFile {
  const values = parseDotenv(text)
  // Placeholders a broken render leaves (`<no value>`, `null`) are evidence, not secrets: keep them readable.
  for (const v of Object.values(values)) if (renderedValueState(v) === 'set') registerSecret(v)
  const entries = new Map<string, EnvVarEntry>()
  const malformed: number[] = []
  let inQuote: string | undefined
  text.split(/\r?\n/).forEach((raw, i) => {
    if (inQuote) {
      if (raw.includes(inQuote)) inQuote = undefined
      return
    }
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = ASSIGNMENT.exec(raw)
    if (!m) {
      malformed.push(i + 1)
      return
    }
    const name = m[1] as string
    inQuote = openQuote(raw.slice(m[0].length).trimStart())
    // The last assignment wins, as in dotenv (a Map keeps the first one's place in the order).
    entries.set(name, { name, line: i + 1, valueState: renderedValueState(values[name] ?? '') })
  })
  return { path, entries: [...entries.values()], malformedLines: malformed }
}

const MOUNT_ESCAPES = (s: string) =>
  s.replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)))

/** /proc/self/mounts: device, mount point (octal escapes for spaces), filesystem type. */
export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 3)
    .map(([device, mountPoint, fsType]) => ({
      device: device as string,
      mountPoint: MOUNT_ESCAPES(mountPoint as string),
      fsType: fsType as string,
    }))
}

/** The mount a path lives on: the longest mount point that is a prefix of it. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  let best: Mount | undefined
  for (const m of mounts) {
    const mp = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`
    if (
      (path === m.mountPoint || path.startsWith(mp) || m.mountPoint === '/') &&
      (!best || m.mountPoint.length > best.mountPoint.length)
    )
      best = m
  }
  return best
}
