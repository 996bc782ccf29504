import { describe, expect, it } from 'vitest'
import type { CheckResult, Report } from '../core/report.js'
import { summarize } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import { junitErrors } from '../../test/helpers/ci-formats.js'
import { hasCommand } from '../../test/helpers/tools.js'
import { renderJunit, xmlAttr, xmlText } from './junit.js'

/**
 * A small well-formedness check (no XML parser is a dependency): balanced tags, quoted attributes, only the
 * predefined entities and numeric references, no character XML 1.0 forbids. Returns the attribute maps of
 * every element, in document order, for the assertions.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/)
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true)
  const body = xml.slice(xml.indexOf('?>') + 2).replace(/<!--([\s\S]*?)-->/g, (_, c: string) => {
    expect(c).not.toContain('--')
    return ''
  })
  const decode = (s: string) => {
    expect(s.replace(/&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, '')).not.toMatch(/[&<]/)
    return s
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&')
  }
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = []
  const stack: { name: string; text: string; index: number }[] = []
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/g
  for (const m of body.matchAll(token)) {
    const [, close, name, attrText, selfClose, text, stray] = m
    expect(stray, `stray < at ${m.index}`).toBeUndefined()
    if (text !== undefined) {
      const decoded = decode(text)
      if (stack.length) stack.at(-1)!.text += decoded
      else expect(text.trim()).toBe('')
      continue
    }
    if (close) {
      const open = stack.pop()
      expect(open?.name).toBe(name)
      elements[open!.index]!.text = open!.text
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of attrText!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      expect(attrs[a[1]!]).toBeUndefined()
      attrs[a[1]!] = decode(a[2]!)
    }
    elements.push({ name: name!, attrs, text: '' })
    if (!selfClose) stack.push({ name: name!, text: '', index: elements.length - 1 })
  }
  expect(stack).toEqual([])
  return elements
}

const report = sampleReport()
const xml = renderJunit(report)
const elements = parseXml(xml)
const byName = (name: string) => elements.filter((e) => e.name === name)
const testcase = (id: string) =>
  elements.findIndex((e) => e.name === 'testcase' && e.attrs.name?.startsWith(`${id}: `))
const childOf = (id: string) => elements[testcase(id) + 1]!

describe('renderJunit', () => {
  it('is well-formed, one testsuite per provider in provider order', () => {
    expect(byName('testsuites')).toHaveLength(1)
    expect(byName('testsuite').map((s) => s.attrs.name)).toEqual([
      'node',
      'vault',
      'aws',
      'kubernetes',
      'gcp',
      'azure',
    ])
  })

  it('counts per suite and times in seconds', () => {
    const vault = byName('testsuite').find((s) => s.attrs.name === 'vault')!
    expect(vault.attrs).toMatchObject({ tests: '5', failures: '1', errors: '0', skipped: '2', time: '1.829' })
    expect(byName('testsuites')[0]!.attrs.time).toBe('5.412')
    expect(elements[testcase('vault.latency')]!.attrs.time).toBe('1.804')
  })

  it('names testcases after provider and check', () => {
    const tc = elements[testcase('vault.capabilities')]!
    expect(tc.attrs.classname).toBe('edge-secrets.vault')
    expect(tc.attrs.name).toBe('vault.capabilities: Vault token can read every configured secret path')
    expect(byName('testcase')).toHaveLength(report.checks.length)
  })

  it('a fail is a <failure> typed by its finding key, listing findings, items and remedies', () => {
    const failure = childOf('k8s.refresh-interval')
    expect(failure.name).toBe('failure')
    expect(failure.attrs.message).toBe(
      '2 ExternalSecrets never refresh (refreshInterval: 0); 1 refreshes slower than rotation',
    )
    expect(failure.attrs.type).toBe('never')
    expect(failure.text).toContain(
      'expanso-system/kafka-creds — refreshInterval: 0 (deploy/external-secrets.yaml:31)',
    )
    expect(failure.text).toContain('refresh.check-interval — Check refresh interval configuration')
    expect(failure.text).toContain(
      `$ kubectl -n expanso-system patch externalsecret pipeline-creds --type merge -p '{"spec":{"refreshInterval":"1h"}}'`,
    )
    expect(failure.text).toContain('edge-secrets explain k8s.refresh-interval')
    expect(childOf('vault.capabilities').text).toContain('at /etc/vault/vault-agent.hcl:27:3')
  })

  it('an error is an <error>, a warn passes with its warning in <system-out>', () => {
    const error = childOf('aws.identity')
    expect(error.name).toBe('error')
    expect(error.attrs.message).toBe(
      'could not be checked: timed out after 5s waiting for sts.us-east-1.amazonaws.com',
    )
    const out = childOf('vault.latency')
    expect(out.name).toBe('system-out')
    expect(out.text).toMatch(/^WARNING: p95 720ms/)
    expect(out.text).toContain('latency.cache-locally — Cache secrets locally with appropriate TTL')
    expect(xml).not.toMatch(/<failure[^>]*>WARNING/)
  })

  it('a skip is <skipped message="reason: detail">, ignored ones say what they would have been', () => {
    expect(childOf('aws.secret-access').attrs.message).toBe('dependency-failed: aws.identity ended error')
    expect(childOf('azure.credentials').attrs.message).toBe('filtered: --skip azure.*')
    expect(childOf('vault.path-layout').attrs.message).toBe(
      'ignored: legacy staging path kept until the migration (would have been warn; ignored until 2027-03-31)',
    )
    expect(byName('skipped')).toHaveLength(6)
  })

  it('lists the identities, the start time and the gate as suite properties', () => {
    const props = byName('property')
    expect(props.filter((p) => p.attrs.name === 'identity').map((p) => p.attrs.value)).toEqual([
      'kubernetes-expanso-system-expanso-edge',
      'system:serviceaccount:expanso-system:expanso-doctor',
    ])
    // Every suite says when the run started (Surefire's XSD has no `timestamp` before 3.5.6) and its gate.
    const started = props.filter((p) => p.attrs.name === 'startedAt')
    expect(started).toHaveLength(byName('testsuite').length)
    expect(new Set(started.map((p) => p.attrs.value))).toEqual(new Set([report.startedAt]))
    expect(props.filter((p) => p.attrs.name === 'failOn').map((p) => p.attrs.value)[0]).toBe(report.failOn)
    expect(byName('testsuite').every((s) => s.attrs.timestamp === undefined)).toBe(true)
  })

  it('names the node and its labels as properties', () => {
    const r = { ...report, node: { hostname: 'edge-07', labels: { site: 'ams1', team: 'edge' } } }
    const els = parseXml(renderJunit(r)).filter((e) => e.name === 'property')
    const first = (name: string) => els.find((e) => e.attrs.name === name)?.attrs.value
    expect([first('hostname'), first('label.site'), first('label.team')]).toEqual(['edge-07', 'ams1', 'edge'])
  })

  it('with --fail-on warn a warning is a <failure>, counted, so the file agrees with the exit code', () => {
    const r: Report = { ...report, failOn: 'warn' }
    const els = parseXml(renderJunit(r))
    const tc = els.findIndex((e) => e.name === 'testcase' && e.attrs.name?.startsWith('vault.latency: '))
    expect(els[tc + 1]).toMatchObject({
      name: 'failure',
      attrs: {
        type: 'warning:slow',
        message: expect.stringMatching(/^warning \(--fail-on warn\): p95 720ms/),
      },
    })
    expect(els[tc + 1]!.text).toMatch(/^WARNING: /)
    const root = els.find((e) => e.name === 'testsuites')!
    expect(Number(root.attrs.failures)).toBe(report.summary.fail + report.summary.warn)
    const vault = els.find((e) => e.name === 'testsuite' && e.attrs.name === 'vault')!
    expect(vault.attrs.failures).toBe('2')
    expect(renderJunit(r)).not.toContain('<system-out>WARNING')
  })

  it('escapes markup, quotes, newlines and characters XML cannot carry', () => {
    const nasty: CheckResult = {
      ...report.checks.find((c) => c.id === 'vault.capabilities')!,
      title: `Tom & "Jerry" <b>'s</b>`,
      summary: 'line one\nline two\r\n\ttab \x00nul \x1b[31mred\x1b[0m \ud800 lone ]]> -- end',
      details: ['<![CDATA[ x ]]>', 'emoji 🔐 stays'],
    }
    const checks = [nasty]
    const r: Report = { ...report, checks, summary: summarize(checks), identities: [] }
    const out = renderJunit(r)
    const els = parseXml(out)
    const tc = els.find((e) => e.name === 'testcase')!
    expect(tc.attrs.name).toBe(`vault.capabilities: Tom & "Jerry" <b>'s</b>`)
    const failure = els.find((e) => e.name === 'failure')!
    // Attribute newlines and tabs survive as references; forbidden characters become visible escapes.
    expect(failure.attrs.message).toBe(
      'line one\nline two\r\n\ttab \\u0000nul \\u001B[31mred\\u001B[0m \\uD800 lone ]]> -- end',
    )
    expect(failure.text).toContain('<![CDATA[ x ]]>')
    expect(failure.text).toContain('emoji 🔐 stays')
    expect(out).not.toContain('\x1b')
  })

  it.skipIf(!hasCommand('xmllint'))(
    'is valid against junit-10.xsd and, suite by suite, the Surefire XSD',
    () => {
      expect(junitErrors(xml)).toEqual([])
      expect(
        junitErrors(renderJunit({ ...report, failOn: 'warn', node: { hostname: 'h', labels: { a: 'b' } } })),
      ).toEqual([])
      // What the schemas refuse, the check refuses: a count junit-10 does not know, a Surefire-3.5.5 attribute.
      expect(junitErrors(xml.replace('<testsuites ', '<testsuites skipped="6" ')).join()).toMatch(
        /junit-10\.xsd.*skipped/s,
      )
      expect(
        junitErrors(
          xml.replace('<testsuite name="vault"', '<testsuite timestamp="2026-11-27T10:00:00" name="vault"'),
        ).join(),
      ).toMatch(/surefire-test-report\.xsd.*timestamp/s)
    },
  )

  it('the well-formedness check itself catches broken XML', () => {
    const decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    expect(() => parseXml(`${decl}<a>&</a>`)).toThrow()
    expect(() => parseXml(`${decl}<a><b></a>`)).toThrow()
    expect(() => parseXml(`${decl}<a x="1" x="2"/>`)).toThrow()
    expect(() => parseXml(`${decl}<a>\x1b</a>`)).toThrow()
    expect(() => parseXml(`${decl}<a>1 < 2</a>`)).toThrow()
    expect(() => parseXml(`${decl}<a x="<"/>`)).toThrow()
  })

  it('exports the escapers', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c')
    expect(xmlAttr(`"'\n`)).toBe('&quot;&apos;&#10;')
  })

  it('an empty report is still a valid document', () => {
    const empty: Report = { ...report, checks: [], summary: summarize([]), identities: [] }
    const els = parseXml(renderJunit(empty))
    expect(els.map((e) => e.name)).toEqual(['testsuites'])
    // junit-10.xsd allows no `skipped` on <testsuites>.
    expect(els[0]!.attrs).toEqual({
      name: 'edge-secrets',
      tests: '0',
      failures: '0',
      errors: '0',
      time: expect.any(String),
    })
  })
})
