// Debian's awscli against a loopback simulator, as the conformance tests call it: an empty HOME (no
// profile of the machine's own leaks in), instance metadata off, one attempt, the edge role's canary keys.
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { AWS_CANARIES, EDGE_KEY_ID } from '../../src/sandbox/aws.js'
import { hasCommand } from './tools.js'

export const AWS_CLI = '/usr/bin/aws'
/** .ci/run installs Debian's awscli; locally a missing one skips, in CI it fails (test/helpers/tools.ts). */
export const HAS_AWS_CLI = hasCommand(AWS_CLI)
/** awscli starts a Python interpreter and botocore for every call: seconds each on a loaded CI machine. */
export const CLI_LIMIT_MS = 60_000

const run = promisify(execFile)

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `aws --endpoint-url URL --region us-east-1 --output json ARGS`, never throwing: the exit code is data. */
export async function awsCli(
  url: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'awscli-home-'))
  try {
    const { stdout, stderr } = await run(
      AWS_CLI,
      ['--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', ...args],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: EDGE_KEY_ID,
          AWS_SECRET_ACCESS_KEY: AWS_CANARIES.secretAccessKey,
          AWS_SESSION_TOKEN: AWS_CANARIES.sessionToken,
          AWS_MAX_ATTEMPTS: '1',
          AWS_PAGER: '',
          ...env,
        },
        timeout: CLI_LIMIT_MS,
      },
    )
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}
