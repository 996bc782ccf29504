// `report merge` as a person reads it (text on a terminal, markdown in a ticket or a step summary): the fleet
// verdict, the checks that fail on most nodes, the root causes with the nodes they hit and the remedy with
// its command, the worst nodes, and what could not be read. Long lists are capped; --verbose and the JSON
// format carry everything.
import type { ChalkInstance } from 'chalk'
import type { Status } from '../core/check.js'
import { mdCell, mdCode, mdText } from './markdown.js'
import { ofNodes, type FleetGroup, type FleetNode, type FleetView } from './merge-model.js'

export interface MergeTextOptions {
  readonly color: ChalkInstance
  readonly verbose?: boolean
}

const CAPS = { checks: 20, groups: 15, groupNodes: 8, nodes: 10, skipped: 10, commands: 3 }
const WORD: Record<Status, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  error: 'ERROR',
  skip: 'SKIP',
}

function paint(c: ChalkInstance, s: Status, t: string): string {
  return s === 'fail'
    ? c.red(t)
    : s === 'error'
      ? c.magenta(t)
      : s === 'warn'
        ? c.yellow(t)
        : s === 'pass'
          ? c.green(t)
          : c.dim(t)
}

/** The headline every format shows, from the counts alone. */
export function fleetLine(v: FleetView): string {
  const s = v.summary
  const word =
    s.nodes === 0
      ? 'NOTHING MERGED'
      : s.failing
        ? 'FLEET FAILING'
        : s.incomplete || s['nothing-checked']
          ? 'FLEET INCOMPLETE'
          : s.warnings
            ? 'FLEET WARNINGS'
            : 'FLEET HEALTHY'
  const parts = [
    `${s.failing} failing`,
    `${s.incomplete} incomplete`,
    `${s.warnings} with warnings`,
    `${s.healthy} healthy`,
    ...(s['nothing-checked'] ? [`${s['nothing-checked']} checked nothing`] : []),
  ]
  const skipped = v.inputs.skipped
    ? `; ${v.inputs.skipped} input${v.inputs.skipped === 1 ? '' : 's'} skipped`
    : ''
  return `${word} — ${s.nodes} node${s.nodes === 1 ? '' : 's'}: ${parts.join(', ')}${skipped} → exit ${v.exitCode}`
}

const groupStatus = (g: FleetGroup): Status => g.status

function more(n: number, shown: number, what: string, hint = '--verbose'): string[] {
  return n > shown ? [`… ${n - shown} more ${what} (${hint})`] : []
}

function textGroup(g: FleetGroup, total: number, c: ChalkInstance, verbose: boolean): string[] {
  const out = [
    `${paint(c, groupStatus(g), `${WORD[g.status]}`)} ${c.bold(ofNodes(g.nodeCount, total))}  ${c.bold(g.check)} › ${g.finding}  [${g.severity}]  ${c.dim(`group ${g.id}`)}`,
    `    ${g.message} ${c.dim(`(on ${g.exampleNode})`)}`,
  ]
  const names = verbose ? g.nodes : g.nodes.slice(0, CAPS.groupNodes)
  out.push(
    c.dim(
      `    nodes: ${names.join(', ')}${g.nodes.length > names.length ? ` (+${g.nodes.length - names.length} more)` : ''}`,
    ),
  )
  const r = g.remedies[0]
  if (r) {
    out.push(`    ${c.cyan('→')} ${r.title} ${c.dim(`(${r.section})`)}`)
    const cmds = r.commands ?? []
    for (const cmd of verbose ? cmds : cmds.slice(0, CAPS.commands)) out.push(`        ${c.bold(cmd)}`)
    if (!verbose && cmds.length > CAPS.commands)
      out.push(c.dim(`        … ${cmds.length - CAPS.commands} more commands`))
  }
  out.push(c.dim(`    edge-secrets explain ${g.check}`))
  return out
}

const nodeCounts = (n: FleetNode) =>
  [`${n.summary.fail} failed`, `${n.summary.error} not checked`, `${n.summary.warn} warnings`].join(', ')

const problemIds = (n: FleetNode) => [...new Set(n.problems.map((p) => p.check))].join(', ')

