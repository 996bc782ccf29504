import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report.js'
import { renderJson } from '../render/json.js'
import { tarGz } from './bundle-tar.js'
import { loadReport, reportProblem } from './report-load.js'

const ok = sampleReport({
  node: { hostname: 'edge-1', kubernetes: { node: 'w-1' }, labels: { site: 'ams' } },
})

describe('saved reports', () => {
  it('accepts what --format json writes', () => {
    expect(reportProblem(JSON.parse(renderJson(ok)))).toBeUndefined()
  })

  it.each([
    [[], 'not an edge-secrets report (not a JSON object)'],
    [{ apiVersion: 'v1', kind: 'Pod' }, 'not an edge-secrets report (no tool.name "edge-secrets")'],
    [{ ...ok, schemaVersion: 2 }, 'schemaVersion 2 is not one this version reads (1)'],
    [{ ...ok, startedAt: 'yesterday' }, 'startedAt: "yesterday"'],
    [{ ...ok, exitCode: 7 }, 'exitCode: 7'],
    [{ ...ok, summary: { total: 1 } }, 'summary: not the six counts'],
    [{ ...ok, node: { hostname: '' } }, 'node: not {hostname, …}'],
    [{ ...ok, node: { hostname: 'x', labels: { a: 1 } } }, 'node.labels: not a map of strings'],
    [{ ...ok, checks: [{ ...ok.checks[0], status: 'green' }] }, 'checks[0].status: "green"'],
    [{ ...ok, checks: [{ ...ok.checks[0], id: 'Not An Id' }] }, 'checks[0].id: "Not An Id"'],
    [
      { ...ok, checks: [{ ...ok.checks[0], remedies: [{ id: 'x' }] }] },
      'checks[0].remedies[0]: not a remedy (id, title, source, section)',
    ],
    [
      {
        ...ok,
        checks: [
          {
            ...ok.checks[1],
            findings: [{ key: 'k', message: 'm', status: 'fail', severity: 'urgent', remedies: [] }],
          },
        ],
      },
      'checks[0].findings[0].severity: "urgent"',
    ],
  ])('names what is wrong: %#', (value, problem) => {
    expect(reportProblem(value)).toBe(problem)
  })

  it('loads a file or a bundle, and names an unreadable one in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-load-'))
    writeFileSync(join(dir, 'r.json'), renderJson(ok))
    writeFileSync(
      join(dir, 'b.tar.gz'),
      await tarGz([{ path: 'report.json', content: renderJson(ok) }], new Date()),
    )
    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1,')
    writeFileSync(join(dir, 'empty.tar.gz'), await tarGz([{ path: 'x', content: '' }], new Date()))
    expect((await loadReport(join(dir, 'r.json'))).node?.hostname).toBe('edge-1')
    expect((await loadReport(join(dir, 'b.tar.gz'))).checks).toHaveLength(ok.checks.length)
    await expect(loadReport(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not JSON/)
    await expect(loadReport(join(dir, 'empty.tar.gz'))).rejects.toThrow(
      'empty.tar.gz: a tar archive without report.json',
    )
    await expect(loadReport(join(dir, 'none.json'))).rejects.toThrow('none.json: no such file')
    await expect(loadReport(dir)).rejects.toThrow('not a regular file')
  })
})
