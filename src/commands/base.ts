// Every command's error path. Usage and config problems (a bad flag value, an unknown id, an invalid config)
// end through oclif's own exit with code 2 and one line naming the file and line — no stack trace.
// Matched by name, so that `--version` and `--help` never load the config loader or the doctor to say so.
import { Command } from '@oclif/core'
import { redact } from '../core/redact.js'
import { oneLine } from '../core/text.js'

interface Formattable extends Error {
  format(): string
}

export const isUsageProblem = (e: unknown): e is Error =>
  e instanceof Error && (e.name === 'ConfigError' || e.name === 'UsageError')

export function usageLine(e: Error): string {
  const text = typeof (e as Formattable).format === 'function' ? (e as Formattable).format() : e.message
  return `edge-secrets: ${oneLine(redact(text), 2000)}\n`
}

export abstract class EdgeCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isUsageProblem(err)) {
      process.stderr.write(usageLine(err))
      return this.exit(2)
    }
    return super.catch(err)
  }
}
