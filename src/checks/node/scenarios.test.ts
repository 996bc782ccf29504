// The node scenarios in-process (the e2e suite runs them through the built CLI): each sets up, the node
// checks run against the files it wrote, and the report matches what the scenario expects.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scenarioMismatches } from '../../../test/helpers/cli.js'
import { loadConfig } from '../../app/config.js'
import { runChecks } from '../../core/run.js'
import { providers } from '../../providers/index.js'
import { prepareScenario } from '../../sandbox/run-scenario.js'
import { NODE_CANARIES, nodeScenarios } from '../../sandbox/scenarios/node.js'
import { nodeChecks } from './index.js'

describe('node scenarios (in-process)', () => {
  for (const scenario of nodeScenarios)
    it(`${scenario.name}: reports exactly what the scenario expects`, async () => {
      const prepared = await prepareScenario(scenario)
      try {
        const env = { ...prepared.instance.env, HOME: prepared.dir }
        const config = await loadConfig({ file: prepared.configFile, env, cwd: prepared.dir })
        const report = await runChecks({ checks: nodeChecks, providers, config, env })
        expect(scenarioMismatches(scenario, report)).toEqual([])
        expect(report.exitCode).toBe(scenario.exitCode)
        const text = JSON.stringify(report)
        for (const canary of NODE_CANARIES) expect(text).not.toContain(canary)
        // The canaries are really there to be found: the test proves redaction, not absence.
        const written = readdirSync(prepared.dir).map((f) => readFileSync(join(prepared.dir, f), 'utf8'))
        expect(written.join('')).toContain(NODE_CANARIES[1])
      } finally {
        await prepared.cleanup()
      }
    })
})