export function renderMergeText(v: FleetView, opts: MergeTextOptions): string {
  const c = opts.color
  const verbose = !!opts.verbose
  const total = v.summary.nodes
  const out: string[] = [
    c.bold(
      `edge-secrets fleet — ${total} node${total === 1 ? '' : 's'} from ${v.inputs.reports} report${v.inputs.reports === 1 ? '' : 's'}`,
    ) +
      (v.inputs.superseded
        ? c.dim(` (${v.inputs.superseded} replaced by a newer report of the same node)`)
        : ''),
  ]
  const notPassing = v.checks.filter((k) => k.nodes.fail + k.nodes.error + k.nodes.warn > 0)
  if (notPassing.length) {
    out.push('', c.bold('Checks that do not pass on every node'))
    for (const k of verbose ? notPassing : notPassing.slice(0, CAPS.checks)) {
      const worst: Status = k.nodes.fail ? 'fail' : k.nodes.error ? 'error' : 'warn'
      const counts = (['fail', 'error', 'warn'] as const)
        .filter((s) => k.nodes[s])
        .map((s) => `${k.nodes[s]} ${s}`)
      out.push(
        `  ${paint(c, worst, WORD[worst].padEnd(5))} ${k.id.padEnd(28)} ${counts.join(', ')} ${c.dim(`of ${total}`)}`,
      )
    }
    out.push(
      ...more(notPassing.length, verbose ? notPassing.length : CAPS.checks, 'checks').map((l) =>
        c.dim(`  ${l}`),
      ),
    )
  }
  if (v.groups.length) {
    out.push('', c.bold('Root causes (nodes that fail the same way), most widespread first'))
    for (const g of verbose ? v.groups : v.groups.slice(0, CAPS.groups))
      out.push(...textGroup(g, total, c, verbose).map((l) => `  ${l}`))
    out.push(
      ...more(v.groups.length, verbose ? v.groups.length : CAPS.groups, 'root causes').map((l) =>
        c.dim(`  ${l}`),
      ),
    )
  }
  const bad = v.nodes.filter((n) => n.verdict !== 'healthy')
  if (bad.length) {
    out.push('', c.bold('Worst nodes'))
    const shown = verbose ? bad : bad.slice(0, CAPS.nodes)
    const width = Math.min(40, Math.max(...shown.map((n) => n.name.length)))
    for (const n of shown)
      out.push(
        `  ${n.name.padEnd(width)}  ${n.verdict.toUpperCase().padEnd(15)} ${nodeCounts(n)}  ${c.dim(problemIds(n))}`,
      )
    out.push(
      ...more(bad.length, shown.length, 'nodes', '--verbose, or --format json').map((l) => c.dim(`  ${l}`)),
    )
  }
  if (v.inputs.skipped) {
    out.push('', c.bold(`Skipped inputs (${v.inputs.skipped})`))
    const list = verbose ? v.inputs.skippedInputs : v.inputs.skippedInputs.slice(0, CAPS.skipped)
    for (const s of list) out.push(c.yellow(`  ${s.source}: ${s.reason}`))
    out.push(
      ...more(v.inputs.skipped, list.length, 'skipped inputs', '--verbose, or --format json').map((l) =>
        c.dim(`  ${l}`),
      ),
    )
  }
  const worst: Status = v.summary.failing
    ? 'fail'
    : v.summary.incomplete || !total
      ? 'error'
      : v.summary.warnings
        ? 'warn'
        : 'pass'
  out.push('', paint(c, worst, c.bold(fleetLine(v))))
  return `${out.join('\n')}\n`
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

function mdGroup(g: FleetGroup, total: number): string[] {
  const r = g.remedies[0]
  const out = [
    `### ${mdCode(g.check)} › ${mdText(g.finding)} — ${ofNodes(g.nodeCount, total)}`,
    '',
    `**${g.status}**, ${g.severity} · group ${mdCode(g.id)} · e.g. on ${mdCode(g.exampleNode)}: ${mdText(g.message)}`,
    '',
    `Nodes: ${g.nodes.slice(0, 50).map(mdCode).join(', ')}${g.nodes.length > 50 ? ` and ${g.nodes.length - 50} more` : ''}`,
  ]
  if (r) {
    out.push('', `**Remedy:** ${mdText(r.title)} (${mdCode(r.id)}) — _${mdText(r.section)}_`)
    if (r.commands?.length)
      out.push('', '```sh', ...r.commands.map((l) => l.replace(/```/g, '`\u200b``')), '```')
  }
  out.push('', `Runbook: ${mdCode(`edge-secrets explain ${g.check}`)}`, '')
  return out
}

export function renderMergeMarkdown(v: FleetView): string {
  const total = v.summary.nodes
  const out: string[] = [
    '# edge-secrets fleet report',
    '',
    `**${mdText(fleetLine(v))}**`,
    '',
    `${v.inputs.reports} reports read from ${v.inputs.sources} sources, ${v.inputs.superseded} replaced by newer ones · generated ${mdText(v.generatedAt)}`,
    '',
    '## Nodes',
    '',
    ...table(
      ['Verdict', 'Nodes'],
      (['failing', 'incomplete', 'warnings', 'nothing-checked', 'healthy'] as const).map((k) => [
        k,
        String(v.summary[k]),
      ]),
    ),
  ]
  const notPassing = v.checks.filter((k) => k.nodes.fail + k.nodes.error + k.nodes.warn > 0)
  if (notPassing.length)
    out.push(
      '',
      '## Checks that do not pass on every node',
      '',
      ...table(
        ['Check', 'Fail', 'Error', 'Warn', 'Pass', 'Skip'],
        notPassing.map((k) => [
          mdCode(k.id),
          ...(['fail', 'error', 'warn', 'pass', 'skip'] as const).map((s) => String(k.nodes[s])),
        ]),
      ),
    )
  if (v.groups.length)
    out.push('', '## Root causes', '', ...v.groups.slice(0, 50).flatMap((g) => mdGroup(g, total)))
  if (v.groups.length > 50)
    out.push(`_${v.groups.length - 50} more root causes: --format json lists them all._`)
  const bad = v.nodes.filter((n) => n.verdict !== 'healthy')
  if (bad.length)
    out.push(
      '',
      '## Worst nodes',
      '',
      ...table(
        ['Node', 'Verdict', 'Failed', 'Not checked', 'Warnings', 'Checks'],
        bad
          .slice(0, 100)
          .map((n) => [
            mdCode(n.name),
            n.verdict,
            String(n.summary.fail),
            String(n.summary.error),
            String(n.summary.warn),
            mdCell(problemIds(n)),
          ]),
      ),
    )
  if (v.inputs.skipped)
    out.push(
      '',
      `## Skipped inputs (${v.inputs.skipped})`,
      '',
      ...table(
        ['Input', 'Why'],
        v.inputs.skippedInputs.slice(0, 200).map((s) => [mdCode(s.source), mdCell(s.reason)]),
      ),
    )
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}
