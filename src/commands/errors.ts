// Usage and config problems end the process with exit 2 and one line naming the file and line — no stack.
// Matched by name, so that `--version` and `--help` never load the config loader or the doctor to say so.
import { redact } from '../core/redact.js'

interface Formattable extends Error {
  format(): string
}

export function exitWithUsageError(e: unknown): never {
  if (e instanceof Error && e.name === 'ConfigError' && typeof (e as Formattable).format === 'function') {
    process.stderr.write(`edge-secrets: ${redact((e as Formattable).format())}\n`)
    process.exit(2)
  }
  if (e instanceof Error && e.name === 'UsageError') {
    process.stderr.write(`edge-secrets: ${redact(e.message)}\n`)
    process.exit(2)
  }
  throw e
}
