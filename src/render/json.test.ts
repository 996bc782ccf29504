import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import { renderJson } from './json.js'

const report = sampleReport()
const text = renderJson(report)

describe('renderJson', () => {
  it('is exactly one document, 2-space indented, ending in a newline', () => {
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,')
    expect(() => JSON.parse(text)).not.toThrow()
  })

  it('round-trips the report unchanged', () => {
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)))
  })

  it('lists fields in the contract order, whatever order the report was built in', () => {
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as unknown as Report
    const doc = JSON.parse(renderJson(shuffled)) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual([
      'schemaVersion',
      'tool',
      'startedAt',
      'durationMs',
      'summary',
      'exitCode',
      'failOn',
      'identities',
      'checks',
      'expiredIgnores',
    ])
    const checks = doc.checks as Record<string, unknown>[]
    const cap = checks.find((c) => c.id === 'vault.capabilities')!
    expect(Object.keys(cap)).toEqual([
      'id',
      'title',
      'provider',
      'category',
      'severity',
      'status',
      'summary',
      'details',
      'symptom',
      'findings',
      'remedies',
      'durationMs',
    ])
    expect(Object.keys(doc.summary as object)).toEqual(['total', 'pass', 'warn', 'fail', 'error', 'skip'])
  })

  it('keeps optional fields out when unset, and shows them when set', () => {
    const plain: CheckResult = { ...report.checks[0]!, details: undefined, findings: undefined }
    const doc = JSON.parse(renderJson({ ...report, checks: [plain], interrupted: true })) as Record<
      string,
      unknown
    >
    const check = (doc.checks as Record<string, unknown>[])[0]!
    expect('details' in check).toBe(false)
    expect('findings' in check).toBe(false)
    expect(doc.interrupted).toBe(true)
    expect(Object.keys(doc).indexOf('interrupted')).toBe(Object.keys(doc).indexOf('failOn') + 1)
  })

  it('escapes control characters instead of emitting them', () => {
    const tainted = { ...report, checks: [{ ...report.checks[0]!, summary: '\x1b[31mred\x1b[0m' }] }
    const out = renderJson(tainted)
    expect(out).not.toContain('\x1b')
    expect(out).toContain('"summary": "\\u001b[31mred\\u001b[0m"')
  })
})
