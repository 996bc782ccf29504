// The fleet end to end, as processes: generated Kubernetes manifests pass the doctor's own --offline
// --manifests checks and kubectl's client-side dry run; `fleet run` prints exactly one report line and
// writes a textfile promtool accepts; `report merge` merges a fleet from a folder (worker threads) and from
// kubectl-logs-style stdin, naming what it skips, and its JSON validates against the merge schema.
import { spawn, spawnSync, execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checks as catalogue } from '../../src/checks/index.js'
import { remedies } from '../../src/remedies.js'
import { prepareScenario } from '../../src/sandbox/run-scenario.js'
import { findScenario } from '../../src/sandbox/scenarios/index.js'
import { generateFleet } from '../../scripts/bench-merge.mjs'
import { BIN, cleanEnv, runCli } from '../helpers/cli.js'
import { startDiscoveryServer, type DiscoveryServer } from '../helpers/kube-discovery.js'
import { hasCommand } from '../helpers/tools.js'
import { validateReport } from '../helpers/validate-report.js'
import { validateMerge } from '../helpers/validate-merge.js'

const run = promisify(execFile)
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p)) ?? 'kubectl'
const work = mkdtempSync(join(tmpdir(), 'es-fleet-'))

/** The CLI with stdin from a file (runCli gives its children no stdin). */
function runWithStdin(
  args: string[],
  stdinFile: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cleanEnv(),
      cwd: work,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }))
    child.stdin.end(readFileSync(stdinFile))
  })
}

