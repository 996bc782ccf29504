// The CLI as a process: commands, exit codes, streams, startup cost.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli } from '../helpers/cli.js'

const SDK =
  /node_modules\/(node-vault|@aws-sdk|@smithy|@kubernetes|@google-cloud|google-auth-library|google-gax|@azure|listr2|ajv|@cdktf)\//

/** Which bundle files (dist/*.js) carry an SDK, from esbuild's metafile (scripts/build.mjs writes it). */
function sdkOutputs(): Map<string, string[]> {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>
  }
  const out = new Map<string, string[]>()
  for (const [file, o] of Object.entries(meta.outputs)) {
    const sdks = [...new Set(Object.keys(o.inputs).flatMap((i) => SDK.exec(i)?.[1] ?? []))]
    if (sdks.length) out.set(join(ROOT, 'dist', file.split('/').pop() as string), sdks)
  }
  return out
}

describe('edge-secrets CLI', () => {
  it('--version, checks and explain load no SDK', async () => {
    const withSdk = sdkOutputs()
    // The metafile must know where the SDKs are, or this test would pass on anything.
    expect([...new Set([...withSdk.values()].flat())]).toEqual(
      expect.arrayContaining(['node-vault', '@aws-sdk', '@kubernetes', '@azure']),
    )
    for (const args of [
      ['--version'],
      ['checks'],
      ['checks', '--format', 'json'],
      ['explain', 'bp.rotation'],
    ]) {
      const log = join(mkdtempSync(join(tmpdir(), 'es-spy-')), 'modules.log')
      writeFileSync(log, '')
      const r = await runCli(args, {
        env: {
          EDGE_SECRETS_MODULE_LOG: log,
          NODE_OPTIONS: `--import ${join(ROOT, 'test/helpers/net-guard.mjs')} --import ${join(ROOT, 'test/helpers/module-spy.mjs')}`,
        },
      })
      expect(r.exitCode, r.stderr).toBe(0)
      const loaded = readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((u) => (u.startsWith('file:') ? fileURLToPath(u) : u))
      expect(loaded.length, 'the spy saw the modules load').toBeGreaterThan(0)
      const sdks = loaded.flatMap((f) => withSdk.get(f) ?? (SDK.test(f) ? [f] : []))
      expect(sdks, `${args.join(' ')} loaded SDKs`).toEqual([])
    }
  })

  it('checks --format json lists the catalogue as data', async () => {
    const r = await runCli(['checks', '--format', 'json'])
    expect(r.exitCode).toBe(0)
    const cat = JSON.parse(r.stdout) as {
      checks: { id: string; findings: { remedies: string[] }[] }[]
      remedies: { id: string }[]
    }
    expect(cat.checks.length).toBeGreaterThanOrEqual(7)
    expect(cat.checks.map((c) => c.id)).toContain('node.env-vars')
    expect(cat.remedies.map((x) => x.id)).toContain('auth.verify-iam')
    const remedyIds = new Set(cat.remedies.map((x) => x.id))
    for (const c of cat.checks)
      for (const f of c.findings) for (const id of f.remedies) expect(remedyIds.has(id)).toBe(true)
  })

  it('explain prints a check, a remedy and a symptom runbook; an unknown id suggests and exits 2', async () => {
    const check = await runCli(['explain', 'node.env-file-perms'])
    expect(check.exitCode).toBe(0)
    expect(check.stdout).toContain('node.env-file-perms')
    const remedy = await runCli(['explain', 'bp.least-privilege'])
    expect(remedy.stdout).toContain('"Action": "secretsmanager:GetSecretValue"')
    expect(remedy.stdout).toContain('Best Practices 2')
    const symptom = await runCli(['explain', 'permission-denied'])
    expect(symptom.stdout).toContain('Error: permission denied fetching secret')
    const unknown = await runCli(['explain', 'node.env-var'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain('node.env-vars')
  })

  it('a bad config exits 2 with one line naming the file and line, no stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-badcfg-'))
    const file = join(dir, 'edge-secrets.yaml')
    writeFileSync(
      file,
      'pipeline:\n  envFiles: [/etc/expanso/pipeline.env]\nthresholds:\n  tokenMinTtl: ten minutes\n',
    )
    const r = await runCli(['doctor', '--config', file, '--format', 'json'])
    expect(r.exitCode).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe(
      `edge-secrets: ${file}:4:16: thresholds.tokenMinTtl: expected a duration like 90m, 5s, 1500ms or 14d`,
    )
  })

  it('$EDGE_SECRETS_CONFIG is used when --config is not given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-envcfg-'))
    const file = join(dir, 'mine.yaml')
    writeFileSync(file, 'pipelines: {}\n')
    const r = await runCli(['doctor'], { env: { EDGE_SECRETS_CONFIG: file } })
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(`${file}:1:1: unknown key "pipelines"`)
  })

  it('an --only glob that matches nothing exits 2 naming the nearest ids', async () => {
    const r = await runCli(['doctor', '--only', 'node.env-var'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/--only node\.env-var: matches no check id\. Did you mean node\.env-vars/)
  })

  it('bad flags exit 2', async () => {
    expect((await runCli(['doctor', '--format', 'yaml'])).exitCode).toBe(2)
    expect((await runCli(['doctor', '--timeout', 'soon'])).exitCode).toBe(2)
    expect((await runCli(['doctor', '--provider', 'vualt'])).exitCode).toBe(2)
  })

  it('demo --list names the scenarios, one a line (grouped by provider, described), and as data with --json', async () => {
    const r = await runCli(['demo', '--list'])
    expect(r.exitCode).toBe(0)
    const names = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().split(/\s+/)[0])
    expect(names).toContain('node-healthy')
    expect(names).toContain('node-broken')
    const json = await runCli(['demo', '--list', '--json'])
    const list = JSON.parse(json.stdout) as { name: string }[]
    expect(list.map((s) => s.name).sort()).toEqual([...names].sort())
  })

  it('demo of an unknown scenario exits 2 and suggests one', async () => {
    const r = await runCli(['demo', 'node-brokn'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('node-broken')
  })
})
