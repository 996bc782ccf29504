// The support bundle end to end, as a process against the simulated full deployment (node, Vault agent,
// AWS, External Secrets on Kubernetes): every file MANIFEST.json promises is there and is what it says, no
// planted secret reaches any byte of any file (raw or base64), and the bundle feeds show and diff.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AWS_CANARIES } from '../../src/sandbox/aws/deployment.js'
import { prepareScenario, type PreparedScenario } from '../../src/sandbox/run-scenario.js'
import { scenarioArgs } from '../../src/sandbox/scenario.js'
import { findScenario } from '../../src/sandbox/scenarios/index.js'
import { KUBERNETES_CANARIES } from '../../src/sandbox/scenarios/kubernetes.js'
import { NODE_CANARIES } from '../../src/sandbox/scenarios/node.js'
import { VAULT_CANARIES } from '../../src/sandbox/scenarios/vault.js'
import { runCli } from '../helpers/cli.js'
import { hasCommand } from '../helpers/tools.js'
import { validateReport } from '../helpers/validate-report.js'

const PLANTED = {
  hcl: 'CANARY-hcl-literal-token-6d1f0a93',
  template: 'CANARY-template-literal-2be47c',
  env: 'CANARY-env-value-9a0c5e71',
  vaultToken: 'hvs.CANARYbundleTokenAAAAAAAAAAAAA',
}
const CANARIES = [
  ...Object.values(PLANTED),
  ...NODE_CANARIES,
  ...VAULT_CANARIES,
  ...KUBERNETES_CANARIES,
  ...Object.values(AWS_CANARIES as Record<string, string>),
]
const forms = (s: string) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')]

const scenario = findScenario('full-healthy')
if (!scenario) throw new Error('full-healthy scenario missing')

let prepared: PreparedScenario
let out: string
let extracted: string
let bundleRun: Awaited<ReturnType<typeof runCli>>

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

beforeAll(async () => {
  prepared = await prepareScenario(scenario)
  const hcl = join(prepared.dir, 'vault-healthy/vault-agent.hcl')
  writeFileSync(
    hcl,
    readFileSync(hcl, 'utf8').replace(
      'role = "expanso-edge"',
      `role = "expanso-edge"\n      token = "${PLANTED.hcl}"`,
    ),
  )
  appendFileSync(
    join(prepared.dir, 'vault-healthy/pipeline.env.tpl'),
    `\nSTATIC_PASSWORD=${PLANTED.template}\n`,
  )
  out = mkdtempSync(join(tmpdir(), 'es-bundle-'))
  bundleRun = await runCli(
    [
      'bundle',
      '-o',
      join(out, 'bundle.tar.gz'),
      '--config',
      prepared.configFile,
      ...scenario.providers.flatMap((p) => ['--provider', p]),
      ...scenarioArgs(prepared.instance.options),
    ],
    {
      env: {
        ...prepared.instance.env,
        HOME: prepared.dir,
        PLANTED_VALUE: PLANTED.env,
        PLANTED_TOKEN: PLANTED.vaultToken,
      },
      cwd: prepared.dir,
      timeoutMs: 120_000,
    },
  )
  extracted = join(out, 'x')
  execFileSync('mkdir', ['-p', extracted])
  execFileSync('tar', ['xzf', join(out, 'bundle.tar.gz'), '-C', extracted])
}, 180_000)

afterAll(async () => prepared?.cleanup())

