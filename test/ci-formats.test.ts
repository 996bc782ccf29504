// Every scenario's report in the CI formats, validated the way the CI systems will: SARIF against the OASIS
// 2.1.0 schema and GitHub code scanning's rules for every result, JUnit against Jenkins' junit-10.xsd and
// Surefire's XSD (with --fail-on fail and warn), Code Climate against what GitLab reads. Each scenario runs once
// as a process (`doctor --format json`, cwd its folder); the formats are the same pure renderers the CLI uses,
// fed that report — and three scenarios go through the CLI's own --format to prove the wiring.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../src/core/report.js'
import { checks as catalogue } from '../src/checks/index.js'
import { renderCodeClimate } from '../src/render/codeclimate.js'
import { renderJunit } from '../src/render/junit.js'
import { renderSarif } from '../src/render/sarif.js'
import { prepareScenario } from '../src/sandbox/run-scenario.js'
import { scenarioArgs } from '../src/sandbox/scenario.js'
import { scenarios } from '../src/sandbox/scenarios/index.js'
import {
  codeQualityProblems,
  codeScanningProblems,
  junitErrors,
  sarifSchemaErrors,
} from './helpers/ci-formats.js'
import { ROOT, runCli, runScenario } from './helpers/cli.js'
import { hasCommand } from './helpers/tools.js'

const CONCURRENCY = 4
const ran = new Map<string, { report: Report; dir: string } | Error>()

async function pool<T>(items: readonly T[], n: number, f: (t: T) => Promise<void>) {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await f(t)
    }),
  )
}

beforeAll(async () => {
  await pool(scenarios, CONCURRENCY, async (s) => {
    try {
      const r = await runScenario(s)
      ran.set(s.name, { report: r.report, dir: r.dir })
    } catch (e) {
      ran.set(s.name, e as Error)
    }
  })
}, 900_000)

const got = (name: string) => {
  const r = ran.get(name)
  if (!r || r instanceof Error) throw r ?? new Error(`${name} did not run`)
  return r
}

interface SarifResult {
  properties: { locatedBy: string }
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[]
}

const names = scenarios.map((s) => s.name)
const xmllint = hasCommand('xmllint')

describe.each(names)('%s', (name) => {
  it('SARIF: valid 2.1.0, and every result located the way code scanning requires', () => {
    const { report, dir } = got(name)
    const log = JSON.parse(renderSarif(report, catalogue, { cwd: dir })) as {
      runs: { results: SarifResult[] }[]
    }
    expect(sarifSchemaErrors(log)).toEqual([])
    expect(codeScanningProblems(log)).toEqual([])
    for (const r of log.runs[0]!.results) {
      // Every scenario has a config file in its folder: never the stand-in, and that file %SRCROOT%-relative.
      expect(r.properties.locatedBy).not.toBe('synthetic')
      if (r.properties.locatedBy !== 'finding')
        expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({
          uri: 'edge-secrets.yaml',
          uriBaseId: '%SRCROOT%',
        })
    }
  })

  it.skipIf(!xmllint)('JUnit: valid against junit-10.xsd and Surefire, with --fail-on fail and warn', () => {
    const { report } = got(name)
    expect(junitErrors(renderJunit(report))).toEqual([])
    const warn = renderJunit({ ...report, failOn: 'warn' })
    expect(junitErrors(warn)).toEqual([])
    const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(warn)![1])
    expect(failures).toBe(report.summary.fail + report.summary.warn)
  })

  it('Code Climate: every issue with the fields GitLab reads', () => {
    const { report, dir } = got(name)
    const issues = JSON.parse(renderCodeClimate(report, { cwd: dir })) as unknown[]
    expect(codeQualityProblems(issues)).toEqual([])
    const problems = report.checks.filter((c) => ['warn', 'fail', 'error'].includes(c.status)).length
    expect(issues.length).toBeGreaterThanOrEqual(problems)
  })
})

describe('the CLI renders the same formats itself', () => {
  const picks = ['aws-access-denied', 'k8s-manifests-eso-refresh-zero', 'node-broken']

  it.each(picks)(
    '%s: doctor --format sarif|junit|codeclimate from the scenario folder',
    async (name) => {
      const scenario = scenarios.find((s) => s.name === name)!
      const prepared = await prepareScenario(scenario)
      try {
        const args = (format: string) => [
          'doctor',
          '--config',
          prepared.configFile,
          ...scenario.providers.flatMap((p) => ['--provider', p]),
          '--format',
          format,
          ...scenarioArgs(prepared.instance.options),
        ]
        const opts = { env: { ...prepared.instance.env, HOME: prepared.dir }, cwd: prepared.dir }
        const sarif = await runCli(args('sarif'), opts)
        expect(sarif.exitCode, sarif.stderr).toBe(scenario.exitCode)
        const log = JSON.parse(sarif.stdout) as {
          runs: { originalUriBaseIds: Record<string, { uri: string }> }[]
        }
        expect(sarifSchemaErrors(log)).toEqual([])
        expect(codeScanningProblems(log)).toEqual([])
        // The CLI's working directory is the %SRCROOT% its relative URIs resolve against.
        expect(log.runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri).toMatch(/^file:\/\/\/.*edge-secrets-.*\/$/)
        const cc = await runCli(args('codeclimate'), opts)
        expect(codeQualityProblems(JSON.parse(cc.stdout))).toEqual([])
        if (xmllint) expect(junitErrors((await runCli(args('junit'), opts)).stdout)).toEqual([])
      } finally {
        await prepared.cleanup()
      }
    },
    180_000,
  )
})

describe('the vendored schemas are the published ones', () => {
  it('carry their upstream identities', () => {
    const read = (f: string) => readFileSync(join(ROOT, 'test/fixtures/schemas', f), 'utf8')
    expect(JSON.parse(read('sarif-schema-2.1.0.json')).id).toBe(
      'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    )
    expect(read('junit-10.xsd')).toContain('Copyright (c) 2014, Gregory Boissinot')
    expect(read('surefire-test-report.xsd')).toContain('version="3.0.2"')
  })
})
