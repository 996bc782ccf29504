// How the edge agent reads its pipeline config: Bento-style YAML whose strings may carry `${VAR}` /
// `${VAR:default}` (resolved once, at start-up, from the environment) and Bloblang whose `env("VAR")` reads
// the environment too. `${! … }` is a Bloblang interpolation and `${{…}}` an escaped literal: neither is an
// env reference by itself, though an `env("VAR")` inside a Bloblang interpolation is.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

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
// itself hold a `${…}`. The lookahead leaves out `${!` (Bloblang) and `${{` (escaped literal).
const INTERPOLATION = /\$\{(?![!{])([A-Za-z0-9_.]+)(?::((?:\$\{[^}]*\}|[^}])*))?\}/g
// Bloblang's env function, positional or named argument.
const BLOBLANG_ENV = /\benv\(\s*(?:name\s*:\s*)?(["'])([A-Za-z0-9_.]+)\1\s*\)/g

/** The `path` of a reference found in a comment or a key rather than in a value. */
export const OUTSIDE_VALUES = '(a comment or key)'

const BENTO_SECTIONS = ['input', 'pipeline', 'output'] as const

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses the pipeline config: YAML errors with their position, the document's shape, its env references. */
export function parsePipelineConfig(text: string): ParsedPipeline {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const first = doc.errors[0]
  if (first) {
    const pos = lineCounter.linePos(first.pos[0])
    return { ok: false, message: first.message.split('\n')[0] as string, line: pos.line, column: pos.col }
  }
  const references: EnvReference[] = []
  const covered: [number, number][] = []
  walk(doc.contents as Node | null, [], (value, node, path) => {
    const range = node.range
    if (range) covered.push([range[0], range[1]])
    const source = range ? text.slice(range[0], range[1]) : ''
    const offsetOf = (raw: string, from: number): { at: number; next: number } => {
      const i = source.indexOf(raw, from)
      // A double-quoted scalar with escapes may not contain the reference verbatim: point at the scalar.
      return i < 0 ? { at: range?.[0] ?? 0, next: from } : { at: (range?.[0] ?? 0) + i, next: i + raw.length }
    }
    const found: { index: number; ref: Omit<EnvReference, 'line' | 'column'>; raw: string }[] = []
    for (const m of value.matchAll(INTERPOLATION))
      found.push({
        index: m.index,
        raw: m[0],
        ref: {
          name: m[1] as string,
          ...(m[2] !== undefined ? { default: m[2] } : {}),
          path,
          form: 'interpolation',
        },
      })
    for (const m of value.matchAll(BLOBLANG_ENV))
      found.push({ index: m.index, raw: m[0], ref: { name: m[2] as string, path, form: 'bloblang' } })
    found.sort((a, b) => a.index - b.index)
    let from = 0
    for (const f of found) {
      const { at, next } = offsetOf(f.raw, from)
      from = next
      const pos = lineCounter.linePos(at)
      references.push({ ...f.ref, line: pos.line, column: pos.col })
    }
  })
  // Bento substitutes `${VAR}` in the raw text before parsing YAML, so one in a comment or a key counts too
  // (and a missing one stops the pipeline from starting): pick up what the walk over values did not see.
  for (const m of text.matchAll(INTERPOLATION)) {
    if (covered.some(([from, to]) => m.index >= from && m.index < to)) continue
    const pos = lineCounter.linePos(m.index)
    references.push({
      name: m[1] as string,
      ...(m[2] !== undefined ? { default: m[2] } : {}),
      line: pos.line,
      column: pos.col,
      path: OUTSIDE_VALUES,
      form: 'interpolation',
    })
  }
  references.sort((a, b) => a.line - b.line || a.column - b.column)
  const shape = shapeOf(doc.toJS() as unknown)
  return typeof shape === 'string'
    ? { ok: true, shape, references }
    : { ok: true, shape: undefined, shapeProblem: shape.problem, references }
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
  visit: (value: string, node: Node, path: string) => void,
): void {
  if (!node) return
  if (isScalar(node)) {
    if (typeof node.value === 'string') visit(node.value, node, formatPath(path))
    return
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      walk(pair.value as Node | null, [...path, key], visit)
    }
    return
  }
  if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node | null, [...path, i], visit))
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
