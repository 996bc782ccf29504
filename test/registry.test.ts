// Parity: check ids ↔ files ↔ tests ↔ remedies ↔ docs/checks.md ↔ the contract's ids. The failure messages
// say exactly what to do, so adding a check is one file, its test, and one line in its provider's index.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checks } from '../src/checks/index.js'
import type { Check } from '../src/core/check.js'
import { titleOf } from '../src/app/providers.js'
import { checkPrefix, providerIds } from '../src/providers/index.js'
import { catalogMarkdown } from '../src/render/catalog.js'
import { docRemedies, remedies } from '../src/remedies.js'
import { ROOT } from './helpers/cli.js'

/** Each provider's folder under src/checks and the prefix its check ids carry, from the registry. */
const FOLDER_PREFIX: Record<string, string> = Object.fromEntries(
  providerIds.map((id) => [id, checkPrefix(id)]),
)

interface ContractIds {
  checks: string[]
  remedies: { id: string; title: string; section: string }[]
}

const LIVE_CONTRACT = join(ROOT, '../shared/CONTRACT.md')
const LIVE_DOC = join(ROOT, '../shared/docs/external-secret-managers.txt')
const DOC_COPY = join(ROOT, 'test/fixtures/docs/external-secret-managers.txt')
const COPY = join(ROOT, 'test/fixtures/contract-ids.json')

