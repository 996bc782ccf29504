import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report.js'
import type { Report } from '../core/report.js'
import { tarGz } from './bundle-tar.js'
import { checkSources, jsonDepth, LineDocuments, ReportReader } from './report-sources.js'

function collect() {
  const reports: [string, Report][] = []
  const skipped: [string, string][] = []
  return {
    reports,
    skipped,
    sink: {
      report: (r: Report, s: string) => void reports.push([s, r]),
      skip: (s: string, why: string) => void skipped.push([s, why]),
    },
  }
}

const node = (hostname: string) => sampleReport({ node: { hostname } })

describe('LineDocuments', () => {
  it('reads JSON lines as kubectl logs prints them, with --prefix and --timestamps, and counts the rest once', () => {
    const docs: [string, string][] = []
    const skips: [string, string][] = []
    const d = new LineDocuments(
      'stdin',
      (t, w) => void docs.push([t, w]),
      (w, r) => void skips.push([w, r]),
    )
    const lines = [
      `[pod/doctor-abcde/doctor] ${JSON.stringify({ a: 1 })}`,
      `2026-11-27T10:00:00.123456789Z ${JSON.stringify({ b: '}{' })}`,
      'edge-secrets: warning: something on stderr',
      '',
      '{',
      '  "c": "a } inside",',
      '  "d": [1, {"e": 2}]',
      '}',
      'another stderr line',
      '{"never": "ends"',
    ]
    lines.forEach((l, i) => d.line(l, i + 1))
    d.end()
    expect(docs.map(([t, w]) => [JSON.parse(t), w])).toEqual([
      [{ a: 1 }, 'stdin:1'],
      [{ b: '}{' }, 'stdin:2'],
      [{ c: 'a } inside', d: [1, { e: 2 }] }, 'stdin:5'],
    ])
    expect(skips).toEqual([
      ['stdin:10', 'a JSON document that never ends (truncated)'],
      ['stdin', '2 lines that are not JSON (first, line 3: edge-secrets: warning: something on stderr)'],
    ])
  })

  it('tracks depth across strings and escapes', () => {
    expect(jsonDepth('{"a": "\\"{"').depth).toBe(1)
    expect(jsonDepth('[{}, {"x": "]"}]').depth).toBe(0)
  })
})

describe('ReportReader', () => {
  it('reads a folder: reports, JSON lines, several documents, bundles and Bacalhau stdout; names the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-merge-'))
    mkdirSync(join(dir, 'sub', 'job-j-1'), { recursive: true })
    writeFileSync(join(dir, 'a.json'), JSON.stringify(node('a'), null, 2))
    writeFileSync(join(dir, 'b.jsonl'), `${JSON.stringify(node('b'))}\n${JSON.stringify(node('c'))}\n`)
    writeFileSync(
      join(dir, 'd.json'),
      `${JSON.stringify(node('d'), null, 2)}\n${JSON.stringify(node('e'), null, 2)}\n`,
    )
    writeFileSync(
      join(dir, 'bundle.tar.gz'),
      await tarGz([{ path: 'report.json', content: JSON.stringify(node('f')) }], new Date()),
    )
    writeFileSync(join(dir, 'sub', 'job-j-1', 'stdout'), `${JSON.stringify(node('g'))}\n`)
    writeFileSync(join(dir, 'sub', 'README.md'), 'not read: not a report file name')
    writeFileSync(join(dir, '.hidden.json'), 'not read: hidden')
    writeFileSync(join(dir, 'foreign.json'), JSON.stringify({ kind: 'ConfigMap' }))
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ kind: 'edge-secrets-fleet', schemaVersion: 1 }))
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...node('h'), schemaVersion: 2 }))
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(node('i')).slice(0, 300))
    writeFileSync(join(dir, 'bad-check.json'), JSON.stringify({ ...node('j'), checks: [{ id: 'x' }] }))
    writeFileSync(join(dir, 'empty.json'), '')
    writeFileSync(join(dir, 'nobundle.tgz'), await tarGz([{ path: 'other.txt', content: 'x' }], new Date()))
    const c = collect()
    await new ReportReader(c.sink, dir).folder(dir)
    expect(c.reports.map(([s, r]) => [s, r.node?.hostname])).toEqual([
      ['a.json', 'a'],
      ['b.jsonl:1', 'b'],
      ['b.jsonl:2', 'c'],
      ['bundle.tar.gz (report.json)', 'f'],
      ['d.json:1', 'd'],
      ['d.json:1000'.replace(/\d+$/, String(1 + JSON.stringify(node('d'), null, 2).split('\n').length)), 'e'],
      ['sub/job-j-1/stdout', 'g'],
    ])
    const why = Object.fromEntries(c.skipped)
    expect(why['foreign.json']).toBe('not an edge-secrets report (no tool.name "edge-secrets")')
    expect(why['fleet.json']).toBe('a fleet merge, not a node report')
    expect(why['future.json']).toBe('schemaVersion 2 is not one this version reads (1)')
    expect(why['broken.json:1']).toMatch(/^a JSON document that never ends/)
    expect(why['bad-check.json']).toMatch(/^checks\[0\]/)
    expect(why['empty.json']).toBe('empty')
    expect(why['nobundle.tgz']).toBe('a tar archive without report.json')
    expect(Object.keys(why)).toHaveLength(7)
  })

  it('reads stdin, and the reports inside bacalhau job describe --output json (truncated stdout named)', async () => {
    const c = collect()
    const reader = new ReportReader(c.sink, '/')
    const describe = {
      Job: { ID: 'j-1', Type: 'ops' },
      Executions: {
        Items: [
          {
            ID: 'e-1',
            NodeID: 'n-1',
            RunOutput: { stdout: `${JSON.stringify(node('k'))}\n`, stdouttruncated: false },
          },
          {
            ID: 'e-2',
            NodeID: 'n-2',
            RunOutput: { stdout: JSON.stringify(node('l')).slice(0, 2048), stdouttruncated: true },
          },
        ],
      },
    }
    await reader.lines(
      Readable.from([`${JSON.stringify(node('m'))}\n`, JSON.stringify(describe, null, 2)]),
      'stdin',
    )
    expect(c.reports.map(([s, r]) => [s, r.node?.hostname])).toEqual([
      ['stdin:1', 'm'],
      ['stdin:2 (execution e-1 on n-1):1', 'k'],
    ])
    expect(c.skipped).toEqual([
      [
        'stdin:2 (execution e-2 on n-2)',
        expect.stringMatching(/^Bacalhau truncated this execution’s stdout/),
      ],
    ])
  })

  it('wants every argument to exist, and stdin at most once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-merge-'))
    writeFileSync(join(dir, 'a.json'), '{}')
    expect(await checkSources(['-', dir, 'a.json'], dir)).toEqual(['stdin', 'folder', 'file'])
    await expect(checkSources(['nope/'], dir)).rejects.toThrow('nope/: no such file or folder')
    await expect(checkSources(['-', '-'], dir)).rejects.toThrow('- (stdin) may be given once')
  })
})
