// Deployments spanning providers, through the built CLI: the healthy full node (what `npm run bench` times)
// and the showcase `demo` runs by default — one root cause per provider, each reported once.
import { describe, expect, it } from 'vitest'
import { combinedScenarios } from '../../src/sandbox/scenarios/combined.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'

describe('combined scenarios end to end', () => {
  it.each(combinedScenarios.map((s) => [s.name, s] as const))(
    '%s',
    { timeout: 120_000 },
    async (_name, scenario) => {
      const run = await runScenario(scenario)
      expect(scenarioMismatches(scenario, run.report), run.stderr).toEqual([])
      expect(run.exitCode).toBe(scenario.exitCode)
      if (scenario.name === 'full-healthy') {
        expect(run.report.summary.total).toBe(40)
        expect(run.report.summary.pass).toBeGreaterThan(30)
      }
      if (scenario.name === 'showcase') {
        const failing = run.report.checks.filter((c) => c.status === 'fail').map((c) => c.id)
        expect(failing.sort()).toEqual(['aws.secret-access', 'k8s.refresh-interval', 'vault.capabilities'])
        // Each fix comes with its command filled in.
        for (const id of failing)
          expect(
            run.report.checks.find((c) => c.id === id)?.remedies.some((r) => r.commands?.length),
            id,
          ).toBe(true)
        expect(run.report.checks.filter((c) => c.skipReason === 'dependency-failed').length).toBeGreaterThan(
          2,
        )
      }
    },
  )
})
