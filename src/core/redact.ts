// The one redactor. Readers register each secret value as they read it (env file values, tokens, secret
// payloads — src/core/payload.ts); it masks them, and shapes that are always secret (bearer tokens, Vault
// tokens, JWTs, PEM private keys, AWS secret keys, URL credentials), in text.
//
// Where it applies — on the model, never on a finished document:
// - The first guarantee is structural: checks report key names and value *states*, never values, so no
//   secret enters the report in the first place.
// - The backstop is the report's free text (summaries, details, finding messages, item names, commands,
//   identities), which may carry what a server echoed: `redactReport` masks it before any renderer runs.
//   Keys, ids, statuses and the structure are never touched, and a rendered JSON, JUnit or SARIF document
//   is never rewritten — so it stays valid whatever the secret values are (a value `status`, `pass` or
//   `": "pass",` cannot corrupt it).
// - `guardStream` catches what other code writes to stdout/stderr (an SDK's DEBUG output); the doctor's
//   own document and summary bypass it (`writeOwn`), having been redacted on the model.
//
// Short values: a value of 8 characters or more is masked wherever it appears. A value of 4 to 7
// characters is masked only as a whole token (`Zq7x` in "bad value Zq7x", not `node` inside
// `node.env-vars`), because a substring mask of a short common word (`node`, `pass`) would blank out the
// report's own words. A value under 4 characters is not masked at all: it is indistinguishable from
// ordinary text, and it never reaches an output because values are never printed (the canary tests plant
// one-character values and prove it).

const MASK = '[REDACTED]'
const MIN_LENGTH = 4
const SUBSTRING_LENGTH = 8

const long = new Set<string>()
const short = new Set<string>()
let longPattern: RegExp | undefined
let shortPattern: RegExp | undefined

const SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(hv[sbr]\.[A-Za-z0-9_-]{20,})/g, // Vault service/batch/recovery tokens
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\b(ya29\.[A-Za-z0-9_.-]{20,})/g, // Google OAuth access token
  /((?:authorization|x-vault-token|x-amz-security-token)["']?\s*[:=]\s*["']?)(?:Bearer\s+)?[^\s"',}]+/gi,
  /(aws_secret_access_key\s*[=:]\s*)[A-Za-z0-9/+=]{30,}/gi,
  /(\/\/[^/\s:@]+:)[^@\s/]+(?=@)/g, // https://user:password@host
]

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// A token is bounded by anything that cannot be part of an identifier, path, host or id.
const WORDISH = 'A-Za-z0-9_.\\-/@'
const alternation = (set: Set<string>) =>
  [...set]
    .sort((a, b) => b.length - a.length) // longest first, so a value containing another is masked whole
    .map(escape)
    .join('|')

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return
  const v = value.trim()
  if (v.length < MIN_LENGTH || long.has(v) || short.has(v)) return
  if (v.length >= SUBSTRING_LENGTH) {
    long.add(v)
    longPattern = new RegExp(alternation(long), 'g')
  } else {
    short.add(v)
    shortPattern = new RegExp(`(?<![${WORDISH}])(?:${alternation(short)})(?![${WORDISH}])`, 'g')
  }
}

export function redact(text: string): string {
  if (!text) return text
  let out = longPattern ? text.replace(longPattern, MASK) : text
  if (shortPattern) out = out.replace(shortPattern, MASK)
  for (const shape of SHAPES) {
    out = out.replace(shape, (whole, prefix?: string) =>
      typeof prefix === 'string' && whole.startsWith(prefix) && prefix !== whole ? `${prefix}${MASK}` : MASK,
    )
  }
  return out
}

/** Redacts every string inside a JSON-like value, keys excepted (error facts, debug objects). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v)
    return out as T
  }
  return value
}

/** For tests: forget registered values between cases. */
export function resetRedactor(): void {
  long.clear()
  short.clear()
  longPattern = undefined
  shortPattern = undefined
}

const originals = new WeakMap<object, (chunk: unknown, ...rest: unknown[]) => boolean>()

/**
 * Routes everything other code writes to a stream through the redactor: the last line of defence for output
 * nobody here formats — an SDK's DEBUG logging, a library's warning. Idempotent. The doctor's own output
 * goes through `writeOwn`, untouched: it was redacted on the model, and a document must not be rewritten.
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  if (originals.has(stream)) return
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  originals.set(stream, write)
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(
      typeof chunk === 'string'
        ? redact(chunk)
        : Buffer.isBuffer(chunk)
          ? redact(chunk.toString('utf8'))
          : chunk,
      ...rest,
    )) as typeof stream.write
}

/** Writes the doctor's own (already redacted) output, past the guard. */
export function writeOwn(stream: NodeJS.WritableStream, text: string, cb?: () => void): boolean {
  const write = originals.get(stream)
  return write ? write(text, cb) : stream.write(text, cb)
}