/** The ids of CONTRACT §4 and §5, parsed from the contract text. */
function parseContract(contract: string): ContractIds {
  const section = (n: number) => contract.split(/\n## /).find((s) => s.startsWith(`${n}.`)) ?? ''
  const ids = [...section(4).matchAll(/`([a-z0-9.-]+)`/g)]
    .map((m) => m[1] as string)
    .filter(
      (t) =>
        /^[a-z0-9]+\.[a-z0-9-]+$/.test(t) && Object.values(FOLDER_PREFIX).includes(t.split('.')[0] as string),
    )
  const rems = [...section(5).matchAll(/^\| `([a-z.-]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => ({
    id: m[1] as string,
    title: m[2] as string,
    section: m[3] as string,
  }))
  return { checks: [...new Set(ids)], remedies: rems }
}

/** The contract beside the repo when it is there (a session, CI), else the copy kept in test/fixtures. */
function contractIds(): ContractIds {
  if (!existsSync(LIVE_CONTRACT)) return JSON.parse(readFileSync(COPY, 'utf8')) as ContractIds
  return parseContract(readFileSync(LIVE_CONTRACT, 'utf8'))
}

const isCheck = (v: unknown): v is Check =>
  !!v && typeof v === 'object' && 'id' in v && 'run' in v && 'findings' in v

describe('registry parity', () => {
  const contract = contractIds()

  it('every check file is registered, and every registered check has its file and test', async () => {
    const registered = new Set(checks.map((c) => c.id))
    const problems: string[] = []
    for (const [provider, prefix] of Object.entries(FOLDER_PREFIX)) {
      const dir = join(ROOT, 'src/checks', provider)
      if (!existsSync(dir)) continue
      for (const f of readdirSync(dir)) {
        if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f === 'index.ts') continue
        const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: unknown }
        if (!isCheck(mod.default)) continue
        const id = `${prefix}.${basename(f, '.ts')}`
        if (mod.default.id !== id)
          problems.push(`src/checks/${provider}/${f} declares id ${mod.default.id}; expected ${id}`)
        if (mod.default.provider !== provider)
          problems.push(`${id}: provider is ${mod.default.provider}, folder is ${provider}`)
        if (!registered.has(id))
          problems.push(
            `src/checks/${provider}/${f} is not registered: add it to src/checks/${provider}/index.ts`,
          )
        if (!existsSync(join(dir, f.replace(/\.ts$/, '.test.ts'))))
          problems.push(`${id} has no test: add src/checks/${provider}/${f.replace(/\.ts$/, '.test.ts')}`)
      }
    }
    for (const c of checks) {
      const file = join(ROOT, 'src/checks', c.provider, `${c.id.split('.').slice(1).join('.')}.ts`)
      if (!existsSync(file)) problems.push(`${c.id} is registered but ${file} does not exist`)
    }
    expect(problems).toEqual([])
  })

  it('ids are unique and needs point at real checks', () => {
    const ids = checks.map((c) => c.id)
    expect(ids.length).toBe(new Set(ids).size)
    const missing = checks.flatMap((c) =>
      (c.needs ?? []).filter((n) => !ids.includes(n)).map((n) => `${c.id} needs ${n}`),
    )
    expect(missing).toEqual([])
  })

  it('every finding maps to known remedies, and placeholders are single words', () => {
    const problems: string[] = []
    for (const c of checks) {
      if (!c.title || !c.description) problems.push(`${c.id}: title and description are required`)
      for (const [key, f] of Object.entries(c.findings)) {
        if (!f.remedies.length) problems.push(`${c.id}:${key} has no remedy`)
        for (const r of f.remedies)
          if (!(r in remedies)) problems.push(`${c.id}:${key} names unknown remedy ${r}`)
        for (const m of f.message.matchAll(/\{\{([^}]*)\}\}/g))
          if (!/^\s*[\w.-]+\s*$/.test(m[1] as string)) problems.push(`${c.id}:${key} placeholder {{${m[1]}}}`)
      }
    }
    expect(problems).toEqual([])
  })

  it("has every remedy of CONTRACT §5, in the documentation's words and section", () => {
    for (const r of contract.remedies) {
      const mine = (docRemedies as Record<string, { title: string; section: string; source: string }>)[r.id]
      expect(mine, r.id).toBeDefined()
      expect(mine?.title, r.id).toBe(r.title)
      expect(mine?.section, r.id).toBe(r.section)
      expect(mine?.source, r.id).toBe('doc')
    }
    for (const [id, r] of Object.entries(remedies))
      if (!(id in docRemedies)) expect(r.source, `${id} is beyond the documentation`).toBe('extended')
  })

  it('has every check id of CONTRACT §4 for each provider that has landed (node always)', () => {
    const have = new Set(checks.map((c) => c.id))
    const landed = new Set(['node', ...checks.map((c) => FOLDER_PREFIX[c.provider])])
    const missing = contract.checks.filter((id) => landed.has(id.split('.')[0] as string) && !have.has(id))
    expect(missing).toEqual([])
  })

  it('the contract lists are not empty: a parser that finds nothing must not pass everything', () => {
    expect(contract.checks.length).toBe(49)
    expect(contract.remedies.length).toBe(21)
    expect(checks.length).toBeGreaterThanOrEqual(49)
  })

  it.runIf(existsSync(LIVE_CONTRACT))('the vendored contract ids equal ../shared/CONTRACT.md', () => {
    const copy = JSON.parse(readFileSync(COPY, 'utf8')) as ContractIds
    expect({ checks: copy.checks, remedies: copy.remedies }).toEqual(contract)
  })

  it.runIf(existsSync(LIVE_DOC))('the vendored documentation equals ../shared/docs', () => {
    expect(readFileSync(DOC_COPY, 'utf8')).toBe(readFileSync(LIVE_DOC, 'utf8'))
  })

  it("every doc remedy's body and example are the documentation's own lines, in order", () => {
    const norm = (l: string) => l.trim().replace(/\s+/g, ' ')
    // The documentation's text file wraps one line after "interpolation (": read it as the sentence it is.
    const doc = readFileSync(existsSync(LIVE_DOC) ? LIVE_DOC : DOC_COPY, 'utf8')
      .replace(/\(\n/g, '(')
      .split('\n')
      .map(norm)
      .filter(Boolean)
    // Each line, in order; an excerpt may skip at most two lines (the closing braces of an enclosing block).
    const foundAt = (lines: string[]) =>
      doc.findIndex((first, i) => {
        if (first !== lines[0]) return false
        let at = i
        for (const l of lines.slice(1)) {
          const next = doc.slice(at + 1, at + 4).indexOf(l)
          if (next < 0) return false
          at += next + 1
        }
        return true
      })
    const problems: string[] = []
    for (const [id, r] of Object.entries(docRemedies) as [string, { body?: string; example?: string }][]) {
      for (const part of [r.body, r.example]) {
        if (!part) continue
        const lines = part.split('\n').map(norm).filter(Boolean)
        if (foundAt(lines) < 0)
          problems.push(`${id}: not found in the documentation as written:\n${lines.join('\n')}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('docs/checks.md is generated from the registry (run `npm run docs` after changing a check)', () => {
    const committed = readFileSync(join(ROOT, 'docs/checks.md'), 'utf8')
    expect(committed).toBe(catalogMarkdown(checks, titleOf))
  })
})
