// Usage and config problems end the process with exit 2 and one line naming the file and line — no stack.
import { UsageError } from '../app/doctor.js'
import { ConfigError } from '../core/config.js'
import { redact } from '../core/redact.js'

export function exitWithUsageError(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`edge-secrets: ${redact(e.format())}\n`)
    process.exit(2)
  }
  if (e instanceof UsageError) {
    process.stderr.write(`edge-secrets: ${redact(e.message)}\n`)
    process.exit(2)
  }
  throw e
}
