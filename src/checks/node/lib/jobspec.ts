// The two blocks a pipeline JobSpec may carry beside `config:` — `secret_providers` (where the edge agent
// fetches secrets and how it logs in) and `secrets` (which values the pipeline needs) — read from the same
// pipeline config the node checks read, as a tree that keeps the line and column of every key and value so
// that each finding can point at `secrets.KAFKA_PASSWORD` in the file.
// The text is hostile input: it goes through parsePipelineConfig's guards (nesting depth, alias bombs,
// duplicate keys) first, and the walk below follows an alias at most a bounded number of nodes.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from 'yaml'
import { parsePipelineConfig, type ParsedPipeline, type PipelineShape } from './references.js'

export interface Position {
  readonly line: number
  readonly column: number
}

export type YamlValue =
  | { readonly kind: 'scalar'; readonly value: string | number | boolean | null; readonly at: Position }
  | { readonly kind: 'map'; readonly fields: readonly YamlField[]; readonly at: Position }
  | { readonly kind: 'seq'; readonly items: readonly YamlValue[]; readonly at: Position }

export interface YamlField {
  readonly key: string
  /** Where the key is written. */
  readonly at: Position
  readonly value: YamlValue
}

export interface JobspecBlocks {
  /**
   * Where the blocks were found: beside `config:` at the top of the document, or under a top-level `spec:`
   * (the vendor's page prints its example under `spec:`, and the indentation did not survive to tell which).
   */
  readonly under: 'top' | 'spec'
  /** The `type:` beside the blocks (`pipeline` in a pipeline JobSpec). */
  readonly type?: string
  readonly providers?: YamlField
  readonly secrets?: YamlField
}

export type JobspecRead =
  | {
      readonly ok: true
      /** The document's shape as node.pipeline-config tells it (a bare pipeline has no JobSpec blocks). */
      readonly shape: PipelineShape | undefined
      readonly blocks?: JobspecBlocks
    }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number }

export const PROVIDERS_KEY = 'secret_providers'
export const SECRETS_KEY = 'secrets'

/** More nodes than any JobSpec has; an alias that would expand beyond it is cut off, not followed. */
const MAX_NODES = 20_000

const hasContent = (d: Document): boolean =>
  d.contents !== null && !(isScalar(d.contents) && d.contents.value === null)

class Walker {
  private nodes = 0
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number | undefined): Position {
    const p = this.lines.linePos(offset ?? 0)
    return { line: p.line, column: p.col }
  }

  value(node: unknown, depth = 0): YamlValue {
    const target = isAlias(node) ? node.resolve(this.doc) : node
    const at = this.at((node as Node | undefined)?.range?.[0])
    if (++this.nodes > MAX_NODES || depth > 64 || !target) return { kind: 'scalar', value: null, at }
    if (isMap(target)) {
      const fields: YamlField[] = []
      for (const pair of target.items) {
        if (!isScalar(pair.key)) continue
        fields.push({
          key: String(pair.key.value),
          at: this.at(pair.key.range?.[0]),
          value: this.value(pair.value, depth + 1),
        })
      }
      return { kind: 'map', fields, at }
    }
    if (isSeq(target)) return { kind: 'seq', items: target.items.map((i) => this.value(i, depth + 1)), at }
    const v = isScalar(target) ? target.value : null
    const value =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v)
    return { kind: 'scalar', value, at }
  }
}

/** The field named `key` of a mapping value, if any. */
export const fieldOf = (v: YamlValue | undefined, key: string): YamlField | undefined =>
  v?.kind === 'map' ? v.fields.find((f) => f.key === key) : undefined

/** The `secret_providers` and `secrets` blocks of a pipeline config; `blocks` is absent when it has neither. */
export function readJobspecBlocks(
  text: string,
  guarded: ParsedPipeline = parsePipelineConfig(text),
): JobspecRead {
  if (!guarded.ok) return guarded
  const lines = new LineCounter()
  const doc = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false }).find(hasContent)
  const shape = guarded.shape
  if (!doc) return { ok: true, shape }
  const root = new Walker(doc, lines).value(doc.contents)
  const spec = fieldOf(root, 'spec')
  for (const [under, holder] of [
    ['top', root],
    ['spec', spec?.value],
  ] as const) {
    const providers = fieldOf(holder, PROVIDERS_KEY)
    const secrets = fieldOf(holder, SECRETS_KEY)
    const t = fieldOf(holder, 'type')?.value
    const type = t?.kind === 'scalar' && typeof t.value === 'string' ? t.value : undefined
    if (providers || secrets) return { ok: true, shape, blocks: { under, type, providers, secrets } }
  }
  return { ok: true, shape }
}

/**
 * The variable names a JobSpec's `secrets` block declares: the edge agent supplies these to the pipeline,
 * so a `${NAME}` reference to one of them needs no environment variable on the node.
 */
export const declaredSecretNames = (text: string): string[] => secretNamesOf(readJobspecBlocks(text))

/** The same, from blocks already read. */
export function secretNamesOf(r: JobspecRead): string[] {
  const secrets = r.ok ? r.blocks?.secrets?.value : undefined
  return secrets?.kind === 'map' ? secrets.fields.map((f) => f.key) : []
}
