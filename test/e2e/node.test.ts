// The node scenarios end to end: the built CLI as a process over node layouts in temp dirs, every format,
// and the canary proof that no secret value reaches any output.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/report.js'
import { validateReport } from '../helpers/validate-report.js'
import { prepareScenario } from '../../src/sandbox/run-scenario.js'
import { NODE_CANARIES, nodeScenarios } from '../../src/sandbox/scenarios/node.js'
import { runCli, runScenario, scenarioMismatches } from '../helpers/cli.js'

/** Some tests start the CLI six times: each start costs seconds on a loaded CI machine. */
const MANY_RUNS_MS = 120_000

const scenario = (name: string) => {
  const s = nodeScenarios.find((x) => x.name === name)
  if (!s) throw new Error(`no scenario ${name}`)
  return s
}

describe('node scenarios', { timeout: MANY_RUNS_MS }, () => {
  for (const s of nodeScenarios) {
    it(`${s.name}: the report names exactly what the scenario broke`, async () => {
      const run = await runScenario(s)
      expect(scenarioMismatches(s, run.report), run.stderr).toEqual([])
      expect(run.exitCode).toBe(s.exitCode)
      expect(run.report.exitCode).toBe(run.exitCode)
      expect(await validateReport(run.report)).toEqual([])
      expect(run.stdout).not.toContain('\x1b')
    })
  }

  it('every format shows the same counts and verdict, and stdout holds exactly one document', async () => {
    const s = scenario('node-broken')
    const prepared = await prepareScenario(s)
    try {
      const base = ['doctor', '--config', prepared.configFile, '--provider', 'node']
      const json = await runCli([...base, '--format', 'json'], { env: { FORCE_COLOR: '1' } })
      const report = JSON.parse(json.stdout) as Report
      const { fail, warn, pass, skip, error } = report.summary
      expect(json.stdout).not.toContain('\x1b')

      const junit = await runCli([...base, '--format', 'junit'], { env: { FORCE_COLOR: '1' } })
      expect(junit.stdout.startsWith('<?xml')).toBe(true)
      expect(junit.stdout).not.toContain('\x1b')
      const failures = [...junit.stdout.matchAll(/<testsuite [^>]*failures="(\d+)"/g)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      )
      expect(failures).toBe(fail)

      const sarif = await runCli([...base, '--format', 'sarif'])
      const results =
        (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]
          ?.results ?? []
      const ruleIds = new Set(results.filter((r) => r.level === 'error').map((r) => r.ruleId))
      expect(ruleIds.size).toBe(fail)

      const github = await runCli([...base, '--format', 'github'])
      expect(github.stdout).not.toContain('\x1b')
      const errors = new Set([...github.stdout.matchAll(/^::error [^:]*title=([^,:]+)/gm)].map((m) => m[1]))
      expect(errors.size).toBe(fail)

      const md = await runCli([...base, '--format', 'markdown'])
      expect(md.stdout).toContain(`| ${fail} |`)

      for (const r of [json, junit, sarif, github, md]) expect(r.exitCode).toBe(report.exitCode)
      expect(report.exitCode).toBe(1)
      expect(pass + warn + fail + skip + error).toBe(report.summary.total)

      const text = await runCli(base)
      expect(text.stdout).toContain(`${fail} failed, ${warn} warning`)
    } finally {
      await prepared.cleanup()
    }
  })

  it('-o writes the report to a file and keeps the summary on stderr', async () => {
    const prepared = await prepareScenario(scenario('node-broken'))
    try {
      const out = join(prepared.dir, 'report.json')
      const r = await runCli([
        'doctor',
        '--config',
        prepared.configFile,
        '--provider',
        'node',
        '--format',
        'json',
        '-o',
        out,
      ])
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/FAILING — \d+ failed/)
      expect((JSON.parse(readFileSync(out, 'utf8')) as Report).exitCode).toBe(1)
    } finally {
      await prepared.cleanup()
    }
  })

  it('--fail-on never reports without failing the gate; --fail-on warn trips on warnings', async () => {
    const prepared = await prepareScenario(scenario('node-broken'))
    try {
      const base = ['doctor', '--config', prepared.configFile, '--provider', 'node', '--format', 'json']
      expect((await runCli([...base, '--fail-on', 'never'])).exitCode).toBe(0)
      const warnOnly = await runCli([
        ...base,
        '--fail-on',
        'warn',
        '--only',
        'node.secrets-tmpfs,node.env-file-freshness',
      ])
      const rep = JSON.parse(warnOnly.stdout) as Report
      expect(warnOnly.exitCode).toBe(rep.summary.warn > 0 || rep.summary.fail > 0 ? 1 : 0)
    } finally {
      await prepared.cleanup()
    }
  })

  it('no canary value reaches any format, with --verbose and DEBUG=*', async () => {
    const prepared = await prepareScenario(scenario('node-broken'))
    try {
      const outputs: string[] = []
      for (const format of ['text', 'json', 'junit', 'sarif', 'markdown', 'github']) {
        const r = await runCli(
          ['doctor', '--config', prepared.configFile, '--provider', 'node', '--format', format, '--verbose'],
          { env: { DEBUG: '*', GITHUB_STEP_SUMMARY: join(prepared.dir, 'summary.md') } },
        )
        outputs.push(r.stdout, r.stderr)
      }
      outputs.push(readFileSync(join(prepared.dir, 'summary.md'), 'utf8'))
      const all = outputs.join('\n')
      expect(all.length).toBeGreaterThan(1000)
      for (const canary of NODE_CANARIES) expect(all).not.toContain(canary)
    } finally {
      await prepared.cleanup()
    }
  })

  it('a FIFO, a directory or a device where a file belongs is named, never read, and the process exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-fifo-'))
    const fifo = (name: string) => {
      const path = join(dir, name)
      expect(spawnSync('mkfifo', [path]).status).toBe(0)
      return path
    }
    const [envFifo, agentFifo, pidFifo] = [fifo('pipeline.env'), fifo('vault-agent.hcl'), fifo('agent.pid')]
    const envDir = join(dir, 'api.env')
    mkdirSync(envDir)
    const pipeline = join(dir, 'pipeline.yaml')
    writeFileSync(pipeline, 'input:\n  kafka:\n    user: ${KAFKA_USERNAME}\noutput:\n  stdout: {}\n')
    const config = join(dir, 'edge-secrets.yaml')
    writeFileSync(
      config,
      [
        'pipeline:',
        `  config: ${pipeline}`,
        `  envFiles: [${envFifo}, ${envDir}, /dev/zero]`,
        'vault:',
        `  agentConfig: ${agentFifo}`,
        `  agentPidFile: ${pidFifo}`,
        '',
      ].join('\n'),
    )
    // A FIFO read would wait for a writer forever: finishing at all is the proof (runCli kills at the limit).
    const r = await runCli(['doctor', '--config', config, '--provider', 'node', '--format', 'json'], {
      timeoutMs: 60_000,
    })
    const report = JSON.parse(r.stdout) as Report
    expect(await validateReport(report)).toEqual([])
    const byId = (id: string) => report.checks.find((c) => c.id === id)
    const envVars = byId('node.env-vars')
    expect(envVars).toMatchObject({ status: 'fail' })
    expect(envVars?.summary).toBe(
      `3 secret files not read: ${envFifo} is a FIFO (named pipe), not a regular file: not read; ${envDir} is a directory, not a regular file: not read; /dev/zero is a character device, not a regular file: not read`,
    )
    expect(envVars?.details).toContain(
      `Vault agent config not read (${agentFifo} is a FIFO (named pipe), not a regular file: not read): its sinks and templates are not included`,
    )
    expect(byId('node.vault-agent-process')).toMatchObject({
      status: 'fail',
      summary: `Vault agent pid file ${pidFifo} does not hold a process id`,
    })
    expect(byId('node.env-file-perms')).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).not.toMatch(/EISDIR|check crashed/)

    // The pipeline config itself may be the FIFO.
    writeFileSync(config, `pipeline:\n  config: ${fifo('pipeline-fifo.yaml')}\n`)
    const p = await runCli(['doctor', '--config', config, '--provider', 'node', '--format', 'json'], {
      timeoutMs: 60_000,
    })
    const pipelineCheck = (JSON.parse(p.stdout) as Report).checks.find((c) => c.id === 'node.pipeline-config')
    expect(pipelineCheck).toMatchObject({
      status: 'fail',
      summary: `pipeline config ${join(dir, 'pipeline-fifo.yaml')} is a FIFO (named pipe), not a regular file: not read`,
    })
  })

  it('under --offline the clock check that applies says offline, not "not applicable"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-offline-'))
    const config = join(dir, 'edge-secrets.yaml')
    writeFileSync(config, 'vault:\n  address: https://vault.example.com:8200\n')
    const r = await runCli([
      'doctor',
      '--config',
      config,
      '--offline',
      '--only',
      'node.clock-skew',
      '--format',
      'json',
    ])
    const check = (JSON.parse(r.stdout) as Report).checks.find((c) => c.id === 'node.clock-skew')
    expect(check).toMatchObject({
      status: 'skip',
      skipReason: 'offline',
      skipDetail: 'no server time to compare with under --offline: vault is configured',
    })
  })
})
