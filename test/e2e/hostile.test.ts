// The doctor tried as a hostile user would (issue 10): exit codes when nothing was verified, output paths
// that cannot be written, absurd limits, hostile config files, signals, and secret values that collide with
// the report's own words. Each case is the reproduction from the issue, as a process.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/report.js'
import { startSilentServer } from '../../src/sandbox/server.js'
import { BIN, cleanEnv, runCli } from '../helpers/cli.js'
import { hasCommand } from '../helpers/tools.js'
import { validateReport } from '../helpers/validate-report.js'

const dir = mkdtempSync(join(tmpdir(), 'es-hostile-'))
const write = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const pipeline = write('pipeline.yaml', 'input:\n  kafka:\n    sasl:\n      password: ${KAFKA_PASSWORD}\n')
const empty = write('empty.yaml', '')
const nodeOnly = write(
  'node.yaml',
  `pipeline:\n  config: ${pipeline}\n  envFiles: [${join(dir, 'none.env')}]\n`,
)

describe('nothing checked is not healthy (CONTRACT §1: exit 3)', () => {
  it.each([
    ['an empty selection', ['--config', nodeOnly, '--only', 'node.*', '--skip', 'node.*']],
    ['a provider with nothing set up', ['--config', empty, '--only', 'k8s']],
  ])('%s exits 3 and says so in words', async (_name, args) => {
    const r = await runCli(['doctor', ...args, '--format', 'json'])
    expect(r.exitCode, r.stderr).toBe(3)
    const report = JSON.parse(r.stdout) as Report
    expect(report.exitCode).toBe(3)
    expect(report.summary.pass + report.summary.warn + report.summary.fail).toBe(0)
    expect(r.stderr).toMatch(/NOTHING CHECKED — no check passed, warned or failed .* → exit 3/)
  })
})

describe('limits and paths are checked before any check runs (exit 2, one line)', () => {
  const usage = async (args: string[], env: Record<string, string> = {}) => {
    const r = await runCli(['doctor', '--config', nodeOnly, ...args], { env })
    expect(r.exitCode, r.stderr).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.durationMs).toBeLessThan(10_000)
    return r.stderr.trim()
  }
  it('a timeout beyond what a timer can hold', async () => {
    expect(await usage(['--timeout', '99999d'])).toMatch(
      /^edge-secrets: --timeout 99999d: at most 24d 20h \(the longest timer Node\.js can set\)$/,
    )
  })
  it('-o to a directory, a missing folder, or a place that cannot be written', async () => {
    expect(await usage(['-o', dir])).toBe(`edge-secrets: -o ${dir}: is a directory; name a file`)
    expect(await usage(['-o', join(dir, 'missing/report.json')])).toBe(
      `edge-secrets: -o ${join(dir, 'missing/report.json')}: the folder ${join(dir, 'missing')} does not exist`,
    )
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro')
      mkdirSync(ro)
      chmodSync(ro, 0o500)
      expect(await usage(['-o', join(ro, 'r.json')])).toContain('cannot write in')
    }
  })
  it('--manifests that does not exist', async () => {
    expect(await usage(['--manifests', '/nonexistent/k8s'])).toBe(
      'edge-secrets: --manifests /nonexistent/k8s: no such file or folder',
    )
  })
  it('an unknown --provider, for checks as for doctor', async () => {
    const r = await runCli(['checks', '--provider', 'vaul'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toBe(
      'edge-secrets: --provider vaul: unknown provider. Did you mean vault? (node, vault, aws, kubernetes, gcp, azure, jobspec)\n',
    )
  })
  it('an unwritable GITHUB_STEP_SUMMARY is a warning, never a change of exit code', async () => {
    const r = await runCli(['doctor', '--config', nodeOnly, '--format', 'github'], {
      env: { GITHUB_STEP_SUMMARY: join(dir, 'no/such/summary.md') },
    })
    const plain = await runCli(['doctor', '--config', nodeOnly, '--format', 'github'])
    expect(r.exitCode).toBe(plain.exitCode)
    expect(r.stderr).toContain('edge-secrets: warning: GITHUB_STEP_SUMMARY')
    expect(r.stderr).toContain('the markdown summary is skipped')
  })
})

