// The shape DESIGN.md asks for, kept by a test rather than by good intentions:
// - core/ and render/ import no provider (and core imports nothing outside core but the remedy catalogue);
// - a check imports its own provider's folder only (its API types and model), never another provider's;
// - a simulator imports nothing from the product it is meant to catch bugs in (providers, checks);
// - the import graph has no cycle (type-only imports included);
// - no function in src/providers or src/sandbox is longer than about 80 lines (data tables are not functions).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.js'

const SRC = join(ROOT, 'src')
const MAX_FUNCTION_LINES = 80

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : []
  })
}

const files = walk(SRC)
const rel = (p: string) => relative(SRC, p).replace(/\\/g, '/')

/** Relative imports of a file (static, dynamic and type-only), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))
    out.push(rel(target))
  }
  return out
}

const graph = new Map(files.map((f) => [rel(f), importsOf(f)]))

describe('architecture', () => {
  it('core and render import no provider, check, sandbox or app module', () => {
    const bad: string[] = []
    for (const [from, tos] of graph) {
      if (!from.startsWith('core/') && !from.startsWith('render/')) continue
      for (const to of tos)
        if (/^(providers|checks|sandbox|app|commands)\//.test(to)) bad.push(`${from} → ${to}`)
    }
    expect(bad).toEqual([])
  })

  it("a check imports its own provider's folder only", () => {
    // The Vault agent's HCL sits on the node: the node checks read its sinks and templates through the
    // Vault model (a pure parser), never through the Vault API.
    // Every check is handed the node's API too (the shared node facts), so its types are everyone's.
    const allowed = (provider: string, to: string) =>
      to.startsWith(`providers/${provider}/`) ||
      to === 'providers/index.ts' ||
      to === 'providers/node/api.ts' ||
      (provider === 'node' && to === 'providers/vault/agent-config.ts')
    const bad: string[] = []
    for (const [from, tos] of graph) {
      const m = /^checks\/([^/]+)\//.exec(from)
      if (!m) continue
      for (const to of tos)
        if (to.startsWith('providers/') && !allowed(m[1] as string, to)) bad.push(`${from} → ${to}`)
    }
    expect(bad).toEqual([])
  })

  it('simulators share no logic with the clients they test', () => {
    const bad: string[] = []
    for (const [from, tos] of graph) {
      // Scenarios are data about a deployment (which providers it involves); the simulators are the servers.
      if (!from.startsWith('sandbox/') || /^sandbox\/(scenarios\/|scenario\.ts|run-scenario\.ts)/.test(from))
        continue
      for (const to of tos) if (/^(providers|checks)\//.test(to)) bad.push(`${from} → ${to}`)
    }
    expect(bad).toEqual([])
  })

  it('the import graph has no cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const stack: string[] = []
    const visit = (n: string) => {
      if (state.get(n) === 'done') return
      if (state.get(n) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '))
        return
      }
      state.set(n, 'visiting')
      stack.push(n)
      for (const m of graph.get(n) ?? []) if (graph.has(m)) visit(m)
      stack.pop()
      state.set(n, 'done')
    }
    for (const n of graph.keys()) visit(n)
    expect(cycles).toEqual([])
  })

  it(`no function in src/providers or src/sandbox is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = []
    for (const file of files) {
      const r = rel(file)
      if (!r.startsWith('providers/') && !r.startsWith('sandbox/')) continue
      const text = readFileSync(file, 'utf8')
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = sf.getLineAndCharacterOfPosition(node.getStart()).line
          const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line
          const lines = end - start + 1
          if (lines > MAX_FUNCTION_LINES) {
            const name =
              (node as ts.FunctionDeclaration).name?.getText() ??
              (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : undefined) ??
              (ts.isPropertyAssignment(node.parent) ? node.parent.name.getText() : '(anonymous)')
            long.push(`${r}:${start + 1} ${name}: ${lines} lines`)
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
    expect(long).toEqual([])
  })
})
