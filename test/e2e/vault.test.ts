import { describe, expect, it } from 'vitest'
import { isReadOnlyRequest } from '../../src/sandbox/vault.js'
import { OTHER_HOST, VAULT_CANARIES, vaultScenarios } from '../../src/sandbox/scenarios/vault.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'

const byName = (n: string) => {
  const s = vaultScenarios.find((x) => x.name === n)
  if (!s) throw new Error(`no scenario ${n}`)
  return s
}

describe('vault scenarios end to end (built CLI against the simulator)', () => {
  it.each(vaultScenarios.map((s) => [s.name]))('%s', async (name) => {
    const scenario = byName(name)
    const run = await runScenario(scenario)
    expect(scenarioMismatches(scenario, run.report), run.stderr).toEqual([])
    expect(run.exitCode).toBe(scenario.exitCode)
    expect(run.report.exitCode).toBe(scenario.exitCode)
    // Read-only: logins, lookups and capability simulations are the only non-GET calls.
    expect(run.requestLog.filter((r) => !isReadOnlyRequest(r))).toEqual([])
    for (const canary of VAULT_CANARIES) {
      expect(run.stdout).not.toContain(canary)
      expect(run.stderr).not.toContain(canary)
    }
    expect(run.stdout).not.toMatch(/hvs\.[A-Za-z0-9_-]{10}/)
    expect(run.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./)
    if (name === 'vault-healthy') {
      const vault = run.report.checks.filter((c) => c.provider === 'vault')
      expect(
        vault.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}:${c.skipReason}`),
      ).toEqual(['vault.audit:skip:not-permitted'])
      expect(run.report.identities).toContainEqual(
        expect.objectContaining({
          provider: 'vault',
          principal: 'kubernetes-expanso-system-expanso-edge',
          policies: ['default', 'expanso-edge'],
        }),
      )
    }
    if (name === 'vault-healthy-audited') {
      const notPassing = run.report.checks.filter((c) => c.provider === 'vault' && c.status !== 'pass')
      expect(notPassing.map((c) => `${c.id}:${c.status}`)).toEqual([])
    }
    if (name === 'vault-black-hole') expect(run.durationMs).toBeLessThan(11_000)
    if (name === 'vault-redirect') {
      // The redirect is named, and nothing — no token, no request at all — reached the other host.
      expect(run.report.checks.find((c) => c.id === 'vault.health')?.summary).toMatch(
        /redirected \(HTTP 307\) to another host, 127\.0\.0\.1:\d+; the doctor sends no credentials there/,
      )
      expect(run.requestLog.filter((r) => r.server === OTHER_HOST)).toEqual([])
      expect(run.requestLog.filter((r) => r.server === 'vault').length).toBeGreaterThan(0)
    }
    if (name === 'vault-proxy-page')
      expect(run.report.checks.find((c) => c.id === 'vault.health')?.summary).toMatch(
        /answered HTTP 502 \(text\/html\), not Vault$/,
      )
    if (name === 'vault-kv2-missing-data') {
      const c = run.report.checks.find((x) => x.id === 'vault.secret-paths')
      expect(c?.summary).toContain('secret/data/expanso/prod/pipeline')
      expect(c?.remedies.flatMap((r) => r.commands ?? [])).toContain(
        'vault kv get -mount=secret expanso/prod/pipeline',
      )
    }
  })
})

describe('vault: no secret reaches any output format', () => {
  it('keeps canaries and tokens out of text (stderr), markdown and sarif output, even under DEBUG', async () => {
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { prepareScenario } = await import('../../src/sandbox/run-scenario.js')
    const { runCli } = await import('../helpers/cli.js')
    const prepared = await prepareScenario(byName('vault-template-key-missing'))
    try {
      const outputs: string[] = []
      for (const format of ['markdown', 'sarif']) {
        const file = join(prepared.dir, `report.${format}`)
        const r = await runCli(
          [
            'doctor',
            '--config',
            prepared.configFile,
            '--provider',
            'vault',
            '--format',
            format,
            '-o',
            file,
            '--verbose',
          ],
          {
            env: { ...prepared.instance.env, HOME: prepared.dir, DEBUG: 'follow-redirects,node-vault,axios' },
            cwd: prepared.dir,
          },
        )
        expect(r.exitCode).toBe(1)
        outputs.push(r.stdout, r.stderr, readFileSync(file, 'utf8'))
      }
      const all = outputs.join('\n')
      expect(all).toContain('vault.secret-keys')
      for (const canary of VAULT_CANARIES) expect(all).not.toContain(canary)
      const m = /.{0,200}hvs\.[A-Za-z0-9_-]{10}.{0,80}/.exec(all)
      expect(m?.[0]).toBeUndefined()
      expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/)
    } finally {
      await prepared.cleanup()
    }
  }, 120_000)
})
