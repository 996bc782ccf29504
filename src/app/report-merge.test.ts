import { describe, expect, it } from 'vitest'
import { checks as catalogue } from '../checks/index.js'
import { summarize, exitCodeFor, type CheckResult, type Report } from '../core/report.js'
import { remedies } from '../remedies.js'
import { evidenceOf } from '../render/merge-model.js'
import { nodeReport } from '../../scripts/bench-merge.mjs'
import { FleetMerger } from './report-merge.js'

const pass = (id: string): CheckResult => ({
  id,
  title: `${id} title`,
  provider: id.split('.')[0] as string,
  category: 'auth',
  severity: 'info',
  status: 'pass',
  summary: 'ok',
  remedies: [],
  durationMs: 1,
})

const remedy = {
  id: 'auth.confirm-secret-paths',
  title: 'Confirm secret paths are correct',
  source: 'doc' as const,
  section: 'Troubleshooting › Authentication Failures',
  commands: ['vault policy read expanso-edge'],
}

function failing(id: string, key: string, message: string, items?: string[]): CheckResult {
  return {
    ...pass(id),
    severity: 'critical',
    status: 'fail',
    summary: message,
    remedies: [remedy],
    findings: [
      {
        key,
        status: 'fail',
        severity: 'critical',
        message,
        remedies: [remedy],
        ...(items ? { items: items.map((name) => ({ name })) } : {}),
      },
    ],
  }
}

function report(
  name: string,
  checks: CheckResult[],
  startedAt = '2026-11-27T10:00:00.000Z',
  pod?: string,
): Report {
  const summary = summarize(checks)
  return {
    schemaVersion: 1,
    tool: { name: 'edge-secrets', version: '0.1.0' },
    node: {
      hostname: pod ?? `${name}-host`,
      kubernetes: { node: name, ...(pod ? { pod } : {}), namespace: 'expanso-system' },
    },
    startedAt,
    durationMs: 100,
    summary,
    exitCode: exitCodeFor(summary, 'fail'),
    failOn: 'fail',
    identities: [],
    checks,
  }
}

describe('evidenceOf', () => {
  it('takes out what differs from node to node and keeps what the root cause is', () => {
    const terms = ['edge-7', 'doctor-x2kqp']
    expect(evidenceOf('token expired 3h ago on edge-7', [], terms)).toBe(
      evidenceOf('token expired 45m ago on edge-7', [], terms),
    )
    expect(evidenceOf('pod expanso-edge-7d9c8b6f4-x2kqp started 2026-11-27T09:00:00Z', [], [])).toBe(
      'pod expanso-edge-<hash> started <time>',
    )
    expect(evidenceOf('no read capability on secret/data/expanso/prod/pipeline', [], [])).not.toBe(
      evidenceOf('no read capability on secret/data/expanso/staging/pipeline', [], []),
    )
    // A word is not a generated suffix: no digit in it.
    expect(evidenceOf('role expanso-vault denied', [], [])).toBe('role expanso-vault denied')
    expect(evidenceOf('x', ['b', 'a', 'a'], [])).toBe('x | a, b')
  })
})

