// The one redactor every output passes through. Readers register each secret value as they read it
// (env file values, tokens, secret payloads); renderers, error messages and debug logs call `redact()`.
// Besides exact values it masks shapes that are always secret: bearer tokens, Vault tokens, JWTs, PEM
// private keys, AWS secret keys, URL credentials.

const MASK = '[REDACTED]'
/** Shorter values would mask ordinary words ("on", "1"); such values are not secrets worth the noise. */
const MIN_LENGTH = 4

const values = new Set<string>()
let pattern: RegExp | undefined

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

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return
  const v = value.trim()
  if (v.length < MIN_LENGTH || values.has(v)) return
  values.add(v)
  // Longest first, so a value containing another is masked whole.
  pattern = new RegExp(
    [...values]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|'),
    'g',
  )
}

export function redact(text: string): string {
  if (!text) return text
  let out = pattern ? text.replace(pattern, MASK) : text
  for (const shape of SHAPES) {
    out = out.replace(shape, (whole, prefix?: string) =>
      typeof prefix === 'string' && whole.startsWith(prefix) && prefix !== whole ? `${prefix}${MASK}` : MASK,
    )
  }
  return out
}

/** Redacts every string inside a JSON-like value (reports, error facts). */
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
  values.clear()
  pattern = undefined
}

const guarded = new WeakSet<object>()

/**
 * Routes everything written to a stream through the redactor: the last line of defence for output nobody
 * here formats — an SDK's DEBUG logging, a library's warning. Idempotent.
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return
  guarded.add(stream)
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
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
