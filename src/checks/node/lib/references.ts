// How the edge agent reads its pipeline config: Bento-style YAML whose strings may carry `${VAR}` /
// `${VAR:default}` (resolved once, at start-up, from the environment) and Bloblang whose `env("VAR")` reads
// the environment too. `${! … }` is a Bloblang interpolation, and `${{…}}` and `$${…}` are escaped literals:
// none is an env reference by itself, though an `env("VAR")` inside a Bloblang interpolation is.
// The file is hostile input like any other: several documents, aliases that expand exponentially and
// aliases without an anchor are answers (a finding), never an exception.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml'
import { parseYaml } from '../../../core/yaml.js'

export interface EnvReference {
  readonly name: string
  /** Present when the reference is `${VAR:default}` (possibly empty): the var may then be unset. */
  readonly default?: string
  /** 1-based position of the reference in the file. */
  readonly line: number
  readonly column: number
  /** Where in the document: `config.input.kafka.sasl.user`, `config.pipeline.processors[0].mapping`. */
  readonly path: string
  readonly form: 'interpolation' | 'bloblang'
}

export type PipelineShape = 'bare' | 'jobspec'

export type ParsedPipeline =
  | {
      readonly ok: true
      readonly shape: PipelineShape | undefined
      /** Why the document is neither shape (set when `shape` is undefined). */
      readonly shapeProblem?: string
      readonly references: readonly EnvReference[]
      /** Documents with content; a pipeline config is one. */
      readonly documents: number
      /** Where the second document with content starts (its `---`), when there is one. */
      readonly secondDocumentLine?: number
    }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number }

