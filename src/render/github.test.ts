import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { summarize, verdictLine } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import { command, escapeData, escapeProperty, renderGithub } from './github.js'

const report = sampleReport()
const lines = (text: string) => text.trimEnd().split('\n')

/** Decodes one workflow command the way the runner does. */
function parse(line: string) {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line)
  expect(m, line).not.toBeNull()
  const unData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  const unProp = (s: string) => unData(s.replace(/%3A/g, ':').replace(/%2C/g, ','))
  const props: Record<string, string> = {}
  for (const p of (m![2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = p.split('=') as [string, string]
    props[k] = unProp(v)
  }
  return { level: m![1]!, props, message: unData(m![3]!) }
}

describe('renderGithub', () => {
  const all = lines(renderGithub(report, { max: 100 })).map(parse)

  it('annotates fails as errors, warns and could-not-check as warnings, most severe first', () => {
    const annotations = all.filter((a) => a.level !== 'notice')
    expect(annotations.map((a) => [a.level, a.props.title])).toEqual([
      ['error', 'vault.capabilities'],
      ['error', 'k8s.refresh-interval'],
      ['error', 'k8s.refresh-interval'],
      ['error', 'node.env-file-perms'],
      ['error', 'node.env-file-perms'],
      ['warning', 'aws.identity'],
      ['warning', 'k8s.refresh-interval'],
      ['warning', 'node.clock-skew'],
      ['warning', 'vault.latency'],
    ])
    expect(annotations[5]!.message).toMatch(/^could not be checked: timed out after 5s/)
  })

  it('points at the file and line when there is one', () => {
    expect(all[0]!.props).toEqual({
      title: 'vault.capabilities',
      file: '/etc/vault/vault-agent.hcl',
      line: '27',
      col: '3',
    })
    expect(all[2]!.props).toEqual({
      title: 'k8s.refresh-interval',
      file: 'deploy/external-secrets.yaml',
      line: '31',
    })
    expect(all[3]!.props).toEqual({ title: 'node.env-file-perms', file: '/etc/expanso/pipeline.env' })
    expect(all.find((a) => a.props.title === 'vault.latency')!.props).toEqual({ title: 'vault.latency' })
  })

  it('carries the finding, its remedies with commands, and the explain pointer in the message', () => {
    expect(all[0]!.message.split('\n')).toEqual([
      'token cannot read secret/data/expanso/prod/pipeline (capabilities: deny)',
      'Documentation (Troubleshooting › Authentication Failures): “Confirm secret paths are correct” (auth.confirm-secret-paths)',
      '  $ vault policy read expanso-edge',
      'Documentation (Troubleshooting › Authentication Failures): “Verify IAM roles/policies are attached” (auth.verify-iam)',
      'Runbook: edge-secrets explain vault.capabilities',
    ])
  })

  it("marks the tool's own advice apart from the documentation's words", () => {
    const clock = all.find((a) => a.props.title === 'node.clock-skew')!
    expect(clock.message).toContain('edge-secrets advice: Synchronise the clock with NTP (node.sync-clock)')
    expect(clock.message).not.toContain('“')
  })

  it('ends with expired ignores and the verdict as notices', () => {
    const notices = all.filter((a) => a.level === 'notice')
    expect(notices.map((n) => n.props.title)).toEqual(['edge-secrets', 'edge-secrets'])
    expect(notices[0]!.message).toContain('ignore entry for vault.latency expired on 2026-10-31')
    expect(notices.at(-1)!.message).toBe(verdictLine(report))
  })

  it('caps annotations at 10 by default, with a pointer to the rest', () => {
    const many: CheckResult[] = Array.from({ length: 14 }, (_, i) => ({
      id: `vault.check-${String(i).padStart(2, '0')}`,
      title: 't',
      provider: 'vault',
      category: 'config',
      severity: 'high',
      status: 'fail',
      summary: `problem ${i}`,
      remedies: [],
      durationMs: 1,
    }))
    const big: Report = { ...report, checks: many, summary: summarize(many), expiredIgnores: [] }
    const out = lines(renderGithub(big))
    expect(out.filter((l) => l.startsWith('::error '))).toHaveLength(10)
    expect(out.at(-2)).toBe('::notice::4 more findings — see the full report')
    expect(out.at(-1)).toMatch(/^::notice title=edge-secrets::FAILING — 14 failed/)
  })

  it('honours max, failures first, and adds no pointer when nothing is left out', () => {
    const capped = lines(renderGithub(report, { max: 3 }))
    expect(capped.slice(0, 3).every((l) => l.startsWith('::error '))).toBe(true)
    expect(capped[3]).toBe('::notice::6 more findings — see the full report')
    expect(lines(renderGithub(report, { max: 0 }))[0]).toBe('::notice::9 more findings — see the full report')
    expect(renderGithub(report, { max: 9 })).not.toContain('more findings')
    expect(lines(renderGithub(report, { max: 8 }))).toContain(
      '::notice::1 more finding — see the full report',
    )
  })

  it('escapes messages and properties exactly as the runner expects', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b')
    expect(escapeProperty('C:\\a,b%\n')).toBe('C%3A\\a%2Cb%25%0A')
    expect(command('warning', 'm: 1%', { title: 'x:y,z', file: 'dir, with:colon/f.yaml', line: 3 })).toBe(
      '::warning title=x%3Ay%2Cz,file=dir%2C with%3Acolon/f.yaml,line=3::m: 1%25',
    )
    expect(command('notice', 'plain')).toBe('::notice::plain')
  })

  it('keeps every annotation on one line and free of escape codes', () => {
    const nasty: CheckResult = {
      ...report.checks.find((c) => c.id === 'aws.identity')!,
      summary: '\x1b[31mred\x1b[0m 50%\nsecond\r\nthird :: ,',
      location: { file: 'a,b:c.yaml', line: 2 },
    }
    const checks = [nasty]
    const out = renderGithub({ ...report, checks, summary: summarize(checks), expiredIgnores: [] })
    expect(out).not.toContain('\x1b')
    const [first] = lines(out)
    const a = parse(first!)
    expect(a.props).toEqual({ title: 'aws.identity', file: 'a,b:c.yaml', line: '2' })
    expect(a.message.split('\n')[0]).toBe('could not be checked: \\u001B[31mred\\u001B[0m 50%')
    expect(a.message).toContain('second\r\nthird :: ,')
    expect(lines(out)).toHaveLength(2)
  })

  it('a healthy report is just the verdict', () => {
    const pass = report.checks.filter((c) => c.status === 'pass')
    const healthy: Report = {
      ...report,
      checks: pass,
      summary: summarize(pass),
      exitCode: 0,
      expiredIgnores: [],
    }
    expect(renderGithub(healthy)).toBe(`::notice title=edge-secrets::${verdictLine(healthy)}\n`)
  })
})