describe('FleetMerger', () => {
  const path = (env: string) => `no read capability on secret/data/expanso/${env}/pipeline`
  const reports = [
    report('node-a', [failing('vault.capabilities', 'no-read', path('prod')), pass('node.env-vars')]),
    report('node-b', [
      failing('vault.capabilities', 'no-read', path('prod')),
      failing('node.env-vars', 'unresolved', 'DB_PASSWORD set nowhere'),
    ]),
    report('node-c', [failing('vault.capabilities', 'no-read', path('staging')), pass('node.env-vars')]),
    report('node-d', [pass('vault.capabilities'), pass('node.env-vars')]),
  ]

  it('groups nodes by check, finding and evidence, the widest first, with the remedy and its command', () => {
    const m = new FleetMerger()
    reports.forEach((r, i) => m.add(r, `r${i}.json`))
    const v = m.view({ version: '9.9.9', now: () => new Date('2026-11-28T00:00:00Z') })
    expect(v.summary).toEqual({
      nodes: 4,
      healthy: 1,
      warnings: 0,
      failing: 3,
      incomplete: 0,
      'nothing-checked': 0,
    })
    expect(v.groups.map((g) => [g.check, g.nodeCount, g.nodes])).toEqual([
      ['vault.capabilities', 2, ['node-b', 'node-a']],
      ['node.env-vars', 1, ['node-b']],
      ['vault.capabilities', 1, ['node-c']],
    ])
    expect(v.groups[0]?.remedies[0]?.commands).toEqual(['vault policy read expanso-edge'])
    expect(v.groups[0]?.id).toMatch(/^[0-9a-f]{10}$/)
    expect(v.checks[0]).toMatchObject({ id: 'vault.capabilities', nodes: { fail: 3, pass: 1 } })
    // Worst first: two failing checks, then one, then healthy.
    expect(v.nodes.map((n) => n.name)).toEqual(['node-b', 'node-a', 'node-c', 'node-d'])
    expect(v.nodes[0]?.problems.map((p) => p.group)).toContain(v.groups[0]?.id)
    expect(v.exitCode).toBe(1)
    expect(m.view({ failOn: 'never' }).exitCode).toBe(0)
  })

  it('keeps a node once, with its newest report, whatever the order they arrive in', () => {
    const old = report(
      'node-a',
      [failing('vault.capabilities', 'no-read', path('prod'))],
      '2026-11-27T08:00:00.000Z',
    )
    const fixed = report('node-a', [pass('vault.capabilities')], '2026-11-27T09:00:00.000Z')
    for (const order of [
      [old, fixed],
      [fixed, old],
    ]) {
      const m = new FleetMerger()
      order.forEach((r, i) => m.add(r, `r${i}.json`))
      const v = m.view()
      expect(v.summary.nodes).toBe(1)
      expect(v.inputs).toMatchObject({ reports: 2, superseded: 1 })
      expect(v.summary.healthy).toBe(1)
      expect(v.groups).toEqual([])
      expect(v.exitCode).toBe(0)
    }
  })

  it('says incomplete (3) for an error or an empty merge, and counts skipped inputs without failing', () => {
    const m = new FleetMerger()
    expect(m.view().exitCode).toBe(3)
    m.skip('notes.json', 'not an edge-secrets report')
    m.add(
      report('node-a', [
        { ...pass('vault.health'), status: 'error', summary: 'could not finish: no answer within 5s' },
      ]),
      'a.json',
    )
    const v = m.view()
    expect(v.exitCode).toBe(3)
    expect(v.groups[0]).toMatchObject({ finding: 'error', status: 'error' })
    expect(v.inputs).toMatchObject({
      skipped: 1,
      skippedInputs: [{ source: 'notes.json', reason: 'not an edge-secrets report' }],
    })
  })

  it('merges workers’ states into the same view a single merger makes', () => {
    const fleet = Array.from({ length: 60 }, (_, i) => nodeReport(i, { catalogue, remedies }))
    fleet.push(nodeReport(3, { catalogue, remedies, rerun: 1 }))
    const one = new FleetMerger()
    fleet.forEach((r, i) => one.add(r, `n${i}.json`))
    const [a, b, all] = [new FleetMerger(), new FleetMerger(), new FleetMerger()]
    fleet.forEach((r, i) => (i % 2 ? a : b).add(r, `n${i}.json`))
    a.skip('x.json', 'foreign')
    one.skip('x.json', 'foreign')
    all.importState(b.exportState())
    all.importState(a.exportState())
    const strip = (v: ReturnType<FleetMerger['view']>) => ({ ...v, generatedAt: '' })
    const now = () => new Date(0)
    expect(strip(all.view({ now, statuses: true }))).toEqual(strip(one.view({ now, statuses: true })))
    expect(one.view().summary.nodes).toBe(60)
  })
  it('takes a group’s remedy commands and example from one node, whatever the arrival order', () => {
    const withCommand = (node: string, policy: string) => {
      const c = failing('vault.capabilities', 'no-read', 'no read capability')
      const r = { ...remedy, commands: [`vault policy read ${policy}`] }
      return report(node, [{ ...c, remedies: [r], findings: [{ ...c.findings![0]!, remedies: [r] }] }])
    }
    const reports = [
      withCommand('edge-b', 'expanso-edge-staging'),
      withCommand('edge-a', 'expanso-edge-prod'),
    ]
    const views = [reports, [...reports].reverse()].map((order) => {
      const m = new FleetMerger()
      order.forEach((r) => m.add(r, `${r.node?.hostname}.json`))
      return { ...m.view({ now: () => new Date(0) }), generatedAt: '' }
    })
    const [parts, whole] = [reports.map(() => new FleetMerger()), new FleetMerger()]
    reports.forEach((r, i) => parts[i]!.add(r, `${r.node?.hostname}.json`))
    parts.reverse().forEach((p) => whole.importState(p.exportState()))
    views.push({ ...whole.view({ now: () => new Date(0) }), generatedAt: '' })
    expect(views[1]).toEqual(views[0])
    expect(views[2]).toEqual(views[0])
    const [group] = views[0]!.groups
    expect(group).toMatchObject({ exampleNode: 'edge-a', nodeCount: 2 })
    expect(group!.remedies[0]!.commands).toEqual(['vault policy read expanso-edge-prod'])
  })
})
