// External tools some tests drive (conformance clients, validators). Locally a missing tool skips its test;
// in CI (.ci/run exports EDGE_SECRETS_REQUIRE_TOOLS=1) a missing tool fails instead, so a broken install can
// never turn into a silently skipped suite.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const TOOLS_REQUIRED = process.env.EDGE_SECRETS_REQUIRE_TOOLS === '1'

function required(name: string, present: boolean): boolean {
  if (!present && TOOLS_REQUIRED)
    throw new Error(`${name} is required here (EDGE_SECRETS_REQUIRE_TOOLS=1): install it in .ci/run`)
  return present
}

/** An executable at an absolute path, or on PATH. */
export function hasCommand(cmd: string): boolean {
  const found = cmd.startsWith('/')
    ? existsSync(cmd)
    : (() => {
        try {
          execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
          return true
        } catch {
          return false
        }
      })()
  return required(cmd, found)
}

/** Python modules importable by Debian's /usr/bin/python3 (what .ci/run installs them for). */
export function hasPythonModules(...modules: string[]): boolean {
  let ok = existsSync('/usr/bin/python3')
  if (ok)
    try {
      execFileSync('/usr/bin/python3', ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' })
    } catch {
      ok = false
    }
  return required(`python3 modules ${modules.join(', ')}`, ok)
}
