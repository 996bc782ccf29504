// The fleet merge's JSON ships with its own schema: every merge the tests make is validated against it, and
// the shapes it shares with the node report (node identity, remedy) are the report schema's, word for word.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Chalk } from 'chalk'
import { describe, expect, it } from 'vitest'
import { FleetMerger } from '../src/app/report-merge.js'
import { checks as catalogue } from '../src/checks/index.js'
import { remedies } from '../src/remedies.js'
import { renderMergeText, renderMergeMarkdown, fleetLine } from '../src/render/merge.js'
import { renderMergeJson } from '../src/render/merge-json.js'
import { renderMergeJunit } from '../src/render/merge-junit.js'
import { nodeReport } from '../scripts/bench-merge.mjs'
import { hasCommand } from './helpers/tools.js'
import { validateMerge } from './helpers/validate-merge.js'

const MERGE_SCHEMA = JSON.parse(readFileSync(new URL('../schema/merge.schema.json', import.meta.url), 'utf8'))
const REPORT_SCHEMA = JSON.parse(
  readFileSync(new URL('../schema/report.schema.json', import.meta.url), 'utf8'),
)

function fleet(n: number) {
  const m = new FleetMerger()
  for (let i = 0; i < n; i++) m.add(nodeReport(i, { catalogue, remedies }), `node-${i}.json`)
  m.add(nodeReport(0, { catalogue, remedies, rerun: 1 }), 'node-0-rerun.json')
  m.skip('notes.json', 'not an edge-secrets report (no tool.name "edge-secrets")')
  return m
}

describe('report merge formats', () => {
  const m = fleet(120)
  const view = m.view({ version: '0.1.0', statuses: true })

  it('json validates against schema/merge.schema.json', async () => {
    const doc = JSON.parse(renderMergeJson(view))
    expect(await validateMerge(doc)).toEqual([])
    expect(await validateMerge(JSON.parse(renderMergeJson(new FleetMerger().view())))).toEqual([])
    // The schema is strict: an unknown field is an error, so it cannot drift from the model silently.
    expect(await validateMerge({ ...doc, extra: 1 })).not.toEqual([])
    expect(doc.summary.nodes).toBe(120)
    expect(doc.inputs).toMatchObject({ reports: 121, superseded: 1, skipped: 1 })
  })

  it('shares the node identity and remedy shapes with the report schema', () => {
    expect(MERGE_SCHEMA.$defs.node).toEqual(REPORT_SCHEMA.properties.node)
    expect(MERGE_SCHEMA.$defs.remedy).toEqual(REPORT_SCHEMA.$defs.remedy)
    expect(MERGE_SCHEMA.$defs.checkId).toEqual(REPORT_SCHEMA.$defs.checkId)
  })

  it('text and markdown lead with the fleet line, the widest root cause and its remedy command', () => {
    const text = renderMergeText(view, { color: new Chalk({ level: 0 }) })
    const top = view.groups[0]
    expect(top?.nodeCount).toBeGreaterThan(1)
    expect(text).toContain(`${top?.check} › ${top?.finding}`)
    expect(text).toContain(top?.remedies[0]?.commands?.[0] ?? '(no command)')
    expect(text.trimEnd().endsWith(fleetLine(view))).toBe(true)
    expect(text).toContain('Skipped inputs (1)')
    const md = renderMergeMarkdown(view)
    expect(md).toContain('## Root causes')
    expect(md).toContain(`group \`${top?.id}\``)
  })

  it('junit has one testsuite per node and one testcase per check, and is well-formed XML', () => {
    const xml = renderMergeJunit(view, m.titles())
    expect(xml.match(/<testsuite /g)).toHaveLength(120)
    const node = view.nodes[0]
    expect(xml).toContain(
      `<testsuite name="${node?.name}" tests="${Object.keys(node?.statuses ?? {}).length}"`,
    )
    if (!hasCommand('/usr/bin/python3')) return
    const counts = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.read()); print(len(r.findall("testsuite")), len(r.findall(".//failure")))',
      ],
      { input: xml, encoding: 'utf8' },
    )
    const failures = view.nodes.reduce((n, x) => n + x.summary.fail, 0)
    expect(counts.trim()).toBe(`120 ${failures}`)
  })
})
