import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { summarize } from '../core/report.js'
import { sampleCatalog, sampleReport } from '../../test/fixtures/report.js'
import { codeScanningProblems, sarifSchemaErrors } from '../../test/helpers/ci-formats.js'
import { CHECKS_DOC_URL } from './located.js'
import { automationId, fileUri, renderSarif } from './sarif.js'

interface Loc {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string }
    region: { startLine: number; startColumn?: number; endLine?: number }
  }
}
interface Result {
  ruleId: string
  ruleIndex: number
  level: string
  message: { text: string }
  locations: Loc[]
  partialFingerprints: Record<string, string>
  suppressions?: { kind: string; justification: string }[]
  properties: Record<string, unknown>
}
interface Rule {
  id: string
  name: string
  shortDescription: { text: string }
  fullDescription?: { text: string }
  helpUri?: string
  help?: { text: string; markdown?: string }
  properties: { category: string; provider: string }
}
interface Log {
  $schema: string
  version: string
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } }
    automationDetails: { id: string }
    originalUriBaseIds: Record<string, { uri: string }>
    invocations: {
      executionSuccessful: boolean
      exitCode: number
      workingDirectory: { uri: string }
      toolExecutionNotifications?: { level: string; message: { text: string } }[]
    }[]
    results: Result[]
  }[]
}

const catalog = sampleCatalog()
const CWD = '/work/repo'
/** The config the run used, in the repository: every key's line and value. */
const CONFIG: Report['config'] = {
  file: `${CWD}/edge-secrets.yaml`,
  locations: {
    vault: { line: 1, column: 1 },
    'vault.address': { line: 2, column: 3, value: 'https://vault.example.com:8200' },
    aws: { line: 5, column: 1 },
    'aws.region': { line: 6, column: 3, value: 'us-east-1' },
    thresholds: { line: 9, column: 1 },
    'thresholds.latencyP95': { line: 10, column: 3, value: '500ms' },
  } as NonNullable<Report['config']>['locations'],
}
const render = (r: Report = sampleReport(), cwd = CWD) => JSON.parse(renderSarif(r, catalog, { cwd })) as Log
const log = render(sampleReport({ config: CONFIG }))
const run = log.runs[0]!
const resultsFor = (id: string, l: Log = log) => l.runs[0]!.results.filter((r) => r.ruleId === id)
const where = (r: Result) => r.locations[0]!.physicalLocation