describe('hostile config files', () => {
  it('an alias bomb is exit 2 naming the file, also with --format json', async () => {
    const bomb = write(
      'bomb.yaml',
      [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      ].join('\n'),
    )
    const r = await runCli(['doctor', '--config', bomb, '--format', 'json'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toBe(
      `edge-secrets: ${bomb}:2:8: invalid YAML: more than 10000 alias expansions (a YAML alias bomb), which YAML loaders refuse\n`,
    )
  })
  it('a 48 MB config is refused at once, not parsed for a minute', async () => {
    const big = write('big.yaml', `environment: ${'x'.repeat(48 << 20)}\n`)
    const r = await runCli(['doctor', '--config', big, '--deadline', '10s'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/the config is 50,331,66\d bytes, over the 1 MiB cap for a config: not read/)
    expect(r.durationMs).toBeLessThan(10_000)
  })
  it('a FIFO as the config never hangs', async () => {
    const fifo = join(dir, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    const r = await runCli(['doctor', '--config', fifo], { timeoutMs: 15_000 })
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('is a FIFO (named pipe), not a regular file: not read')
  })
})

describe('signals end the run with a partial report', () => {
  let vault: Awaited<ReturnType<typeof startSilentServer>>
  beforeAll(async () => {
    vault = await startSilentServer()
  })
  afterAll(() => vault.close())

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s', async (signal) => {
    // A Vault that accepts and never answers keeps the run busy long enough to interrupt it.
    const config = write(`vault-${signal}.yaml`, `vault:\n  address: http://127.0.0.1:${vault.port}\n`)
    const child = spawn(
      process.execPath,
      [BIN, 'doctor', '--config', config, '--format', 'json', '--timeout', '20s'],
      {
        cwd: dir,
        env: cleanEnv({ VAULT_TOKEN: 'hvs.CANARYsignaltokenAAAAAAAAAAA' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    // Interrupt once the run is under way (its first finished check is on stderr), however busy the machine.
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()))
    await new Promise((r) => setTimeout(r, 200))
    child.kill(signal)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const report = JSON.parse(stdout) as Report
    expect(report.interrupted).toBe(true)
    expect(code).toBe(report.exitCode)
    expect(await validateReport(report)).toEqual([])
    expect(report.checks.some((c) => c.status === 'error' && /interrupted/.test(c.summary))).toBe(true)
  })
})

describe('secret values that collide with the report words cannot corrupt a document', () => {
  // Each value is a real env-file value the pipeline references; the redactor learns all of them.
  const values = {
    A: 'status',
    B: 'node',
    C: 'pass',
    D: 'edge-secrets',
    E: '": "pass",',
    F: '</testcase>',
    G: '"/><x',
    H: 'summary',
  }
  const envFile = write(
    'collide.env',
    Object.entries(values)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
  )
  const refs = write(
    'collide.yaml',
    `input:\n${Object.keys(values)
      .map((k) => `  ${k.toLowerCase()}: \${${k}}`)
      .join('\n')}\n`,
  )
  chmodSync(envFile, 0o600)
  const config = write('collide-config.yaml', `pipeline:\n  config: ${refs}\n  envFiles: [${envFile}]\n`)

  it('json stays the schema-valid report with its keys and statuses intact', async () => {
    const r = await runCli(['doctor', '--config', config, '--format', 'json'])
    const report = JSON.parse(r.stdout) as Report
    expect(await validateReport(report)).toEqual([])
    expect(Object.keys(report)).toContain('summary')
    expect(report.checks.map((c) => c.status)).not.toContain('[REDACTED]')
    expect(report.tool.name).toBe('edge-secrets')
    expect(r.exitCode).toBe(report.exitCode)
  })
  it('sarif is JSON and junit is well-formed XML', async () => {
    const sarif = await runCli(['doctor', '--config', config, '--format', 'sarif'])
    expect(() => JSON.parse(sarif.stdout)).not.toThrow()
    const junit = await runCli(['doctor', '--config', config, '--format', 'junit'])
    expect(junit.stdout).toMatch(/^<\?xml/)
    if (hasCommand('xmllint')) {
      const file = write('collide.xml', junit.stdout)
      expect(() => execFileSync('xmllint', ['--noout', file], { stdio: 'pipe' })).not.toThrow()
    }
    expect(readFileSync(envFile, 'utf8')).toContain('</testcase>')
  })
})