describe('edge-secrets bundle', () => {
  it('writes a 0600 .tar.gz whose MANIFEST.json names every file, what it is and why, with its hash', () => {
    expect(bundleRun.exitCode, bundleRun.stderr).toBe(0)
    expect(bundleRun.stderr).toMatch(/bundle .*bundle\.tar\.gz: \d+ files/)
    expect(statSync(join(out, 'bundle.tar.gz')).mode & 0o777).toBe(0o600)
    const manifest = JSON.parse(readFileSync(join(extracted, 'MANIFEST.json'), 'utf8')) as {
      files: { path: string; sha256: string; what: string; why: string }[]
      notCollected: string[]
    }
    const files = walk(extracted)
      .map((p) => relative(extracted, p))
      .sort()
    expect(files).toEqual(['MANIFEST.json', ...manifest.files.map((f) => f.path)].sort())
    expect(files).toEqual(
      expect.arrayContaining([
        'report.json',
        'report.md',
        'doctor.log',
        'versions.json',
        'config.json',
        'environment.json',
        'identities.json',
        'timings.json',
        'agent/vault-agent.hcl',
        'agent/templates/1-pipeline.env.tpl',
        'secret-files.json',
        'kubernetes.json',
      ]),
    )
    for (const f of manifest.files) {
      expect(f.what.length, f.path).toBeGreaterThan(10)
      expect(f.why.length, f.path).toBeGreaterThan(10)
      expect(
        createHash('sha256')
          .update(readFileSync(join(extracted, f.path)))
          .digest('hex'),
        f.path,
      ).toBe(f.sha256)
    }
  })

  it('carries no planted secret in any file, raw or base64', () => {
    const leaks: string[] = []
    for (const file of walk(extracted)) {
      const text = readFileSync(file, 'latin1')
      for (const c of CANARIES)
        for (const f of forms(c)) if (text.includes(f)) leaks.push(`${relative(extracted, file)}: ${c}`)
    }
    expect(leaks).toEqual([])
    expect(CANARIES.length).toBeGreaterThan(15)
  })

  it('holds what a support engineer reads: the report, the scrubbed agent files, names, metadata and summaries', async () => {
    const read = (p: string) => readFileSync(join(extracted, p), 'utf8')
    const report = JSON.parse(read('report.json'))
    expect(await validateReport(report)).toEqual([])
    expect(report.checks.length).toBeGreaterThan(20)
    expect(read('report.md')).toContain('# edge-secrets doctor report')
    expect(read('doctor.log')).toMatch(/(PASS|FAIL)\s+vault\.auth\s/)
    expect(read('doctor.log')).toContain('Identities')
    expect(read('agent/vault-agent.hcl')).toContain('role = "expanso-edge"')
    expect(read('agent/vault-agent.hcl')).toContain('token = "[removed]"')
    expect(read('agent/templates/1-pipeline.env.tpl')).toContain(
      'KAFKA_PASSWORD={{ .Data.data.kafka_password }}',
    )
    expect(read('agent/templates/1-pipeline.env.tpl')).toContain('STATIC_PASSWORD=[removed]')
    const env = JSON.parse(read('environment.json')) as { set: string[]; relevant: string[] }
    expect(env.set).toContain('PLANTED_VALUE')
    expect(env.relevant).toContain('AWS_SECRET_ACCESS_KEY')
    expect(JSON.parse(read('config.json'))).toMatchObject({
      aws: { region: 'us-east-1' },
      kubernetes: { namespace: 'expanso-system' },
    })
    const files = JSON.parse(read('secret-files.json')) as {
      path: string
      mode?: string
      filesystem?: string
      mtime?: string
      roles: string[]
    }[]
    const env0 = files.find((f) => f.path.endsWith('node-healthy/pipeline.env'))
    expect(env0).toMatchObject({ roles: ['env-file'], mode: '0600', filesystem: 'tmpfs' })
    expect(env0?.mtime).toMatch(/^\d{4}-/)
    const kube = JSON.parse(read('kubernetes.json')) as {
      objects: { kind: string; keys?: Record<string, string>; data?: unknown }[]
    }
    const secret = kube.objects.find((o) => o.kind === 'Secret')
    expect(secret?.keys).toMatchObject({ KAFKA_PASSWORD: 'set' })
    expect(kube.objects.some((o) => 'data' in o)).toBe(false)
    expect(JSON.parse(read('identities.json')).map((i: { provider: string }) => i.provider)).toEqual(
      expect.arrayContaining(['vault', 'aws']),
    )
  })

  it('feeds report show (every format) and report diff', async () => {
    const bundle = join(out, 'bundle.tar.gz')
    for (const format of ['text', 'markdown', 'json', 'junit', 'sarif', 'github', 'prometheus']) {
      const r = await runCli(['report', 'show', bundle, '--format', format, '--no-color'])
      expect(r.exitCode, `${format}: ${r.stderr}`).toBe(0)
      for (const c of CANARIES) expect(r.stdout, format).not.toContain(c)
    }
    const prom = await runCli(['report', 'show', bundle, '--format', 'prometheus'])
    expect(prom.stdout).toMatch(
      /edge_secrets_secret_file_modified_timestamp_seconds\{path="[^"]*node-healthy\/pipeline\.env",role="env-file"\} \d/,
    )
    if (hasCommand('/usr/bin/promtool')) {
      const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
        input: prom.stdout,
        encoding: 'utf8',
      })
      expect(check.status, check.stdout + check.stderr).toBe(0)
    }
    const same = await runCli(['report', 'diff', bundle, bundle])
    expect(same.exitCode, same.stderr).toBe(0)
    expect(same.stdout).toContain('NO REGRESSION')
    // The same node with one check broken: diff names it and gates on it.
    const report = JSON.parse(readFileSync(join(extracted, 'report.json'), 'utf8'))
    const i = report.checks.findIndex((c: { status: string }) => c.status === 'pass')
    report.checks[i] = {
      ...report.checks[i],
      status: 'fail',
      severity: 'high',
      summary: 'broken after the change',
      findings: [
        { key: 'broken', status: 'fail', severity: 'high', message: 'broken after the change', remedies: [] },
      ],
    }
    report.summary = { ...report.summary, pass: report.summary.pass - 1, fail: report.summary.fail + 1 }
    report.exitCode = 1
    writeFileSync(join(out, 'after.json'), JSON.stringify(report))
    const worse = await runCli(['report', 'diff', bundle, join(out, 'after.json'), '--no-color'])
    expect(worse.exitCode).toBe(1)
    expect(worse.stdout).toContain(`New problems (1)\n  ${report.checks[i].id}`)
  }, 120_000)
})
