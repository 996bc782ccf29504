// `report merge --format junit`: one testsuite per node, one testcase per check, so a CI widget shows a fleet
// the way it shows a test run — the failing node is the red suite, the failing check the red case.
import type { Status } from '../core/check.js'
import { xmlAttr, xmlText } from './junit.js'
import { fleetLine } from './merge.js'
import type { FleetNode, FleetView } from './merge-model.js'

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3)

function testcase(node: FleetNode, id: string, title: string, status: Status): string {
  const open = `    <testcase classname="${xmlAttr(`edge-secrets.${node.name}`)}" name="${xmlAttr(`${id}: ${title}`)}"`
  const messages = node.problems.filter((p) => p.check === id)
  const body = messages
    .map((p) => `[${p.status} ${p.severity}] ${p.finding}: ${p.message} (group ${p.group})`)
    .join('\n')
  const first = messages[0]?.message ?? status
  switch (status) {
    case 'fail':
      return `${open}>\n      <failure message="${xmlAttr(first)}" type="${xmlAttr(messages[0]?.finding ?? 'fail')}">${xmlText(`${body}\n\nrun: edge-secrets explain ${id}`)}</failure>\n    </testcase>`
    case 'error':
      return `${open}>\n      <error message="${xmlAttr(`could not be checked: ${first}`)}" type="error">${xmlText(body)}</error>\n    </testcase>`
    case 'skip':
      return `${open}>\n      <skipped/>\n    </testcase>`
    case 'warn':
      return `${open}>\n      <system-out>${xmlText(`WARNING: ${body}`)}</system-out>\n    </testcase>`
    default:
      return `${open}/>`
  }
}

export function renderMergeJunit(v: FleetView, titles: Readonly<Record<string, string>>): string {
  const suites = v.nodes.map((n) => {
    const statuses = Object.entries(n.statuses ?? {})
    const count = (s: Status) => statuses.filter(([, x]) => x === s).length
    return [
      `  <testsuite name="${xmlAttr(n.name)}" tests="${statuses.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${seconds(n.durationMs)}" timestamp="${xmlAttr(n.startedAt.replace(/Z$/, ''))}">`,
      `    <properties>\n      <property name="source" value="${xmlAttr(n.source)}"/>\n      <property name="verdict" value="${xmlAttr(n.verdict)}"/>\n    </properties>`,
      ...statuses.map(([id, s]) => testcase(n, id, titles[id] ?? id, s)),
      '  </testsuite>',
    ].join('\n')
  })
  const all = v.nodes.flatMap((n) => Object.values(n.statuses ?? {}))
  const c = (s: Status) => all.filter((x) => x === s).length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${xmlText(fleetLine(v)).replace(/--/g, '- -')} -->`,
    `<testsuites name="edge-secrets fleet" tests="${all.length}" failures="${c('fail')}" errors="${c('error')}" skipped="${c('skip')}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
