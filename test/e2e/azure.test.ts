// Every Azure scenario through the built CLI as a process: exact check ids, statuses, findings and remedy
// ids, the exit code, no canary secret value in any output, and a read-only request log.
import { describe, expect, it } from 'vitest'
import { AZURE_CANARY, azureScenarios } from '../../src/sandbox/scenarios/azure.js'
import { validateReport } from '../helpers/validate-report.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'

const AZURE_CHECKS = ['azure.credentials', 'azure.secret-access', 'azure.secret-expiry', 'azure.latency']

describe('azure scenarios (built CLI)', () => {
  it.each(azureScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const run = await runScenario(scenario)
    if (scenario.expect['azure.credentials']?.status === 'pass') {
      expect(run.report.identities).toEqual([
        expect.objectContaining({
          provider: 'azure',
          source: 'workload-identity',
          clientId: expect.any(String),
        }),
      ])
    }
    expect(scenarioMismatches(scenario, run.report)).toEqual([])
    expect(await validateReport(run.report)).toEqual([])
    expect(run.exitCode).toBe(scenario.exitCode)
    expect(run.report.exitCode).toBe(scenario.exitCode)
    expect(run.report.checks.filter((c) => c.provider === 'azure').map((c) => c.id)).toEqual(AZURE_CHECKS)
    for (const [id, want] of Object.entries(scenario.expect)) {
      const got = run.report.checks.find((c) => c.id === id)
      expect(got?.status, id).toBe(want.status)
      if (want.remedies) expect(got?.remedies.map((r) => r.id).sort(), id).toEqual([...want.remedies].sort())
    }
    // Secret values and tokens never leave the process.
    expect(run.stdout + run.stderr).not.toContain(AZURE_CANARY)
    expect(run.stdout + run.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./)
    // Read-only: Key Vault saw only GETs; Entra only the discovery GET and the token POST.
    for (const r of run.requestLog) {
      if (r.server === 'azure-keyvault') expect(r.method).toBe('GET')
      else
        expect(`${r.method} ${r.path}`).toMatch(
          /^(GET \/[^/]+\/v2\.0\/\.well-known\/openid-configuration|POST \/[^/]+\/oauth2\/v2\.0\/token)$/,
        )
    }
  })
})
