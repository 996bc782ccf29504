// Kubernetes scenarios end to end: the built CLI as a process against the loopback API server (live), or
// against manifest files with --offline (which must open no socket at all).
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KUBERNETES_CANARIES, kubernetesScenarios } from '../../src/sandbox/scenarios/kubernetes.js'
import { GUARD_NO_SOCKET } from '../fixtures/kubernetes/paths.js'
import { scenarioArgs } from '../../src/sandbox/scenario.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'

const REVIEW = /^SelfSubject(Access)?Review$/
// A black-holed server logs requests it never answers, so by path too: the reviews are the only POSTs.
const REVIEW_PATH = /^\/apis\/(authorization|authentication)\.k8s\.io\/v1\/selfsubject(access)?reviews$/
const isReview = (r: { operation?: string; path: string }) =>
  REVIEW.test(r.operation ?? '') || REVIEW_PATH.test(r.path)

describe('kubernetes scenarios end to end (built CLI)', () => {
  it.each(kubernetesScenarios.map((s) => [s.name]))('%s', async (name) => {
    const scenario = kubernetesScenarios.find((s) => s.name === name)
    if (!scenario) throw new Error(name)
    const run = await runScenario(scenario)
    expect(scenarioMismatches(scenario, run.report), run.stderr).toEqual([])
    expect(run.exitCode).toBe(scenario.exitCode)
    // Read-only: GETs, plus the access reviews.
    expect(run.requestLog.filter((r) => r.method !== 'GET' && !isReview(r))).toEqual([])
    for (const canary of KUBERNETES_CANARIES) {
      expect(run.stdout).not.toContain(canary)
      expect(run.stderr).not.toContain(canary)
    }
    if (name.startsWith('k8s-manifests-')) {
      expect(run.requestLog).toEqual([])
      // Findings about files carry the file (and line) SARIF will use.
      for (const c of run.report.checks)
        for (const f of c.findings ?? [])
          if (c.status === 'fail') expect(f.location?.file ?? f.items?.[0]?.location?.file).toMatch(/\.yaml$/)
    } else {
      // List calls, not one request per object.
      expect(run.requestLog.filter((r) => r.operation === 'list pods').length).toBeLessThanOrEqual(1)
    }
  })
})

describe('manifests mode opens no socket', () => {
  it('runs with --offline under a guard that fails any connection, loopback included', async () => {
    const scenario = kubernetesScenarios.find((s) => s.name === 'k8s-manifests-csi-object-mismatch')
    if (!scenario) throw new Error('scenario')
    const { runCli } = await import('../helpers/cli.js')
    const { prepareScenario } = await import('../../src/sandbox/run-scenario.js')
    const p = await prepareScenario(scenario)
    try {
      const guard = resolve(process.cwd(), 'test/helpers/net-guard.mjs')
      const r = await runCli(
        [
          'doctor',
          '--config',
          p.configFile,
          '--provider',
          'kubernetes',
          '--format',
          'sarif',
          ...scenarioArgs(p.instance.options),
        ],
        { env: { HOME: p.dir, NODE_OPTIONS: `--import ${guard} --import ${GUARD_NO_SOCKET}` }, cwd: p.dir },
      )
      expect(r.stderr).not.toContain('no-socket guard')
      expect(r.exitCode).toBe(1)
      const sarif = JSON.parse(r.stdout) as {
        runs: {
          results: {
            ruleId: string
            locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[]
          }[]
        }[]
      }
      const result = sarif.runs[0]?.results.find((x) => x.ruleId === 'k8s.secret-provider-class')
      expect(result?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toContain(
        'secretproviderclass.yaml',
      )
    } finally {
      await p.cleanup()
    }
  })
})

describe('kubernetes: no secret value or token reaches any output format', () => {
  it('keeps canaries and the bearer token out of text, markdown, sarif, junit and github output', async () => {
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { runCli } = await import('../helpers/cli.js')
    const { prepareScenario } = await import('../../src/sandbox/run-scenario.js')
    const scenario = kubernetesScenarios.find((s) => s.name === 'k8s-env-older-than-secret')
    if (!scenario) throw new Error('scenario')
    const p = await prepareScenario(scenario)
    try {
      const outputs: string[] = []
      for (const format of ['text', 'markdown', 'sarif', 'junit', 'github']) {
        const file = join(p.dir, `report.${format}`)
        const r = await runCli(
          [
            'doctor',
            '--config',
            p.configFile,
            '--provider',
            'kubernetes',
            '--format',
            format,
            '-o',
            file,
            '--verbose',
            ...scenarioArgs(p.instance.options),
          ],
          { env: { ...p.instance.env, HOME: p.dir, DEBUG: '*' }, cwd: p.dir },
        )
        expect(r.exitCode).toBe(1)
        outputs.push(r.stdout, r.stderr, readFileSync(file, 'utf8'))
      }
      const all = outputs.join('\n')
      expect(all).toContain('k8s.stale-env')
      for (const canary of KUBERNETES_CANARIES) expect(all).not.toContain(canary)
      for (const canary of KUBERNETES_CANARIES)
        expect(all).not.toContain(Buffer.from(canary).toString('base64'))
    } finally {
      await p.cleanup()
    }
  }, 120_000)
})
