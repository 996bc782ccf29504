// Every command's error path and shared flags. Usage and config problems (a bad flag value, an unknown id, an
// invalid config) end through oclif's own exit with code 2 and one line naming the file and line — no stack
// trace. Matched by name, so that `--version` and `--help` never load the config loader or the doctor to say so.
import { Command, Flags } from '@oclif/core'
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

/**
 * `--json` on every command, as oclif CLIs (`sf`, `heroku`) have it: the command's JSON document on stdout,
 * the same as its `--format json`. Declared here rather than with oclif's `enableJsonFlag`, which would also
 * turn errors into JSON on stdout; ours stay one line on stderr with exit 2.
 */
export const jsonFlag = Flags.boolean({
  summary: 'Print the JSON document (the same as --format json).',
  helpGroup: 'GLOBAL',
})

/** `--json` and an explicit other `--format` contradict each other: exit 2 rather than guess. */
export async function formatWithJson(
  flags: { json?: boolean; format?: string },
  fallback: string,
): Promise<string> {
  const format = flags.format ?? fallback
  if (!flags.json) return format
  if (format !== 'json' && format !== fallback) {
    const { UsageError } = await import('../app/usage-error.js')
    throw new UsageError(`--json and --format ${format}: choose one (--json is --format json)`)
  }
  return 'json'
}

export abstract class EdgeCommand extends Command {
  static override baseFlags = { json: jsonFlag }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isUsageProblem(err)) {
      process.stderr.write(usageLine(err))
      return this.exit(2)
    }
    return super.catch(err)
  }
}
