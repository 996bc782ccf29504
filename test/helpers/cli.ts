// Spawns the built CLI as a real process (process.execPath), with the network guard preloaded and a clean
// environment, the way CI and an operator run it.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Report } from '../../src/core/report.js'
import { prepareScenario } from '../../src/sandbox/run-scenario.js'
import { scenarioArgs, type Scenario } from '../../src/sandbox/scenario.js'
import type { RequestLogEntry } from '../../src/sandbox/server.js'
import { SCRUBBED_ENV, testEnv } from './env.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = join(ROOT, 'bin/run.js')
const GUARD = join(ROOT, 'test/helpers/net-guard.mjs')

export interface CliResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  readonly durationMs: number
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>
  readonly cwd?: string
  readonly timeoutMs?: number
}

export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of SCRUBBED_ENV) delete env[k]
  const home = mkdtempSync(join(tmpdir(), 'edge-secrets-cli-home-'))
  return {
    ...env,
    ...testEnv(home),
    NODE_OPTIONS: `--import ${GUARD}`,
    EDGE_SECRETS_NET_GUARD_LOG: '1',
    ...extra,
  }
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), 'edge-secrets-cwd-')),
      env: cleanEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`CLI did not finish within ${opts.timeoutMs ?? 60_000} ms: ${args.join(' ')}\n${stderr}`),
      )
    }, opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (stderr.includes('network guard:')) reject(new Error(`the CLI tried to leave loopback:\n${stderr}`))
      else resolvePromise({ exitCode: code ?? -1, stdout, stderr, durationMs: performance.now() - started })
    })
  })
}

export interface ScenarioRun extends CliResult {
  readonly report: Report
  readonly requestLog: readonly (RequestLogEntry & { readonly server: string })[]
  readonly dir: string
}

/** Sets the scenario up, runs `doctor --format json` against it as a process, tears it down. */
export async function runScenario(
  scenario: Scenario,
  extraArgs: readonly string[] = [],
): Promise<ScenarioRun> {
  const prepared = await prepareScenario(scenario)
  try {
    const args = [
      'doctor',
      '--config',
      prepared.configFile,
      ...scenario.providers.flatMap((p) => ['--provider', p]),
      '--format',
      'json',
      ...scenarioArgs(prepared.instance.options),
      ...extraArgs,
    ]
    const result = await runCli(args, {
      env: { ...prepared.instance.env, HOME: prepared.dir },
      cwd: prepared.dir,
    })
    let report: Report
    try {
      report = JSON.parse(result.stdout) as Report
    } catch {
      throw new Error(
        `stdout is not one JSON document (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
      )
    }
    return { ...result, report, requestLog: prepared.instance.requestLog(), dir: prepared.dir }
  } finally {
    await prepared.cleanup()
  }
}

/** Compares a report with a scenario's expectations; returns readable mismatches (empty = as expected). */
export function scenarioMismatches(scenario: Scenario, report: Report): string[] {
  const out: string[] = []
  for (const [id, want] of Object.entries(scenario.expect)) {
    const got = report.checks.find((c) => c.id === id)
    if (!got) {
      out.push(`${id}: not in the report`)
      continue
    }
    if (got.status !== want.status)
      out.push(`${id}: status ${got.status} (${got.summary}), expected ${want.status}`)
    if (want.finding && !(got.findings ?? []).some((f) => f.key === want.finding))
      out.push(
        `${id}: findings ${(got.findings ?? []).map((f) => f.key).join(',') || 'none'}, expected ${want.finding}`,
      )
    if (want.remedies) {
      const ids = got.remedies.map((r) => r.id).sort()
      const exp = [...want.remedies].sort()
      if (ids.join(',') !== exp.join(','))
        out.push(`${id}: remedies ${ids.join(',')}, expected ${exp.join(',')}`)
    }
    if (want.skipReason && got.skipReason !== want.skipReason)
      out.push(`${id}: skipReason ${got.skipReason}, expected ${want.skipReason}`)
  }
  for (const c of report.checks) {
    if (c.id in scenario.expect) continue
    if (!(scenario.providers as readonly string[]).includes(c.provider)) continue
    if (c.status !== 'pass' && c.status !== 'skip') out.push(`${c.id}: unexpected ${c.status} (${c.summary})`)
  }
  return out
}
