// The shared config and credentials files (~/.aws/config, ~/.aws/credentials) are read by the SDK itself. They
// are looked at through src/core/files.ts first, so that a FIFO, a device or a runaway file there is named
// instead of blocking or exhausting the doctor.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InputFileError, readOptionalInput } from '../../core/files.js'
import { isSet, type AwsContext } from './context.js'

export function sharedFilePaths(ctx: AwsContext): { readonly config: string; readonly credentials: string } {
  const home = isSet(ctx.env['HOME']) ? ctx.env['HOME'] : homedir()
  return {
    config: ctx.env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'),
    credentials: ctx.env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'),
  }
}

/** Why the SDK must not read the shared files, or undefined when they are absent or fine to read. */
export async function sharedFileProblem(ctx: AwsContext): Promise<string | undefined> {
  const paths = sharedFilePaths(ctx)
  for (const path of [paths.config, paths.credentials]) {
    try {
      await readOptionalInput(path, 'credentials file')
    } catch (e) {
      if (e instanceof InputFileError) return e.message
      throw e
    }
  }
  return undefined
}