describe('renderSarif', () => {
  it('is a SARIF 2.1.0 log valid against the OASIS schema, and one code scanning accepts', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json')
    expect(log.version).toBe('2.1.0')
    expect(run.tool.driver).toMatchObject({ name: 'edge-secrets', version: '0.1.0' })
    for (const l of [
      log,
      render(),
      render(sampleReport({ config: { file: '/etc/expanso/edge-secrets.yaml' } })),
    ]) {
      expect(sarifSchemaErrors(l)).toEqual([])
      expect(codeScanningProblems(l)).toEqual([])
    }
  })

  it('the code-scanning check itself catches what code scanning rejects', () => {
    const broken = render()
    const r = broken.runs[0]!.results[0]!
    r.locations = [{ logicalLocations: [{ name: 'x' }] } as unknown as Loc]
    r.partialFingerprints = {}
    expect(codeScanningProblems(broken)).toEqual([
      expect.stringMatching(/no physicalLocation\.artifactLocation\.uri/),
      expect.stringMatching(/region\.startLine/),
      expect.stringMatching(/a relative URI without a uriBaseId/),
      expect.stringMatching(/partialFingerprints/),
    ])
  })

  it('has one rule per catalogue check, with help in text and markdown and a link to its section', () => {
    const rules = run.tool.driver.rules
    expect(rules.map((r) => r.id)).toEqual(catalog.map((c) => c.id))
    const rule = rules.find((r) => r.id === 'k8s.refresh-interval')!
    expect(rule.name).toBe('K8sRefreshInterval')
    expect(rule.shortDescription.text).toBe('ExternalSecrets refresh at least as often as secrets rotate')
    expect(rule.fullDescription?.text).toMatch(/^An ExternalSecret that never refreshes/)
    expect(rule.properties).toMatchObject({ category: 'refresh', provider: 'kubernetes' })
    expect(rule.help?.text).toContain(
      '- never (fail, high): refreshInterval is 0. Remedies: refresh.check-interval.',
    )
    // The documentation's words are quoted with their section; nothing else is.
    expect(rule.help?.text).toContain(
      '- refresh.restart-agent: “Restart edge agent to pick up new values” (documentation: Troubleshooting › Secrets Not Refreshing)',
    )
    expect(rule.help?.text).toContain('edge-secrets explain k8s.refresh-interval')
    expect(rule.help?.markdown).toContain(
      '| `never`: refreshInterval is 0 | fail | high | `refresh.check-interval` |',
    )
    expect(rule.help?.markdown).toContain('“Check refresh interval configuration” — _documentation,')
    expect(rule.helpUri).toBe(
      `${CHECKS_DOC_URL}#k8srefresh-interval--externalsecrets-refresh-at-least-as-often-as-secrets-rotate`,
    )
  })

  it('every ruleIndex points at the rule of the same id', () => {
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId)
  })

  it('a finding with a file and line lands there; a file outside the working directory stays absolute', () => {
    const [r, ...rest] = resultsFor('vault.capabilities')
    expect(rest).toHaveLength(0)
    expect(r!.level).toBe('error')
    expect(where(r!)).toEqual({
      artifactLocation: { uri: 'file:///etc/vault/vault-agent.hcl' },
      region: { startLine: 27, startColumn: 3, endLine: 27 },
    })
    expect(r!.message.text).toContain('token cannot read secret/data/expanso/prod/pipeline')
    expect(r!.message.text).toContain(
      'auth.confirm-secret-paths — “Confirm secret paths are correct” (documentation: Troubleshooting › Authentication Failures)',
    )
    expect(r!.properties).toMatchObject({
      finding: 'no-read',
      severity: 'critical',
      symptom: 'permission-denied',
      locatedBy: 'finding',
    })
  })

  it('files under the working directory are %SRCROOT%-relative, the base given', () => {
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe('file:///work/repo/')
    expect(run.invocations[0]!.workingDirectory.uri).toBe('file:///work/repo/')
    const inRepo = render(sampleReport({ config: CONFIG }), '/etc')
    expect(where(resultsFor('vault.capabilities', inRepo)[0]!).artifactLocation).toEqual({
      uri: 'vault/vault-agent.hcl',
      uriBaseId: '%SRCROOT%',
    })
  })

  it('items with their own file are one result each; the rest are located by the config', () => {
    const results = resultsFor('k8s.refresh-interval')
    expect(results.map((r) => [r.level, r.properties.finding])).toEqual([
      ['error', 'never'],
      ['error', 'never'],
      ['warning', 'slower-than-rotation'],
    ])
    expect(results.slice(0, 2).map(where)).toEqual([
      {
        artifactLocation: { uri: 'deploy/external-secrets.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: 9, startColumn: 1, endLine: 9 },
      },
      {
        artifactLocation: { uri: 'deploy/external-secrets.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: 31, startColumn: 1, endLine: 31 },
      },
    ])
    expect(results[1]!.message.text).toContain('expanso-system/kafka-creds (refreshInterval: 0)')
    // No kubernetes key in this config: the config file itself, and the message says so.
    expect(where(results[2]!)).toMatchObject({
      artifactLocation: { uri: 'edge-secrets.yaml' },
      region: { startLine: 1 },
    })
    expect(results[2]!.message.text).toContain('expanso-system/db-creds')
    expect(results[2]!.properties.locatedBy).toBe('config-file')
    // A file without a line: its first line.
    expect(where(resultsFor('node.env-file-perms')[0]!)).toMatchObject({
      artifactLocation: { uri: 'file:///etc/expanso/pipeline.env' },
      region: { startLine: 1 },
    })
  })

  it('a finding without a file points at the config key that configured it', () => {
    const [r] = resultsFor('vault.latency')
    expect(r!.level).toBe('warning')
    expect(where(r!)).toEqual({
      artifactLocation: { uri: 'edge-secrets.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 10, startColumn: 3, endLine: 10 },
    })
    expect(r!.properties).toMatchObject({ locatedBy: 'config-key', configKey: 'thresholds.latencyP95' })
    expect(r!.message.text).toContain('(configured by thresholds.latencyP95)')
  })

  it('with no config file at all, every result still has a file: ./edge-secrets.yaml', () => {
    const bare = render()
    for (const r of bare.runs[0]!.results.filter((x) => x.properties.locatedBy !== 'finding'))
      expect(where(r)).toEqual({
        artifactLocation: { uri: 'edge-secrets.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: 1, startColumn: 1, endLine: 1 },
      })
    expect(bare.runs[0]!.results.some((r) => r.properties.locatedBy === 'synthetic')).toBe(true)
  })

  it('fingerprints are stable across runs and tell results apart', () => {
    const later = render(
      sampleReport({
        config: CONFIG,
        startedAt: '2026-12-01T08:00:00.000Z',
        durationMs: 99,
        checks: sampleReport().checks.map((c) => ({
          ...c,
          summary: `${c.summary} (request id 42)`,
          durationMs: 7,
        })),
      }),
    )
    const prints = (l: Log) => l.runs[0]!.results.map((r) => r.partialFingerprints)
    expect(prints(later)).toEqual(prints(log))
    const ids = prints(log).map((p) => p['edgeSecretsFinding/v1'])
    expect(new Set(ids).size).toBe(ids.length)
    // A line that moves (a key added above it) keeps the alert.
    const moved = {
      ...CONFIG,
      locations: { ...CONFIG.locations, 'thresholds.latencyP95': { line: 12, column: 3 } },
    }
    expect(
      resultsFor('vault.latency', render(sampleReport({ config: moved })))[0]!.partialFingerprints,
    ).toEqual(resultsFor('vault.latency')[0]!.partialFingerprints)
  })

  it("sets code scanning's own fingerprint only where its upload action cannot hash the file", () => {
    expect(resultsFor('vault.capabilities')[0]!.partialFingerprints.primaryLocationLineHash).toMatch(
      /^[0-9a-f]{16}:1$/,
    )
    expect(resultsFor('vault.latency')[0]!.partialFingerprints.primaryLocationLineHash).toBeUndefined()
  })

  it('names the analysis by the node or the job, so runs elsewhere do not close its alerts', () => {
    expect(run.automationDetails.id).toBe('edge-secrets/default/2026-11-27T10:00:00.000Z')
    const r = (node: Report['node']) => automationId({ node, startedAt: 'T' })
    expect(r({ hostname: 'h1', labels: { site: 'ams1', job: 'ci/preflight' } })).toBe(
      'edge-secrets/job=ci/preflight,site=ams1/T',
    )
    expect(r({ hostname: 'h1', expansoNodeId: 'n-7' })).toBe('edge-secrets/node=n-7/T')
    expect(r({ hostname: 'h1', kubernetes: { node: 'k1', pod: 'p' } })).toBe('edge-secrets/k8s-node=k1/T')
    expect(r({ hostname: 'h1' })).toBe('edge-secrets/host=h1/T')
    expect(r({ hostname: 'h1' })).not.toBe(r({ hostname: 'h2' }))
  })

  it('an error is a note that says it could not be checked; passes and plain skips are not results', () => {
    expect(resultsFor('aws.identity')).toEqual([
      expect.objectContaining({
        level: 'note',
        message: {
          text: 'could not be checked: timed out after 5s waiting for sts.us-east-1.amazonaws.com (configured by aws.region).',
        },
      }),
    ])
    for (const id of ['vault.health', 'k8s.access', 'vault.audit', 'aws.secret-access', 'gcp.credentials'])
      expect(resultsFor(id), id).toEqual([])
  })

  it('an ignored problem stays visible as a suppressed result', () => {
    const [r, ...rest] = resultsFor('vault.path-layout')
    expect(rest).toHaveLength(0)
    expect(r!.level).toBe('warning')
    expect(r!.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'legacy staging path kept until the migration' },
    ])
  })

  it('reports the exit code, success, and expired ignores on the invocation', () => {
    const inv = run.invocations[0]!
    expect(inv.executionSuccessful).toBe(true)
    expect(inv.exitCode).toBe(1)
    expect(inv.toolExecutionNotifications?.[0]?.message.text).toContain(
      'ignore entry for vault.latency expired',
    )
    const interrupted = render(sampleReport({ interrupted: true })).runs[0]!.invocations[0]!
    expect(interrupted.executionSuccessful).toBe(false)
    expect(interrupted.toolExecutionNotifications?.[0]).toMatchObject({ level: 'error' })
  })

  it('a result whose check is not in the catalogue still gets a rule code scanning accepts', () => {
    const stray: CheckResult = {
      id: 'vault.brand-new',
      title: 'Something new',
      provider: 'vault',
      category: 'config',
      severity: 'low',
      status: 'warn',
      summary: 'odd',
      remedies: [],
      durationMs: 1,
    }
    const checks = [...sampleReport().checks, stray]
    const out = render(sampleReport({ checks, summary: summarize(checks) }))
    const r = out.runs[0]!.results.find((x) => x.ruleId === 'vault.brand-new')!
    expect(out.runs[0]!.tool.driver.rules[r.ruleIndex]).toMatchObject({
      id: 'vault.brand-new',
      shortDescription: { text: 'Something new' },
      fullDescription: { text: 'Something new' },
    })
    expect(r.message.text).toBe(
      'odd (no config file: located at ./edge-secrets.yaml, where the setting belongs).',
    )
    expect(codeScanningProblems(out)).toEqual([])
  })

  it('turns paths into URIs', () => {
    expect(fileUri('/etc/expanso/pipeline.env')).toBe('file:///etc/expanso/pipeline.env')
    expect(fileUri('deploy/my manifests/es.yaml')).toBe('deploy/my%20manifests/es.yaml')
    expect(fileUri('C:\\agent\\pipeline #1.yaml')).toBe('file:///C:/agent/pipeline%20%231.yaml')
    expect(fileUri('/tmp/a?b.yaml')).toBe('file:///tmp/a%3Fb.yaml')
  })
})
