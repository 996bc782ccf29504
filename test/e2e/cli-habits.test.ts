// What people expect of a CLI, as a process: -h everywhere, --json on every command, a suggestion for a
// mistyped command (our command_not_found hook) and for an unknown id, shell completion (oclif's autocomplete
// plugin), and a scenario list that says what each scenario shows.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scenarios } from '../../src/sandbox/scenarios/index.js'
import { BIN, cleanEnv, runCli } from '../helpers/cli.js'
import { hasCommand } from '../helpers/tools.js'

const COMMANDS = ['doctor', 'checks', 'explain', 'demo']

describe('-h', () => {
  it.each([[['-h']], [['--help']], ...COMMANDS.map((c) => [[c, '-h']])])(
    '%j prints help, exit 0',
    async (args) => {
      const r = await runCli(args)
      expect(r.exitCode, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/USAGE|COMMANDS/)
      if (args[0] !== '-h' && args[0] !== '--help') expect(r.stdout).toContain(`$ edge-secrets ${args[0]}`)
    },
  )
})

describe('--json', () => {
  const without = (doc: Record<string, unknown>) => {
    const {
      startedAt: _s,
      durationMs: _d,
      checks,
      ...rest
    } = doc as { checks: Record<string, unknown>[] } & Record<string, unknown>
    return { ...rest, checks: checks.map(({ durationMs: _x, timing: _t, ...c }) => c) }
  }

  it('doctor --json is the --format json document', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'es-json-'))
    const json = await runCli(['doctor', '--offline', '--provider', 'node', '--json'], { cwd })
    const format = await runCli(['doctor', '--offline', '--provider', 'node', '--format', 'json'], { cwd })
    expect(json.exitCode).toBe(format.exitCode)
    expect(without(JSON.parse(json.stdout))).toEqual(without(JSON.parse(format.stdout)))
  })

  it('checks --json is checks --format json', async () => {
    const a = await runCli(['checks', '--json'])
    const b = await runCli(['checks', '--format', 'json'])
    expect(a.exitCode).toBe(0)
    expect(a.stdout).toBe(b.stdout)
  })

  it('explain --json is the runbook as data', async () => {
    const r = await runCli(['explain', 'vault.tls', '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'check', id: 'vault.tls', provider: 'vault' })
    const remedy = JSON.parse((await runCli(['explain', 'bp.rotation', '--json'])).stdout) as {
      source: string
    }
    expect(remedy.source).toBe('doc')
  })

  it('demo --list --json lists every scenario with its verdict', async () => {
    const r = await runCli(['demo', '--list', '--json'])
    const list = JSON.parse(r.stdout) as { name: string; status: string; exitCode: number }[]
    expect(list.map((s) => s.name)).toEqual(scenarios.map((s) => s.name))
    expect(list.find((s) => s.name === 'node-healthy')).toMatchObject({ status: 'healthy', exitCode: 0 })
    expect(list.find((s) => s.name === 'node-broken')).toMatchObject({ status: 'broken', exitCode: 1 })
  })

  it('--json with another --format is a usage error', async () => {
    const r = await runCli(['doctor', '--json', '--format', 'sarif'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr.trim()).toBe(
      'edge-secrets: --json and --format sarif: choose one (--json is --format json)',
    )
  })
})

describe('suggestions', () => {
  it('a mistyped command names itself and the nearest command, exit 2 (a usage error)', async () => {
    const r = await runCli(['doctr'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toBe(
      'edge-secrets: "doctr" is not an edge-secrets command. Did you mean doctor? (edge-secrets --help lists them)\n',
    )
    const topic = await runCli(['report', 'shw'])
    expect(topic.stderr).toContain('Did you mean report show?')
    const nothing = await runCli(['xyzzy'])
    expect(nothing.stderr).not.toContain('Did you mean')
  })

  // On a terminal too: the same line and exit code, and never a question that would wait for an answer.
  it.skipIf(!hasCommand('python3'))('on a terminal it suggests without prompting', () => {
    const script = [
      'import os, pty, sys, select',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execv(sys.argv[1], sys.argv[1:])',
      "buf = b''",
      'while True:',
      '    r, _, _ = select.select([fd], [], [], 30)',
      '    if not r: break',
      '    try: d = os.read(fd, 4096)',
      '    except OSError: break',
      '    if not d: break',
      '    buf += d',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.buffer.write(buf)',
      "sys.stdout.write('\\nEXIT %d\\n' % os.waitstatus_to_exitcode(status))",
    ].join('\n')
    const out = execFileSync('python3', ['-c', script, process.execPath, BIN, 'doctr'], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(out).toMatch(/Did you mean doctor\?/)
    expect(out).not.toMatch(/\(y\/n\)|\? \(Y/)
    expect(out).toMatch(/EXIT 2/)
  })

  it('an unknown id gets ids that start with it or share its words, never unrelated ones', async () => {
    const tls = await runCli(['explain', 'tls'])
    expect(tls.exitCode).toBe(2)
    expect(tls.stderr).toMatch(/Did you mean vault\.tls/)
    const nope = await runCli(['explain', 'nope'])
    expect(nope.stderr).not.toMatch(/Did you mean/)
  })
})

describe('shell completion', () => {
  it.skipIf(!hasCommand('bash'))('bash completes commands and flags', async () => {
    const home = mkdtempSync(join(tmpdir(), 'es-ac-'))
    const setup = await runCli(['autocomplete', 'bash'], {
      env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache') },
    })
    expect(setup.exitCode, setup.stderr).toBe(0)
    expect(setup.stdout).toContain('edge-secrets autocomplete script bash')
    const fn = join(home, '.cache/edge-secrets/autocomplete/functions/bash/edge-secrets.bash')
    expect(readFileSync(fn, 'utf8')).toContain('_edge-secrets_autocomplete')
    const complete = (words: string) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source ${fn}; COMP_WORDS=(${words}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _edge-secrets_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.split('\n')
    expect(complete('edge-secrets do')).toContain('doctor')
    expect(complete('edge-secrets doctor --fo')).toContain('--format')
  })
})

describe('demo --list', () => {
  it('groups scenarios by provider, one line each: name, healthy or broken, what it shows', async () => {
    const r = await runCli(['demo', '--list'])
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('Node')
    for (const s of scenarios) {
      const line = lines.find((l) => l.trimStart().startsWith(`${s.name} `))
      expect(line, s.name).toBeDefined()
      expect(line).toContain(s.description)
      expect(line).toMatch(
        s.exitCode === 0 && Object.values(s.expect).every((e) => e.status === 'pass' || e.status === 'skip')
          ? / healthy /
          : / broken /,
      )
    }
    expect(lines).toContain('HashiCorp Vault')
    expect(r.stdout).toMatch(/\d+ scenarios \(\d+ healthy, \d+ broken\)\. Run one: edge-secrets demo NAME/)
  })
})
