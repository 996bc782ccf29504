import { describe, expect, it } from 'vitest'
import type { Report } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import { codeQualityProblems } from '../../test/helpers/ci-formats.js'
import { gitlabSeverity, renderCodeClimate, type CodeClimateIssue } from './codeclimate.js'

const CWD = '/builds/edge/app'
const CONFIG: Report['config'] = {
  file: `${CWD}/edge-secrets.yaml`,
  locations: {
    aws: { line: 4, column: 1 },
    'aws.region': { line: 5, column: 3, value: 'us-east-1' },
    thresholds: { line: 8, column: 1 },
    'thresholds.latencyP95': { line: 9, column: 3 },
  } as NonNullable<Report['config']>['locations'],
}
const render = (r: Report, cwd = CWD) => JSON.parse(renderCodeClimate(r, { cwd })) as CodeClimateIssue[]
const issues = render(sampleReport({ config: CONFIG }))
const of = (id: string, list = issues) => list.filter((i) => i.check_name === id)

describe('renderCodeClimate', () => {
  it('is the issue list GitLab reads: every field it uses, unique fingerprints', () => {
    expect(codeQualityProblems(issues)).toEqual([])
    expect(codeQualityProblems(render(sampleReport()))).toEqual([])
  })

  it('one issue per non-passing finding; passes, skips and ignored findings are left out', () => {
    expect([...new Set(issues.map((i) => i.check_name))].sort()).toEqual(
      [
        'aws.identity',
        'k8s.refresh-interval',
        'node.clock-skew',
        'node.env-file-perms',
        'vault.capabilities',
        'vault.latency',
      ].sort(),
    )
    expect(of('vault.path-layout')).toEqual([])
  })

  it('locates like SARIF: the finding’s file, else the config key, paths relative to the project', () => {
    expect(of('vault.capabilities')[0]!.location).toEqual({
      path: '/etc/vault/vault-agent.hcl',
      lines: { begin: 27 },
    })
    expect(of('k8s.refresh-interval').map((i) => i.location)).toEqual([
      { path: 'deploy/external-secrets.yaml', lines: { begin: 9 } },
      { path: 'deploy/external-secrets.yaml', lines: { begin: 31 } },
      { path: 'edge-secrets.yaml', lines: { begin: 1 } },
    ])
    const [latency] = of('vault.latency')
    expect(latency!.location).toEqual({ path: 'edge-secrets.yaml', lines: { begin: 9 } })
    expect(latency!.description).toContain('(configured by thresholds.latencyP95)')
    // Without a config file: where it belongs, ./edge-secrets.yaml.
    expect(of('vault.latency', render(sampleReport()))[0]!.location).toEqual({
      path: 'edge-secrets.yaml',
      lines: { begin: 1 },
    })
  })

  it('a failure keeps its severity, a warning sits one step lower, could-not-check is minor', () => {
    expect(of('vault.capabilities')[0]!.severity).toBe('blocker')
    expect(of('node.env-file-perms')[0]!.severity).toBe('critical')
    expect(of('vault.latency')[0]!.severity).toBe(gitlabSeverity('warn', 'medium'))
    expect(gitlabSeverity('warn', 'medium')).toBe('minor')
    expect(gitlabSeverity('warn', 'info')).toBe('info')
    expect(of('aws.identity')[0]).toMatchObject({
      severity: 'minor',
      description: expect.stringMatching(/could not be checked/),
    })
  })

  it('quotes the documentation and labels the tool’s own advice in the body', () => {
    const body = of('vault.capabilities')[0]!.content.body
    expect(body).toContain(
      '- “Confirm secret paths are correct” (documentation: Troubleshooting › Authentication Failures)',
    )
    expect(body).toContain('      vault policy read expanso-edge')
    expect(of('node.clock-skew')[0]!.content.body).toContain(
      '- Synchronise the clock with NTP (edge-secrets advice)',
    )
  })

  it('fingerprints survive a re-run with other timings and request ids', () => {
    const again = render(
      sampleReport({
        config: CONFIG,
        startedAt: '2027-01-01T00:00:00.000Z',
        checks: sampleReport().checks.map((c) => ({ ...c, durationMs: 3, summary: `${c.summary} (req 9)` })),
      }),
    )
    expect(again.map((i) => i.fingerprint)).toEqual(issues.map((i) => i.fingerprint))
  })

  it('a healthy report is an empty list', () => {
    const ok = sampleReport({ checks: sampleReport().checks.filter((c) => c.status === 'pass') })
    expect(renderCodeClimate(ok)).toBe('[]\n')
  })
})
