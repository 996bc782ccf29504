// Every aws scenario through the built CLI as a process: exact check ids, statuses and remedy ids, exit code,
// a read-only request log, and no planted secret value anywhere in the output.
import { describe, expect, it } from 'vitest'
import { runCli, runScenario, scenarioMismatches } from '../helpers/cli.js'
import { prepareScenario } from '../../src/sandbox/run-scenario.js'
import { AWS_CANARIES, AWS_READ_OPERATIONS } from '../../src/sandbox/aws.js'
import { awsScenarios } from '../../src/sandbox/scenarios/aws.js'

const CANARIES = Object.values(AWS_CANARIES)
/** Each case spawns the CLI; all run at once, which takes a while on a small, busy machine. */
const LIMIT = { timeout: 120_000 }

describe.concurrent('aws scenarios (e2e)', LIMIT, () => {
  it.each(awsScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const run = await runScenario(scenario)
    expect(scenarioMismatches(scenario, run.report)).toEqual([])
    expect(run.exitCode).toBe(scenario.exitCode)
    expect(run.report.exitCode).toBe(scenario.exitCode)
    // Every aws check is in the report, and only the expected ones are listed.
    const ids = run.report.checks.filter((c) => c.provider === 'aws').map((c) => c.id)
    expect(ids.sort()).toEqual(
      Object.keys(scenario.expect)
        .filter((id) => id.startsWith('aws.'))
        .sort(),
    )
    // Read-only: every request is a read the doctor is allowed to make. The simulator names every request it
    // handles first thing; a request without an operation never reached it (black-holed, or answered by a
    // fault knob such as the sign-in page), so it wrote nothing.
    const writes = run.requestLog.filter(
      (r) => r.operation !== undefined && !AWS_READ_OPERATIONS.has(r.operation),
    )
    expect(writes).toEqual([])
    if (scenario.name === 'aws-healthy') {
      expect(run.report.identities).toContainEqual(
        expect.objectContaining({
          provider: 'aws',
          principal: expect.stringContaining('assumed-role/expanso-edge/'),
          source: 'env',
        }),
      )
    }
    for (const canary of CANARIES) {
      expect(run.stdout).not.toContain(canary)
      expect(run.stderr).not.toContain(canary)
    }
  })
})

describe('aws output never carries a secret value', LIMIT, () => {
  it.concurrent.each(['text', 'markdown'])('--format %s --verbose, DEBUG=*', async (format) => {
    const scenario = awsScenarios.find((s) => s.name === 'aws-missing-key')!
    const prepared = await prepareScenario(scenario)
    try {
      const run = await runCli(
        ['doctor', '--config', prepared.configFile, '--provider', 'aws', '--format', format, '--verbose'],
        { env: { ...prepared.instance.env, HOME: prepared.dir, DEBUG: '*' }, cwd: prepared.dir },
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout + run.stderr).toContain('db_password')
      for (const canary of CANARIES) expect(run.stdout + run.stderr).not.toContain(canary)
    } finally {
      await prepared.cleanup()
    }
  })
})
