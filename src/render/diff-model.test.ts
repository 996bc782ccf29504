import { describe, expect, it } from 'vitest'
import { exitCodeFor, summarize, type CheckResult, type Report } from '../core/report.js'
import { diffReports } from './diff-model.js'
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from './diff.js'
import { Chalk } from 'chalk'

const base = (id: string, status: CheckResult['status'], findings?: [string, string][]): CheckResult => ({
  id,
  title: `${id} title`,
  provider: id.split('.')[0] as string,
  category: 'auth',
  severity: findings ? 'high' : 'info',
  status,
  summary: findings?.[0]?.[1] ?? status,
  remedies: [],
  durationMs: 1,
  ...(findings
    ? {
        findings: findings.map(([key, message]) => ({
          key,
          status: status === 'warn' ? ('warn' as const) : ('fail' as const),
          severity: 'high' as const,
          message,
          remedies: [],
        })),
      }
    : {}),
})

const report = (checks: CheckResult[], startedAt: string): Report => {
  const summary = summarize(checks)
  return {
    schemaVersion: 1,
    tool: { name: 'edge-secrets', version: '0.1.0' },
    node: { hostname: 'edge-1' },
    startedAt,
    durationMs: 1,
    summary,
    exitCode: exitCodeFor(summary, 'fail'),
    failOn: 'fail',
    identities: [],
    checks,
  }
}

const before = report(
  [
    base('vault.capabilities', 'fail', [
      ['no-read', 'no read capability on secret/data/expanso/prod/pipeline'],
    ]),
    base('vault.token-ttl', 'warn', [['expiring-soon', 'token expires in 9m (threshold 10m)']]),
    base('node.env-vars', 'fail', [['unresolved', 'DB_PASSWORD set nowhere']]),
    base('aws.rotation', 'warn', [['overdue', 'rotation overdue by 3d']]),
    base('node.clock-skew', 'pass'),
    base('k8s.access', 'fail', [['unreachable', 'API unreachable']]),
    base('vault.latency', 'pass'),
  ],
  '2026-11-27T10:00:00Z',
)

describe('report diff', () => {
  it('says what was fixed, what is new, what is worse, better, still failing or no longer checked', () => {
    const after = report(
      [
        base('vault.capabilities', 'pass'),
        base('vault.token-ttl', 'warn', [['expiring-soon', 'token expires in 4m (threshold 10m)']]),
        base('node.env-vars', 'warn', [['empty', 'DB_PASSWORD is empty']]),
        base('aws.rotation', 'fail', [['overdue', 'rotation overdue by 5d']]),
        base('node.clock-skew', 'warn', [['skew-warn', 'clock 42s ahead']]),
        base('k8s.access', 'skip'),
        base('vault.latency', 'pass'),
      ],
      '2026-11-28T10:00:00Z',
    )
    const d = diffReports(before, after)
    const change = Object.fromEntries(d.checks.map((c) => [c.id, c.change]))
    expect(change).toEqual({
      'vault.capabilities': 'fixed',
      'vault.token-ttl': 'still-failing',
      'node.env-vars': 'better',
      'aws.rotation': 'worse',
      'node.clock-skew': 'new',
      'k8s.access': 'no-longer-checked',
      'vault.latency': 'unchanged',
    })
    // The token's age changed, not the finding: no new finding, no regression from it.
    expect(d.checks.find((c) => c.id === 'vault.token-ttl')?.newFindings).toEqual([])
    // A different finding in a check that got better is still a regression.
    expect(d.checks.find((c) => c.id === 'node.env-vars')?.newFindings.map((f) => f.key)).toEqual(['empty'])
    expect(d.regressions).toBe(3)
    expect(d.exitCode).toBe(1)
    const text = renderDiffText(d, new Chalk({ level: 0 }))
    expect(text).toContain('Fixed (1)')
    expect(text).toContain('vault.capabilities           fail → pass')
    expect(text).toMatch(
      /REGRESSED — 1 fixed, 1 new, 1 worse, 1 better, 1 still failing \(3 regressions\) → exit 1\n$/,
    )
    expect(renderDiffMarkdown(d)).toContain('## No longer checked')
    const json = JSON.parse(renderDiffJson(d)) as { kind: string; checks: { id: string }[] }
    expect(json.kind).toBe('edge-secrets-diff')
    expect(json.checks.map((c) => c.id)).not.toContain('vault.latency')
  })

  it('exits 0 when nothing got worse, even with problems left', () => {
    const after = report(
      before.checks.map((c) => (c.id === 'vault.capabilities' ? base(c.id, 'pass') : c)),
      '2026-11-28T10:00:00Z',
    )
    const d = diffReports(before, after)
    expect(d.exitCode).toBe(0)
    expect(d.checks.filter((c) => c.change === 'fixed').map((c) => c.id)).toEqual(['vault.capabilities'])
  })

  it('a check that disappears or appears is named, not silently ignored', () => {
    const after = report(
      [
        base('vault.capabilities', 'fail', [
          ['no-read', 'no read capability on secret/data/expanso/prod/pipeline'],
        ]),
        base('gcp.credentials', 'fail', [['none', 'no credentials']]),
      ],
      '2026-11-28T10:00:00Z',
    )
    const d = diffReports(before, after)
    expect(d.checks.find((c) => c.id === 'gcp.credentials')).toMatchObject({ change: 'new', after: 'fail' })
    expect(d.checks.find((c) => c.id === 'node.env-vars')).toMatchObject({
      change: 'no-longer-checked',
      before: 'fail',
    })
    expect(d.checks.find((c) => c.id === 'vault.capabilities')?.change).toBe('still-failing')
  })
})