export class PipelineSyntaxError extends Error {
  override readonly name = 'PipelineSyntaxError'
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${message}`)
  }
}

// Bento's own pattern: names of letters, digits, `_` and `.`; a default runs to the closing brace and may
// itself hold a `${…}`. The lookahead leaves out `${!` (Bloblang) and `${{` (escaped literal); the run of
// `$` before it must be odd, since `$$` stands for a literal `$` (so `$${VAR}` is the text `${VAR}`).
const INTERPOLATION = /(?<!\$)((?:\$\$)*)\$\{(?![!{])([A-Za-z0-9_.]+)(?::((?:\$\{[^}]*\}|[^}])*))?\}/g
// Bloblang's env function, positional or named argument.
const BLOBLANG_ENV = /\benv\(\s*(?:name\s*:\s*)?(["'])([A-Za-z0-9_.]+)\1\s*\)/g

/** The `path` of a reference found in a comment or a key rather than in a value. */
export const OUTSIDE_VALUES = '(a comment or key)'

const BENTO_SECTIONS = ['input', 'pipeline', 'output'] as const

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

type Found = { index: number; raw: string; ref: Omit<EnvReference, 'line' | 'column'> }

/** The `${VAR}` references in a string, each with its offset and the text that makes it. */
function interpolations(value: string, path: string): Found[] {
  return [...value.matchAll(INTERPOLATION)].map((m) => {
    const escapes = m[1] as string
    return {
      index: m.index + escapes.length,
      raw: m[0].slice(escapes.length),
      ref: {
        name: m[2] as string,
        ...(m[3] !== undefined ? { default: m[3] } : {}),
        path,
        form: 'interpolation' as const,
      },
    }
  })
}

const bloblangEnv = (value: string, path: string): Found[] =>
  [...value.matchAll(BLOBLANG_ENV)].map((m) => ({
    index: m.index,
    raw: m[0],
    ref: { name: m[2] as string, path, form: 'bloblang' as const },
  }))

/** Parses the pipeline config: YAML errors with their position, the document's shape, its env references. */
export function parsePipelineConfig(text: string): ParsedPipeline {
  const parsed = parseYaml(text)
  if (!parsed.ok) return parsed
  const at = (offset: number) => {
    const p = parsed.lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  const references = findReferences(text, parsed.docs, at)
  const shape = shapeOf(parsed.values[0] ?? null)
  const second = parsed.docs[1]?.range?.[0]
  return {
    ok: true,
    ...(typeof shape === 'string' ? { shape } : { shape: undefined, shapeProblem: shape.problem }),
    references,
    documents: parsed.docs.length,
    ...(second !== undefined ? { secondDocumentLine: at(second).line } : {}),
  }
}

/** References in the documents' values, then (as Bento substitutes the raw text) in comments and keys. */
function findReferences(
  text: string,
  docs: readonly Document[],
  at: (offset: number) => { line: number; column: number },
): EnvReference[] {
  const references: EnvReference[] = []
  const covered: [number, number][] = []
  docs.forEach((doc, i) =>
    walk(doc.contents as Node | null, [], (value, node, where) => {
      const path = i ? `document ${i + 1}, ${where}` : where
      const range = node.range
      if (range) covered.push([range[0], range[1]])
      const source = range ? text.slice(range[0], range[1]) : ''
      const found = [...interpolations(value, path), ...bloblangEnv(value, path)].sort(
        (a, b) => a.index - b.index,
      )
      let from = 0
      for (const f of found) {
        const pos = source.indexOf(f.raw, from)
        // A double-quoted scalar with escapes may not contain the reference verbatim: point at the scalar.
        if (pos >= 0) from = pos + f.raw.length
        references.push({ ...f.ref, ...at((range?.[0] ?? 0) + Math.max(pos, 0)) })
      }
    }),
  )
  // Scalars do not overlap, and matches come in text order: one sweep tells which are outside every value
  // (a test per match against every scalar would be quadratic in a large file).
  covered.sort((a, b) => a[0] - b[0])
  let j = 0
  for (const f of interpolations(text, OUTSIDE_VALUES)) {
    while (j < covered.length && (covered[j] as [number, number])[1] <= f.index) j++
    const scalar = covered[j]
    if (scalar && scalar[0] <= f.index) continue
    references.push({ ...f.ref, ...at(f.index) })
  }
  return references.sort((a, b) => a.line - b.line || a.column - b.column)
}

/** Every env reference in a pipeline config; throws a PipelineSyntaxError (file:line:col) on invalid YAML. */
export function extractReferences(text: string, file: string): EnvReference[] {
  const parsed = parsePipelineConfig(text)
  if (!parsed.ok) throw new PipelineSyntaxError(parsed.message, file, parsed.line, parsed.column)
  return [...parsed.references]
}

function walk(
  node: Node | null | undefined,
  path: readonly (string | number)[],
  onScalar: (value: string, node: Node, path: string) => void,
): void {
  if (!node) return
  if (isScalar(node)) {
    if (typeof node.value === 'string') onScalar(node.value, node, formatPath(path))
    return
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      walk(pair.value as Node | null, [...path, key], onScalar)
    }
    return
  }
  if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node | null, [...path, i], onScalar))
}

const formatPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg),
    '',
  ) || '(document)'

function shapeOf(doc: unknown): PipelineShape | { problem: string } {
  if (doc === null || doc === undefined) return { problem: 'the file is empty' }
  if (!isRecord(doc)) return { problem: 'the top level is not a mapping' }
  const hasSections = (o: Record<string, unknown>) => BENTO_SECTIONS.some((k) => k in o)
  if ('config' in doc || 'type' in doc) {
    if (doc.type !== 'pipeline')
      return {
        problem:
          doc.type === undefined
            ? 'it has `config:` but no `type: pipeline`'
            : `its type is \`${String(doc.type)}\`, not \`pipeline\``,
      }
    if (!isRecord(doc.config)) return { problem: '`config:` is not a mapping' }
    if (!hasSections(doc.config)) return { problem: '`config:` has none of input, pipeline, output' }
    return 'jobspec'
  }
  if (hasSections(doc)) return 'bare'
  const keys = Object.keys(doc)
  return {
    problem: `it has none of input, pipeline, output${keys.length ? ` (top-level keys: ${keys.slice(0, 8).join(', ')})` : ''}`,
  }
}

export interface ReferencedVar {
  readonly name: string
  /** The first reference to it. */
  readonly first: EnvReference
  /** The first reference without a default: the var must then be set. Undefined when every one has a default. */
  readonly required?: EnvReference
  readonly count: number
}

/** Distinct names in first-seen order. A var with a default in one place but not another is required. */
export function referencedVars(refs: readonly EnvReference[]): ReferencedVar[] {
  const out = new Map<string, { name: string; first: EnvReference; required?: EnvReference; count: number }>()
  for (const r of refs) {
    const seen = out.get(r.name) ?? { name: r.name, first: r, count: 0 }
    seen.count++
    if (r.default === undefined && !seen.required) seen.required = r
    out.set(r.name, seen)
  }
  return [...out.values()]
}

/** Where a reference is, for messages: `config.input.kafka.sasl.user (line 12)`. */
export function describeReference(r: EnvReference): string {
  if (r.path === OUTSIDE_VALUES) return `a comment or key on line ${r.line} (Bento substitutes it there too)`
  return `${r.form === 'bloblang' ? 'env() in ' : ''}${r.path} (line ${r.line})`
}
