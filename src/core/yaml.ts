// YAML as hostile input: every YAML file the doctor reads (its config, the pipeline config, Kubernetes
// manifests) goes through here, so a crafted file is an answer — an error with its line and column —
// never a hang, a crash or an exhausted process:
// - nesting: the yaml library parses recursively; around a thousand flow levels it overflows the stack
//   (which it reports), and a few ten thousand (a 200 KB file) can kill the process inside V8. The depth is
//   measured first with the library's lexer, which is a loop, not a recursion.
// - duplicate keys: the library's own unique-key test compares every key with every other (minutes for a
//   large file, during which no timer fires); here it is one pass with a set.
// - aliases: a "billion laughs" expands exponentially; conversion stops after MAX_ALIASES expansions.
import { CST, isScalar, Lexer, LineCounter, parseAllDocuments, visit, type Document } from 'yaml'

/** Deeper than any real config, shallow enough for the parser's recursion. */
export const MAX_FLOW_DEPTH = 256
export const MAX_INDENT = 512
/** Alias expansions per document: a real file reusing one anchor a hundred times stays well under. */
export const MAX_ALIASES = 10_000

export interface YamlProblem {
  readonly ok: false
  readonly message: string
  readonly line: number
  readonly column: number
}

export interface YamlDocuments {
  readonly ok: true
  /** Documents with content (a trailing `---` or a file of comments has none). */
  readonly docs: readonly Document[]
  readonly lineCounter: LineCounter
  /** Each document as data, in order. */
  readonly values: readonly unknown[]
}

// The lexer's markers that stand for no source text.
const MARKERS = new Set<string>([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR])

type At = { message: string; offset: number }

/** Where the text nests deeper than a parser should follow, found before any parser follows it. */
function tooDeep(text: string): At | undefined {
  let offset = 0
  let lineStart = 0
  let flow = 0
  const block = (column: number, at: number): At | undefined =>
    column > MAX_INDENT ? { message: `it nests more than ${MAX_INDENT} columns deep`, offset: at } : undefined
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) continue
    const at = offset
    offset += token.length
    const type = CST.tokenType(token)
    let deep: At | undefined
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      if (++flow > MAX_FLOW_DEPTH)
        deep = { message: `it nests more than ${MAX_FLOW_DEPTH} brackets deep`, offset: at }
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1)
    else if (flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind'))
      deep = block(at - lineStart, at)
    else if (flow === 0 && type === 'space' && at === lineStart)
      deep = block(token.length - token.trimStart().length, at)
    if (deep) return deep
    const newline = token.lastIndexOf('\n')
    if (newline >= 0) lineStart = at + newline + 1
  }
  return undefined
}

/** A key defined twice in one mapping, which YAML loaders refuse. */
function duplicateKey(doc: Document): At | undefined {
  let dup: At | undefined
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue
        const key = String(pair.key.value)
        if (seen.has(key)) {
          dup = {
            message: `mapping key "${key}" is defined more than once`,
            offset: pair.key.range?.[0] ?? 0,
          }
          return visit.BREAK
        }
        seen.add(key)
      }
      return undefined
    },
  })
  return dup
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0]
      return visit.BREAK
    },
  })
  return offset
}

/** The document as data, or why its aliases cannot be resolved (pointing at the first alias). */
function toValue(doc: Document): { ok: true; value: unknown } | At {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown }
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e)
    const message = /excessive alias/i.test(text)
      ? `more than ${MAX_ALIASES} alias expansions (a YAML alias bomb), which YAML loaders refuse`
      : (text.split('\n')[0] as string)
    return { message, offset: firstAliasOffset(doc) ?? doc.range?.[0] ?? 0 }
  }
}

/** An empty document (a trailing `---`, only comments) is no document. */
const hasContent = (d: Document): boolean =>
  d.contents !== null && !(isScalar(d.contents) && d.contents.value === null)

/** Parses YAML text that may be hostile: the documents with their values, or the first problem and where. */
export function parseYaml(text: string): YamlDocuments | YamlProblem {
  const lineCounter = new LineCounter()
  const problem = (p: At): YamlProblem => {
    const pos = lineCounter.linePos(p.offset)
    return { ok: false, message: p.message, line: pos.line, column: pos.col }
  }
  const deep = tooDeep(text)
  if (deep) {
    // The line counter learns line starts from the parser, which must not run: count them here.
    lineCounter.addNewLine(0)
    for (const m of text.slice(0, deep.offset).matchAll(/\n/g)) lineCounter.addNewLine(m.index + 1)
    return problem({ message: `${deep.message}: not parsed`, offset: deep.offset })
  }
  const all = [...parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false })]
  const first = all.flatMap((d) => d.errors)[0]
  if (first) return problem({ message: first.message.split('\n')[0] as string, offset: first.pos[0] })
  const docs = all.filter(hasContent)
  const values: unknown[] = []
  for (const doc of docs) {
    const dup = duplicateKey(doc)
    if (dup) return problem(dup)
    const v = toValue(doc)
    if (!('ok' in v)) return problem(v)
    values.push(v.value)
  }
  return { ok: true, docs, lineCounter, values }
}