describe('fleet manifest kubernetes', () => {
  let server: DiscoveryServer
  let manifest: string
  beforeAll(async () => {
    server = await startDiscoveryServer()
    const r = await runCli([
      'fleet',
      'manifest',
      'kubernetes',
      '--selector',
      'node-role.kubernetes.io/edge=,site in (ams-1,fra-2)',
      '--image',
      'registry.example.com/edge-secrets:0.1.0',
    ])
    expect(r.exitCode, r.stderr).toBe(0)
    manifest = join(work, 'doctor.yaml')
    writeFileSync(manifest, r.stdout)
  })
  afterAll(async () => server?.close())

  it("passes the doctor's own --offline --manifests checks", async () => {
    const r = await runCli([
      'doctor',
      '--offline',
      '--manifests',
      manifest,
      '--provider',
      'kubernetes',
      '--format',
      'json',
    ])
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; summary: string }[] }
    const bad = report.checks
      .filter((c) => c.status !== 'pass' && c.status !== 'skip')
      .map((c) => `${c.id}: ${c.status} ${c.summary}`)
    expect(bad).toEqual([])
    expect(report.checks.find((c) => c.id === 'k8s.service-account')?.status).toBe('pass')
    expect(r.exitCode).toBe(0)
  })

  it('passes kubectl apply --dry-run=client --validate=false, creating nothing', async () => {
    if (!hasCommand(KUBECTL)) return
    const kubeconfig = join(work, 'kubeconfig')
    writeFileSync(kubeconfig, server.kubeconfig())
    const { stdout } = await run(
      KUBECTL,
      ['--kubeconfig', kubeconfig, 'apply', '--dry-run=client', '--validate=false', '-f', manifest],
      {
        env: { PATH: process.env.PATH ?? '', HOME: work },
      },
    )
    expect(stdout.trim().split('\n')).toEqual([
      'serviceaccount/edge-secrets-doctor created (dry run)',
      'role.rbac.authorization.k8s.io/edge-secrets-doctor created (dry run)',
      'rolebinding.rbac.authorization.k8s.io/edge-secrets-doctor created (dry run)',
      'clusterrole.rbac.authorization.k8s.io/edge-secrets-doctor created (dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/edge-secrets-doctor created (dry run)',
      'daemonset.apps/edge-secrets-doctor created (dry run)',
    ])
    expect(server.writes).toEqual([])
  })

  it('refuses a selector no engine can express, in one line, exit 2', async () => {
    const r = await runCli(['fleet', 'manifest', 'expanso', '--selector', 'site=a b'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('fleet run', () => {
  it('prints exactly one report line, nothing on stderr, and writes the textfile and the report file', async () => {
    const scenario = findScenario('node-healthy')
    if (!scenario) throw new Error('node-healthy missing')
    const prepared = await prepareScenario(scenario)
    try {
      writeFileSync(join(prepared.dir, 'hostname'), 'edge-host-17\n')
      const r = await runCli(
        [
          'fleet',
          'run',
          '--config',
          prepared.configFile,
          '--provider',
          'node',
          '--textfile',
          join(prepared.dir, 'edge_secrets.prom'),
          '--report-dir',
          prepared.dir,
          '--hostname-file',
          join(prepared.dir, 'hostname'),
          '--label',
          'site=ams-1',
        ],
        { env: { ...prepared.instance.env, NODE_NAME: 'worker-17' }, cwd: prepared.dir },
      )
      expect(r.exitCode, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      const lines = r.stdout.split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[1]).toBe('')
      const report = JSON.parse(lines[0] as string)
      expect(await validateReport(report)).toEqual([])
      expect(report.node).toMatchObject({
        hostname: 'edge-host-17',
        kubernetes: { node: 'worker-17' },
        labels: { site: 'ams-1' },
      })
      expect(readFileSync(join(prepared.dir, 'edge-secrets-worker-17.json'), 'utf8')).toBe(r.stdout)
      const prom = readFileSync(join(prepared.dir, 'edge_secrets.prom'), 'utf8')
      expect(prom).toContain('edge_secrets_node_info{')
      expect(prom).toMatch(
        /edge_secrets_secret_file_modified_timestamp_seconds\{path="[^"]+pipeline\.env",role="env-file"\}/,
      )
      if (hasCommand('/usr/bin/promtool')) {
        const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: prom, encoding: 'utf8' })
        expect(check.status, check.stdout + check.stderr).toBe(0)
      }
      expect(readdirSync(prepared.dir).filter((f) => f.includes('.tmp-'))).toEqual([])
    } finally {
      await prepared.cleanup()
    }
  }, 60_000)
})

describe('report merge', () => {
  const dir = join(work, 'reports')
  const jsonl = join(work, 'kubectl-logs.txt')
  beforeAll(async () => generateFleet({ nodes: 300, dir, jsonl, catalogue, remedies }), 60_000)

  it('merges a folder into schema-valid JSON, naming the inputs it skipped; worker threads merge the same', async () => {
    const r = await runCli(['report', 'merge', dir, '--format', 'json'], { timeoutMs: 60_000 })
    expect(r.exitCode, r.stderr).toBe(1)
    const view = JSON.parse(r.stdout)
    expect(await validateMerge(view)).toEqual([])
    expect(view.summary.nodes).toBe(300)
    expect(view.inputs).toMatchObject({ reports: 301, superseded: 1, skipped: 2 })
    expect(
      view.inputs.skippedInputs.map((s: { source: string }) => s.source.replace(/^.*\/reports\//, '')),
    ).toEqual(['notes.json', 'truncated.json:1'])
    expect(view.groups[0].nodeCount).toBeGreaterThan(10)
    expect(r.stderr).toMatch(/^FLEET FAILING — 300 nodes: .* 2 inputs skipped → exit 1\n$/)
    const pooled = await runCli(['report', 'merge', dir, '--format', 'json'], {
      timeoutMs: 60_000,
      env: { EDGE_SECRETS_MERGE_WORKERS: '2' },
    })
    const strip = (v: { generatedAt?: string; inputs: { skippedInputs: { source: string }[] } }) => ({
      ...v,
      generatedAt: '',
    })
    expect(strip(JSON.parse(pooled.stdout))).toEqual(strip(view))
  }, 90_000)

  it('merges kubectl logs on stdin to the same fleet, and text names root causes with their commands', async () => {
    const folder = JSON.parse(
      (await runCli(['report', 'merge', dir, '--format', 'json'], { timeoutMs: 60_000 })).stdout,
    )
    const r = await runWithStdin(['report', 'merge', '-', '--format', 'json'], jsonl)
    expect(r.exitCode, r.stderr).toBe(1)
    const view = JSON.parse(r.stdout)
    expect(await validateMerge(view)).toEqual([])
    expect(view.summary.nodes).toBe(300)
    // The folder holds node 0's newer report as well; every other node is the same, and so are the groups.
    expect(view.groups.map((g: { id: string }) => g.id).sort()).toEqual(
      expect.arrayContaining(
        folder.groups
          .filter((g: { nodeCount: number }) => g.nodeCount > 1)
          .map((g: { id: string }) => g.id)
          .slice(0, 3),
      ),
    )
    expect(view.inputs.skippedInputs).toEqual([
      { source: 'stdin:301', reason: expect.stringMatching(/^1 line that is not JSON/) },
    ])
    const text = await runWithStdin(['report', 'merge', '-', '--no-color'], jsonl)
    expect(text.stdout).toContain('Root causes (nodes that fail the same way)')
    expect(text.stdout).toMatch(/→ .+\n\s+vault policy read/)
  }, 120_000)

  it('exits 2 on a path that does not exist, before reading anything', async () => {
    const r = await runCli(['report', 'merge', dir, join(work, 'nope')])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/nope: no such file or folder\n$/)
  })
})

describe('report show', () => {
  it('names a file that is not a report in one line, exit 2', async () => {
    writeFileSync(join(work, 'foreign.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }))
    const r = await runCli(['report', 'show', join(work, 'foreign.json')])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(
      /^edge-secrets: .*foreign\.json: not an edge-secrets report \(no tool\.name "edge-secrets"\)\n$/,
    )
  })
})
