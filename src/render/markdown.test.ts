import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { summarize, verdictLine } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import { mdCell, mdCode, mdText, renderMarkdown } from './markdown.js'

const report = sampleReport()
const md = renderMarkdown(report)

/** The part of the document under a `## Heading` (up to the next one). */
const section = (doc: string, heading: string) => doc.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
/** Under `### … <id> …` up to the next heading of level 2 or 3. */
const problem = (doc: string, id: string) => {
  const start = doc.indexOf(`\`${id}\` — `)
  expect(start, id).toBeGreaterThan(0)
  return doc.slice(start).split(/\n##/)[0]!
}
/** Cells of a markdown table row, honouring `\|` escapes. */
const cells = (row: string) =>
  row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim())

describe('renderMarkdown', () => {
  it('opens with the title and the verdict line', () => {
    expect(md.split('\n').slice(0, 3)).toEqual([
      '# edge-secrets doctor report',
      '',
      `**${verdictLine(report)}**`,
    ])
  })

  it('lists identities', () => {
    const rows = section(md, 'Identities')
      .split('\n')
      .filter((l) => l.startsWith('| '))
    expect(cells(rows[0]!)).toEqual(['Provider', 'Principal', 'Source', 'Policies', 'Expires'])
    expect(cells(rows[1]!)).toEqual([
      'vault',
      '`kubernetes-expanso-system-expanso-edge`',
      '',
      '`default`, `expanso-edge`',
      '2026-11-27T11:00:00.000Z',
    ])
    const none = renderMarkdown({ ...report, identities: [] })
    expect(section(none, 'Identities')).toContain('_No identity was established._')
  })

  it('tables every check with its status symbol and word', () => {
    const rows = section(md, 'Checks')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Status'))
    expect(rows.map((r) => cells(r).slice(0, 2))).toEqual(
      report.checks.map((c) => [
        { pass: '✔', warn: '‼', fail: '✖', error: '⊘', skip: '∅' }[c.status] + ` ${c.status}`,
        `\`${c.id}\``,
      ]),
    )
  })

  it('gives each problem a runbook section, most severe first', () => {
    const order = [...md.matchAll(/^### \S+ \w+ `([^`]+)`/gm)].map((m) => m[1])
    expect(order).toEqual([
      'vault.capabilities',
      'k8s.refresh-interval',
      'node.env-file-perms',
      'aws.identity',
      'node.clock-skew',
      'vault.latency',
    ])
  })

  it('a problem section has status, severity, details, findings, items, symptom, remedies and explain', () => {
    const s = problem(md, 'vault.capabilities')
    expect(s).toContain('**Status:** fail · **Severity:** critical')
    expect(s).toContain('- token policies: default, expanso-edge')
    expect(s).toContain('> **Symptom** (`permission-denied`): Error: permission denied fetching secret')
    expect(s).toContain(
      '- **no-read** (fail, critical): token cannot read secret/data/expanso/prod/pipeline (capabilities: deny) — `/etc/vault/vault-agent.hcl:27:3`',
    )
    expect(s).toContain(
      '1. “**Confirm secret paths are correct**” (`auth.confirm-secret-paths`) — _documentation, Troubleshooting › Authentication Failures_',
    )
    expect(s).toContain('   ```sh\n   vault policy read expanso-edge\n   ```')
    expect(s).toContain('Full runbook: `edge-secrets explain vault.capabilities`')

    const k8s = problem(md, 'k8s.refresh-interval')
    expect(k8s).toContain('> **Symptom** (`stale-secrets`): Old credentials still in use after rotation')
    expect(k8s).toContain(
      '  - `expanso-system/kafka-creds` — refreshInterval: 0 (`deploy/external-secrets.yaml:31`)',
    )
    expect(k8s).toContain('  - `expanso-system/db-creds` — refreshInterval: 48h')
    // Remedies of every finding, once each.
    expect(k8s.match(/\(`refresh\.check-interval`\)/g)).toHaveLength(1)
    expect(k8s).toContain('kubectl -n expanso-system rollout restart deployment/expanso-edge')

    expect(problem(md, 'vault.latency')).toContain(
      '> **Symptom** (`slow-startup`): Slow startup due to secret fetching',
    )
    // The tool's own advice is not dressed as a quotation.
    expect(problem(md, 'node.clock-skew')).toContain(
      '1. **Synchronise the clock with NTP** (`node.sync-clock`) — _edge-secrets advice (Clock)_',
    )
    expect(problem(md, 'aws.identity')).toContain('Could not be checked: timed out after 5s')
  })

  it('lists skipped checks with their reasons, and expired ignore entries', () => {
    const skipped = section(md, 'Skipped')
    expect(skipped).toContain('| `aws.secret-access` | dependency-failed | aws.identity ended error |')
    expect(skipped).toContain(
      '| `vault.path-layout` | ignored | legacy staging path kept until the migration (would have been warn; ignored until 2027-03-31) |',
    )
    expect(skipped).toContain('| `azure.credentials` | filtered | --skip azure.\\* |')
    expect(section(md, 'Expired ignore entries')).toContain(
      '| `vault.latency` | known slow link until the new region | 2026-10-31 |',
    )
  })

  it('says when the run was interrupted', () => {
    expect(md).not.toContain('Interrupted')
    expect(renderMarkdown(sampleReport({ interrupted: true }))).toContain(
      '> **Interrupted:** the run was cut short; unfinished checks ended as `error`.',
    )
  })

  it('leaves out empty sections', () => {
    const pass = report.checks.filter((c) => c.status === 'pass')
    const healthy = renderMarkdown({ ...report, checks: pass, summary: summarize(pass), expiredIgnores: [] })
    expect(healthy).not.toContain('## Problems')
    expect(healthy).not.toContain('## Skipped')
    expect(healthy).not.toContain('## Expired ignore entries')
    expect(healthy).toMatch(/\n$/)
    expect(healthy).not.toMatch(/\n\n\n/)
  })

  it('escapes table cells and markdown in text, and fences commands that contain backticks', () => {
    const nasty: CheckResult = {
      ...report.checks.find((c) => c.id === 'vault.capabilities')!,
      summary: '# a | b *c* <img src=x> [l](u)\nsecond line',
      remedies: [
        {
          id: 'auth.confirm-secret-paths',
          title: 'Confirm | paths',
          source: 'doc',
          section: 'S',
          commands: ['echo ```x``` | tr a b', 'two\nlines'],
        },
      ],
      findings: [],
    }
    const checks = [nasty]
    const doc = renderMarkdown({ ...report, checks, summary: summarize(checks) } satisfies Report)
    const row = section(doc, 'Checks')
      .split('\n')
      .find((l) => l.includes('vault.capabilities'))!
    expect(cells(row)).toHaveLength(3)
    expect(row).toContain('| # a \\| b \\*c\\* \\<img src=x\\> \\[l\\](u)<br>second line')
    // Outside a table a leading # must not become a heading.
    expect(doc).toContain('\n\\# a \\| b')
    expect(doc).toContain('   ````sh\n   echo ```x``` | tr a b\n   two\n   lines\n   ````')
  })

  it('exports escapers that keep text literal', () => {
    expect(mdText('a_b*c`d')).toBe('a\\_b\\*c\\`d')
    expect(mdCell('x|y\nz')).toBe('x\\|y<br>z')
    expect(mdCode('a`b')).toBe('``a`b``')
    expect(mdCode('`edge`')).toBe('`` `edge` ``')
    expect(mdText('\x1b[31m')).toBe('\\\\u001B\\[31m')
  })
})
