import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { summarize } from '../core/report.js'
import { sampleCatalog, sampleReport } from '../../test/fixtures/report.js'
import { fileUri, renderSarif } from './sarif.js'

interface Loc {
  physicalLocation?: {
    artifactLocation: { uri: string }
    region?: { startLine: number; startColumn?: number }
  }
  logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[]
}
interface Result {
  ruleId: string
  ruleIndex: number
  level: string
  message: { text: string }
  locations: Loc[]
  suppressions?: { kind: string; justification: string }[]
  properties: Record<string, unknown>
}
interface Rule {
  id: string
  name: string
  shortDescription: { text: string }
  fullDescription?: { text: string }
  help?: { text: string }
  properties: { category: string; provider: string }
}
interface Log {
  $schema: string
  version: string
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } }
    invocations: {
      executionSuccessful: boolean
      exitCode: number
      toolExecutionNotifications?: { level: string; message: { text: string } }[]
    }[]
    results: Result[]
  }[]
}

const catalog = sampleCatalog()
const render = (r: Report = sampleReport()) => JSON.parse(renderSarif(r, catalog)) as Log
const log = render()
const run = log.runs[0]!
const resultsFor = (id: string) => run.results.filter((r) => r.ruleId === id)

describe('renderSarif', () => {
  it('is a SARIF 2.1.0 log', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json')
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
    expect(run.tool.driver).toMatchObject({ name: 'edge-secrets', version: '0.1.0' })
  })

  it('has one rule per catalogue check, with its metadata and failure modes', () => {
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
    expect(rule.help?.text).toContain('- refresh.restart-agent: Restart edge agent to pick up new values')
    expect(rule.help?.text).toContain('edge-secrets explain k8s.refresh-interval')
  })

  it('every ruleIndex points at the rule of the same id', () => {
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId)
  })

  it('a finding with a file and line lands there', () => {
    const [r, ...rest] = resultsFor('vault.capabilities')
    expect(rest).toHaveLength(0)
    expect(r!.level).toBe('error')
    expect(r!.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'file:///etc/vault/vault-agent.hcl' },
          region: { startLine: 27, startColumn: 3 },
        },
      },
    ])
    expect(r!.message.text).toContain('token cannot read secret/data/expanso/prod/pipeline')
    expect(r!.message.text).toContain('auth.confirm-secret-paths — Confirm secret paths are correct')
    expect(r!.properties).toMatchObject({
      finding: 'no-read',
      severity: 'critical',
      symptom: 'permission-denied',
    })
  })

  it('items with their own file are one result each; the rest share the finding result', () => {
    const results = resultsFor('k8s.refresh-interval')
    expect(results.map((r) => [r.level, r.properties.finding])).toEqual([
      ['error', 'never'],
      ['error', 'never'],
      ['warning', 'slower-than-rotation'],
    ])
    expect(results.slice(0, 2).map((r) => r.locations[0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'deploy/external-secrets.yaml' }, region: { startLine: 9 } },
      { artifactLocation: { uri: 'deploy/external-secrets.yaml' }, region: { startLine: 31 } },
    ])
    expect(results[1]!.message.text).toContain('expanso-system/kafka-creds (refreshInterval: 0)')
    expect(results[2]!.locations[0]!.logicalLocations).toEqual([
      {
        name: 'expanso-system/db-creds',
        fullyQualifiedName: 'kubernetes/k8s.refresh-interval/expanso-system/db-creds',
        kind: 'resource',
      },
    ])
    // A file without a line has no region.
    expect(resultsFor('node.env-file-perms')[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'file:///etc/expanso/pipeline.env' },
    })
  })

  it('without any location, a result names its provider and check', () => {
    const [r] = resultsFor('vault.latency')
    expect(r!.level).toBe('warning')
    expect(r!.locations[0]!.logicalLocations).toEqual([
      { name: 'vault.latency', fullyQualifiedName: 'vault/vault.latency', kind: 'module' },
    ])
  })

  it('an error is a note that says it could not be checked; passes and plain skips are not results', () => {
    expect(resultsFor('aws.identity')).toEqual([
      expect.objectContaining({
        level: 'note',
        message: { text: 'could not be checked: timed out after 5s waiting for sts.us-east-1.amazonaws.com' },
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

  it('a result whose check is not in the catalogue still gets a rule', () => {
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
    const out = render(sampleReport({ checks, summary: summarize(checks) })).runs[0]!
    const r = out.results.find((x) => x.ruleId === 'vault.brand-new')!
    expect(out.tool.driver.rules[r.ruleIndex]).toMatchObject({
      id: 'vault.brand-new',
      shortDescription: { text: 'Something new' },
    })
    expect(r.message.text).toBe('odd.')
  })

  it('turns paths into URIs', () => {
    expect(fileUri('/etc/expanso/pipeline.env')).toBe('file:///etc/expanso/pipeline.env')
    expect(fileUri('deploy/my manifests/es.yaml')).toBe('deploy/my%20manifests/es.yaml')
    expect(fileUri('C:\\agent\\pipeline #1.yaml')).toBe('file:///C:/agent/pipeline%20%231.yaml')
    expect(fileUri('/tmp/a?b.yaml')).toBe('file:///tmp/a%3Fb.yaml')
  })
})
