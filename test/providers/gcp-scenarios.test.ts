// Every gcp scenario run in-process through the real runner, provider and SDK against the simulators: the
// fast twin of test/e2e/gcp.test.ts (which spawns the built CLI), so a scenario's expectations are checked
// even when only the sources are at hand.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/app/config.js'
import { parseDuration } from '../../src/core/duration.js'
import { providers } from '../../src/providers/index.js'
import { runChecks } from '../../src/core/run.js'
import { gcpChecks } from '../../src/checks/gcp/index.js'
import { GCP_CANARIES } from '../../src/sandbox/gcp.js'
import { prepareScenario } from '../../src/sandbox/run-scenario.js'
import { gcpScenarios } from '../../src/sandbox/scenarios/gcp.js'
import { scenarioMismatches } from '../helpers/cli.js'

describe('gcp scenarios (in-process)', () => {
  it.each(gcpScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const prepared = await prepareScenario(scenario)
    try {
      const env = {
        ...process.env,
        HOME: prepared.dir,
        METADATA_SERVER_DETECTION: 'none',
        GCE_METADATA_HOST: '127.0.0.1:9',
        ...prepared.instance.env,
      }
      const config = resolveConfig(prepared.instance.config, {
        env,
        file: join(prepared.dir, 'edge-secrets.yaml'),
      })
      const limit = prepared.instance.options?.timeout
      const timeout = limit ? parseDuration(limit) : undefined
      const report = await runChecks({ checks: gcpChecks, providers, config, env, timeoutMs: timeout })
      expect(scenarioMismatches(scenario, report)).toEqual([])
      expect(report.exitCode).toBe(scenario.exitCode)
      for (const canary of Object.values(GCP_CANARIES)) expect(JSON.stringify(report)).not.toContain(canary)
      const writes = prepared.instance
        .requestLog()
        .filter((r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/token'))
      expect(writes.map((r) => `${r.server} ${r.method} ${r.path}`)).toEqual([])
    } finally {
      await prepared.cleanup()
    }
  })
})
