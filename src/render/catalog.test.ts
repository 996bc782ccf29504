import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checks } from '../checks/index.js'
import { ROOT } from '../../test/helpers/cli.js'
import {
  checkAnchor,
  explainCheck,
  explainCheckJson,
  explainRemedyJson,
  explainSymptomJson,
  scenarioListText,
  scenarioRow,
} from './catalog.js'
import { githubAnchor } from './located.js'

describe('catalogue anchors', () => {
  it("every check's anchor is a heading GitHub renders in docs/checks.md", () => {
    const md = readFileSync(join(ROOT, 'docs/checks.md'), 'utf8')
    // GitHub numbers repeated headings (-1, -2 …); the anchors must be the first, unnumbered ones.
    const seen = new Map<string, number>()
    const anchors = new Set<string>()
    for (const m of md.matchAll(/^#{1,6} (.+)$/gm)) {
      const base = githubAnchor(m[1]!.replace(/`/g, ''))
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      anchors.add(n ? `${base}-${n}` : base)
    }
    for (const c of checks) expect(anchors, c.id).toContain(checkAnchor(c))
  })
})

describe('explain', () => {
  const tls = checks.find((c) => c.id === 'vault.tls')!

  it('marks the documentation apart from the tool’s advice', () => {
    const text = explainCheck(checks.find((c) => c.id === 'vault.capabilities')!)
    expect(text).toMatch(/→ auth\.confirm-secret-paths: “Confirm secret paths are correct” \(documentation: /)
    expect(explainCheck(tls)).toMatch(/\(edge-secrets advice: /)
  })

  it('--json: the same runbook as data, for a check, a remedy and a symptom', () => {
    const check = explainCheckJson(tls)
    expect(check).toMatchObject({
      kind: 'check',
      id: 'vault.tls',
      provider: 'vault',
      needs: ['vault.address'],
    })
    expect(check.findings.map((f) => f.key)).toEqual(Object.keys(tls.findings))
    expect(check.remedies.every((r) => r.source === 'doc' || r.source === 'extended')).toBe(true)
    const remedy = explainRemedyJson('bp.least-privilege', checks)
    expect(remedy).toMatchObject({ kind: 'remedy', source: 'doc', section: 'Best Practices 2' })
    expect(remedy.suggestedBy).toContain('aws.secret-access')
    const symptom = explainSymptomJson('permission-denied', checks)
    expect(symptom).toMatchObject({ kind: 'symptom', text: 'Error: permission denied fetching secret' })
    expect(symptom.findings.length).toBeGreaterThan(0)
  })
})

describe('demo --list', () => {
  it('groups scenarios by provider, marks each healthy or broken, one line each', () => {
    const facts = (name: string, exitCode: number, status: string, description: string) => ({
      name,
      description,
      providers: [name.split('-')[0]!],
      exitCode,
      expect: { 'x.y': { status } },
    })
    const rows = [
      facts('node-healthy', 0, 'pass', 'all good'),
      facts('vault-sealed', 1, 'fail', 'Vault is sealed'),
      facts('node-broken', 0, 'warn', 'a var set nowhere'),
    ].map(scenarioRow)
    // A warning with exit 0 is still a failure mode shown, not a healthy deployment.
    expect(rows.map((r) => r.status)).toEqual(['healthy', 'broken', 'broken'])
    const text = scenarioListText(rows, (p) => ({ node: 'Node', vault: 'HashiCorp Vault' })[p] ?? p)
    expect(text).toBe(
      [
        'Node',
        '  node-healthy  healthy  all good',
        '  node-broken   broken   a var set nowhere',
        '',
        'HashiCorp Vault',
        '  vault-sealed  broken   Vault is sealed',
        '',
        '3 scenarios (1 healthy, 2 broken). Run one: edge-secrets demo NAME',
        '',
      ].join('\n'),
    )
  })
})
