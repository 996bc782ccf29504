import { describe, expect, it } from 'vitest'
import { isReadOnlyRequest } from '../../src/sandbox/vault.js'
import { VAULT_CANARIES, vaultScenarios } from '../../src/sandbox/scenarios/vault.js'
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
    if (name === 'vault-black-hole') expect(run.durationMs).toBeLessThan(11_000)
    if (name === 'vault-kv2-missing-data') {
      const c = run.report.checks.find((x) => x.id === 'vault.secret-paths')
      expect(c?.summary).toContain('secret/data/expanso/prod/pipeline')
      expect(c?.remedies.flatMap((r) => r.commands ?? [])).toContain(
        'vault kv get -mount=secret expanso/prod/pipeline',
      )
    }
  })
})
