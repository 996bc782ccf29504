// Every format is a pure function of the same Report, so they must agree on the counts and the verdict.
import { describe, expect, it } from 'vitest'
import { verdictLine, verdictOf, type Report, type Summary } from '../core/report.js'
import { sampleCatalog, sampleReport } from '../../test/fixtures/report.js'
import { renderCodeClimate } from './codeclimate.js'
import { renderGithub } from './github.js'
import { renderJson } from './json.js'
import { renderJunit } from './junit.js'
import { renderMarkdown } from './markdown.js'
import { renderSarif } from './sarif.js'

const report = sampleReport()
const expected: Summary = { total: 15, pass: 3, warn: 2, fail: 3, error: 1, skip: 6 }

function renderAll(r: Report) {
  return {
    json: renderJson(r),
    junit: renderJunit(r),
    sarif: renderSarif(r, sampleCatalog()),
    markdown: renderMarkdown(r),
    github: renderGithub(r, { max: Infinity }),
    codeclimate: renderCodeClimate(r),
  }
}

const out = renderAll(report)

const attr = (tag: string, name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(tag)?.[1])

describe('every format tells the same story', () => {
  it('the fixture has something of everything', () => {
    expect(report.summary).toEqual(expected)
    expect(verdictOf(report.summary)).toBe('failing')
    expect(report.exitCode).toBe(1)
  })

  it('json', () => {
    const doc = JSON.parse(out.json) as Report
    expect(doc.summary).toEqual(expected)
    expect(doc.exitCode).toBe(1)
    expect(verdictLine(doc)).toBe(verdictLine(report))
  })

  it('junit', () => {
    const root = /<testsuites [^>]*>/.exec(out.junit)![0]
    expect(attr(root, 'tests')).toBe(expected.total)
    expect(attr(root, 'failures')).toBe(expected.fail)
    expect(attr(root, 'errors')).toBe(expected.error)

    const suites = [...out.junit.matchAll(/<testsuite [^>]*>/g)].map((m) => m[0])
    const sum = (name: string) => suites.reduce((n, s) => n + attr(s, name), 0)
    expect([sum('tests'), sum('failures'), sum('errors'), sum('skipped')]).toEqual([
      expected.total,
      expected.fail,
      expected.error,
      expected.skip,
    ])
    expect(out.junit.match(/<testcase /g)).toHaveLength(expected.total)
    expect(out.junit.match(/<failure /g)).toHaveLength(expected.fail)
    expect(out.junit.match(/<error /g)).toHaveLength(expected.error)
    expect(out.junit.match(/<skipped /g)).toHaveLength(expected.skip)
    expect(out.junit.match(/<system-out>WARNING/g)).toHaveLength(expected.warn)
    expect(out.junit).toContain(verdictLine(report))
  })

  it('sarif', () => {
    const log = JSON.parse(out.sarif) as {
      runs: {
        results: { ruleId: string; level: string; suppressions?: unknown[]; properties: { status: string } }[]
        invocations: { exitCode: number; exitCodeDescription: string }[]
        properties: { summary: Summary; verdict: string }
      }[]
    }
    const run = log.runs[0]!
    const active = run.results.filter((r) => !r.suppressions)
    const checksWith = (status: string) =>
      new Set(active.filter((r) => r.properties.status === status).map((r) => r.ruleId))
    expect(checksWith('fail').size).toBe(expected.fail)
    expect(checksWith('warn').size).toBe(expected.warn)
    expect(checksWith('error').size).toBe(expected.error)
    // A failing check is at least one error-level result; an error check only ever a note.
    for (const id of checksWith('fail'))
      expect(active.some((r) => r.ruleId === id && r.level === 'error')).toBe(true)
    expect(active.filter((r) => r.level === 'note')).toHaveLength(expected.error)
    expect(run.properties.summary).toEqual(expected)
    expect(run.properties.verdict).toBe('failing')
    expect(run.invocations[0]!.exitCode).toBe(1)
    expect(run.invocations[0]!.exitCodeDescription).toBe(verdictLine(report))
  })

  it('markdown', () => {
    const md = out.markdown
    const count = (symbolWord: string) =>
      Number(new RegExp(`^\\| ${symbolWord} \\| (\\d+) \\|$`, 'm').exec(md)?.[1])
    expect(count('✔ pass')).toBe(expected.pass)
    expect(count('‼ warn')).toBe(expected.warn)
    expect(count('✖ fail')).toBe(expected.fail)
    expect(count('⊘ error')).toBe(expected.error)
    expect(count('∅ skip')).toBe(expected.skip)
    expect(md).toMatch(new RegExp(`^\\| \\*\\*total\\*\\* \\| \\*\\*${expected.total}\\*\\* \\|$`, 'm'))
    // The checks table has one row per check.
    const checksTable = md.split('## Checks')[1]!.split('\n## ')[0]!
    expect(checksTable.match(/^\| [✔‼✖⊘∅] \w+ \| `/gm)).toHaveLength(expected.total)
    // One runbook section per problem.
    expect(md.match(/^### /gm)).toHaveLength(expected.fail + expected.warn + expected.error)
    expect(md.match(/^### ✖ FAIL/gm)).toHaveLength(expected.fail)
    expect(md.match(/^### ‼ WARN/gm)).toHaveLength(expected.warn)
    expect(md.match(/^### ⊘ ERROR/gm)).toHaveLength(expected.error)
    expect(md).toContain(`**${verdictLine(report)}**`)
  })

  it('github', () => {
    const lines = out.github.trimEnd().split('\n')
    const titles = (level: string) =>
      new Set(lines.filter((l) => l.startsWith(`::${level} `)).map((l) => /title=([^,:]+)/.exec(l)![1]))
    expect(titles('error').size).toBe(expected.fail)
    // Warnings carry the warn checks and the ones that could not be checked (and a fail check's warn finding).
    const warned = lines.filter((l) => l.startsWith('::warning '))
    expect(warned.filter((l) => l.includes('::could not be checked:'))).toHaveLength(expected.error)
    const warnOnly = [...titles('warning')].filter((t) => !titles('error').has(t))
    expect(warnOnly).toHaveLength(expected.warn + expected.error)
    expect(lines.at(-1)).toBe(`::notice title=edge-secrets::${verdictLine(report)}`)
  })

  it('codeclimate', () => {
    const issues = JSON.parse(out.codeclimate) as { check_name: string }[]
    // Every check that failed, warned or could not be checked is an issue; ignored ones are not.
    expect(new Set(issues.map((i) => i.check_name)).size).toBe(expected.fail + expected.warn + expected.error)
  })

  it('the verdict follows the counts, not the gate, in every format', () => {
    const lenient = sampleReport({ failOn: 'never' })
    expect(lenient.exitCode).toBe(0)
    const all = renderAll(lenient)
    const line = verdictLine(lenient)
    expect(line).toMatch(/^FAILING — .* → exit 0$/)
    expect(all.junit).toContain(line)
    expect(all.markdown).toContain(line)
    expect(all.github).toContain(line)
    expect(JSON.parse(all.sarif).runs[0].invocations[0].exitCodeDescription).toBe(line)
    expect(JSON.parse(all.json).exitCode).toBe(0)
  })

  it('no format carries ANSI escape codes, even when a result does', () => {
    const tainted = sampleReport({
      checks: report.checks.map((c) => ({
        ...c,
        summary: `\x1b[31m${c.summary}\x1b[0m`,
        details: [...(c.details ?? []), '\x1b[1mbold\x1b[22m'],
      })),
    })
    for (const r of [report, tainted]) {
      for (const [format, text] of Object.entries(renderAll(r))) {
        expect(text, format).not.toContain('\x1b')
        expect(text.endsWith('\n'), format).toBe(true)
      }
    }
  })
})
