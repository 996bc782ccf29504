// Loads, validates and resolves edge-secrets.yaml (CONTRACT §3). The config is described once: each part
// is a TypeBox schema (which gives both the validator and the TypeScript type) plus a `resolve` that fills
// what the file leaves out from the environment. The core part (environment, pipeline, ignore, thresholds)
// is here; each provider brings its own section in its `defineProvider` (src/providers/<id>/config.ts), and
// src/app/config.ts binds them. Discovery order: --config, then $EDGE_SECRETS_CONFIG, ./edge-secrets.yaml,
// /etc/expanso/edge-secrets.yaml, else zero-config. Any problem is a ConfigError naming file:line:col and
// what was expected, which the command turns into exit 2.
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { FormatRegistry, Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml'
import { parseDuration } from './duration.js'
import { InputFileError, readInputSync } from './files.js'
import { parseYaml } from './yaml.js'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message)
  }

  /** One line, no stack: `edge-secrets.yaml:7:5: thresholds.tokenMinTtl: expected a duration…` */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}:${this.col ?? 1}` : ''}: ` : ''
    return `${where}${this.message}`
  }
}

// Formats the schemas use. Registered once, globally (TypeBox's registry is process-wide).
FormatRegistry.Set('duration', (s) => parseDuration(s) !== undefined)
FormatRegistry.Set('date', (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)))
FormatRegistry.Set('http-url', (s) => httpUrlProblem(s) === undefined)

/** Why a text is not an http(s) URL with a usable port, or undefined when it is one. */
export function httpUrlProblem(s: string): string | undefined {
  let u: URL
  try {
    u = new URL(s)
  } catch {
    // `new URL` rejects ports over 65535 as a whole; say so rather than "not a URL".
    return /:\d{6,}|:(6553[6-9]|655[4-9]\d|65[6-9]\d\d|6[6-9]\d{3}|[7-9]\d{4})(\/|$)/.test(s)
      ? 'the port is over 65535'
      : 'not a URL'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `the scheme is ${u.protocol} (expected http: or https:)`
  if (!u.hostname) return 'no host'
  if (u.port === '0') return 'port 0'
  return undefined
}

/** Schema helpers: every object is closed (a typo must never be silently ignored). */
export const S = {
  str: () => Type.Optional(Type.String()),
  strList: () => Type.Optional(Type.Array(Type.String())),
  duration: () => Type.Optional(Type.String({ format: 'duration' })),
  url: () => Type.Optional(Type.String({ format: 'http-url' })),
  bool: () => Type.Optional(Type.Boolean()),
  int: (min: number, max?: number) =>
    Type.Optional(Type.Integer({ minimum: min, ...(max === undefined ? {} : { maximum: max }) })),
  oneOf: <T extends string>(values: readonly T[]) =>
    Type.Optional(Type.Union(values.map((v) => Type.Literal(v)))),
  object: <P extends Record<string, TSchema>>(props: P) =>
    Type.Object(props, { additionalProperties: false }),
}

/** What a section's `resolve` gets besides its raw (validated) value. */
export interface SectionContext {
  readonly env: NodeJS.ProcessEnv
  /** Whether the file has this section at all (`vault: {}` still means "set up Vault"). */
  readonly present: boolean
  /** A path relative to the config file made absolute (relative to the cwd without a file). */
  abs(path: string | undefined): string | undefined
  /** --manifests, absolute. */
  readonly manifests: readonly string[]
}

/** A provider's part of the config: its schema and how the environment fills what the file leaves out. */
export interface ConfigSection<Section> {
  readonly schema: TSchema
  resolve(raw: unknown, ctx: SectionContext): Section
}

export const defineSection = <Schema extends TSchema, Section>(s: {
  readonly schema: Schema
  resolve(raw: Static<Schema> | undefined, ctx: SectionContext): Section
}): ConfigSection<Section> => s as ConfigSection<Section>

const coreSchema = {
  environment: S.str(),
  pipeline: Type.Optional(S.object({ config: S.str(), envFiles: S.strList(), maxStaleness: S.duration() })),
  ignore: Type.Optional(
    Type.Array(
      S.object({
        check: Type.String(),
        reason: Type.String({ minLength: 1 }),
        until: Type.Optional(Type.String({ format: 'date' })),
      }),
    ),
  ),
  thresholds: Type.Optional(
    S.object({
      latencyP95: S.duration(),
      latencySamples: S.int(1, 100),
      tokenMinTtl: S.duration(),
      certMinValidity: S.duration(),
      clockSkewWarn: S.duration(),
      clockSkewFail: S.duration(),
    }),
  ),
}

export interface KeyLocation {
  readonly line: number
  readonly column: number
  /** The scalar written there (a secret id, a path, an address), so a finding can be matched to its key. */
  readonly value?: string | number | boolean
}

export interface IgnoreEntry {
  readonly check: string
  readonly reason: string
  /** YYYY-MM-DD; the entry applies through the end of that day (UTC). */
  readonly until?: string
}

/** The part of the resolved config every provider shares. Durations are milliseconds. */
export interface CoreConfig {
  /** The file the config came from, or undefined for zero-config. */
  readonly file?: string
  /**
   * Where each key of that file is written: `aws.secrets.0.id` → line and column. SARIF and the other
   * located formats point a finding without a file of its own at the key that configured the failing thing.
   */
  readonly locations?: Readonly<Record<string, KeyLocation>>
  readonly environment?: string
  readonly pipeline: {
    readonly config: string
    readonly envFiles: readonly string[]
    readonly maxStalenessMs: number
    /** Whether `config`/`envFiles` were set explicitly (else defaults that may not exist). */
    readonly explicit: boolean
  }
  readonly ignore: readonly IgnoreEntry[]
  readonly thresholds: {
    readonly latencyP95Ms: number
    readonly latencySamples: number
    readonly tokenMinTtlMs: number
    readonly certMinValidityMs: number
    readonly clockSkewWarnMs: number
    readonly clockSkewFailMs: number
  }
}

export interface LoadOptions {
  /** --config */
  readonly file?: string
  /** Where each key of the file is written (filled by the loader). */
  readonly locations?: Readonly<Record<string, KeyLocation>>
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** --manifests */
  readonly manifests?: readonly string[]
}

/** Raw (validated) config file contents. */
export type RawConfig = Record<string, unknown>

export const DEFAULT_CONFIG_PATHS = ['./edge-secrets.yaml', '/etc/expanso/edge-secrets.yaml']
export const DEFAULT_PIPELINE_CONFIG = '/etc/expanso/pipeline.yaml'
export const DEFAULT_MAX_STALENESS = '24h'

export function discoverConfigFile(opts: LoadOptions): string | undefined {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  if (opts.file) return resolve(cwd, opts.file)
  if (env.EDGE_SECRETS_CONFIG) return resolve(cwd, env.EDGE_SECRETS_CONFIG)
  for (const p of DEFAULT_CONFIG_PATHS) {
    const abs = resolve(cwd, p)
    if (existsSync(abs)) return abs
  }
  return undefined
}

const strOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const ms = (v: unknown, fallback: string): number => parseDuration(strOf(v) ?? fallback) ?? 0

/** The loader for one set of provider sections (src/app/config.ts binds the registry's). */
export function configLoader<Config extends CoreConfig>(
  sections: Readonly<Record<string, ConfigSection<unknown>>>,
) {
  const schema = S.object({
    ...coreSchema,
    ...Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, Type.Optional(s.schema)])),
  })

  /** Parses and validates YAML text; errors carry the file and the line of the offending key or value. */
  function parseConfigText(text: string, file: string): RawConfig {
    return parseWithLocations(text, file).raw
  }

  function parseWithLocations(text: string, file: string) {
    const parsed = parseYaml(text)
    if (!parsed.ok) throw new ConfigError(`invalid YAML: ${parsed.message}`, file, parsed.line, parsed.column)
    if (parsed.docs.length > 1) {
      const second = parsed.lineCounter.linePos(parsed.docs[1]?.range?.[0] ?? 0)
      throw new ConfigError('expected one YAML document, found several', file, second.line, second.col)
    }
    const doc = parsed.docs[0] ?? new Document({})
    const lineCounter = parsed.lineCounter
    const value: unknown = parsed.values[0] ?? {}
    if (typeof value !== 'object' || Array.isArray(value) || value === null)
      throw new ConfigError('expected a mapping at the top level', file, 1, 1)
    const error = Value.Errors(schema, value).First()
    if (error) {
      const path = error.path.split('/').filter(Boolean).map(unescapePointer)
      const { line, col } = locate(
        doc,
        lineCounter,
        path,
        error.type === ValueErrorType.ObjectAdditionalProperties,
      )
      throw new ConfigError(describe(error, path, value), file, line, col)
    }
    return { raw: value as RawConfig, locations: keyLocations(doc, lineCounter) }
  }

  /** Applies defaults and env vars to validated raw config. Pure but for existence checks of env-named files. */
  function resolveConfig(raw: RawConfig, opts: LoadOptions = {}): Config {
    const env = opts.env ?? process.env
    const base = opts.file ? resolve(opts.file, '..') : (opts.cwd ?? process.cwd())
    const abs = (p: string | undefined) =>
      p === undefined ? undefined : isAbsolute(p) ? p : resolve(base, p)
    const manifests = (opts.manifests ?? []).map((m) => resolve(opts.cwd ?? process.cwd(), m))
    const core = raw as Static<typeof schema> & RawConfig
    const pipeline = (core.pipeline ?? {}) as { config?: string; envFiles?: string[]; maxStaleness?: string }
    const thresholds = (core.thresholds ?? {}) as Record<string, unknown>
    const pipelineConfig = abs(strOf(pipeline.config))
    const envFiles = (pipeline.envFiles ?? []).map((f) => abs(f) as string)
    const out: Record<string, unknown> = {
      file: opts.file,
      ...(opts.locations ? { locations: opts.locations } : {}),
      environment: strOf(core.environment),
      pipeline: {
        config: pipelineConfig ?? DEFAULT_PIPELINE_CONFIG,
        envFiles,
        maxStalenessMs: ms(pipeline.maxStaleness, DEFAULT_MAX_STALENESS),
        explicit: pipelineConfig !== undefined || envFiles.length > 0,
      },
      ignore: ((core.ignore as IgnoreEntry[] | undefined) ?? []).map((i) => ({
        check: i.check,
        reason: i.reason,
        until: i.until === undefined ? undefined : String(i.until),
      })),
      thresholds: {
        latencyP95Ms: ms(thresholds.latencyP95, '500ms'),
        latencySamples: typeof thresholds.latencySamples === 'number' ? thresholds.latencySamples : 5,
        tokenMinTtlMs: ms(thresholds.tokenMinTtl, '10m'),
        certMinValidityMs: ms(thresholds.certMinValidity, '14d'),
        clockSkewWarnMs: ms(thresholds.clockSkewWarn, '30s'),
        clockSkewFailMs: ms(thresholds.clockSkewFail, '5m'),
      },
    }
    for (const [key, section] of Object.entries(sections))
      out[key] = section.resolve(raw[key], { env, present: key in raw, abs, manifests })
    return out as unknown as Config
  }

  async function loadConfig(opts: LoadOptions = {}): Promise<Config> {
    const file = discoverConfigFile(opts)
    let raw: RawConfig = {}
    let locations: Record<string, KeyLocation> | undefined
    if (file) {
      let text: string
      try {
        text = readInputSync(file, 'config')
      } catch (e) {
        throw new ConfigError(
          e instanceof InputFileError && e.problem !== 'unreadable'
            ? e.message.replace(`${file} `, '').replace(/^is /, 'the config is ')
            : `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          file,
        )
      }
      ;({ raw, locations } = parseWithLocations(text, file))
    }
    return resolveConfig(raw, { ...opts, file, locations })
  }

  /** A resolved config for tests and the harness: zero-config with nothing from the environment. */
  function defaultConfig(raw: RawConfig = {}, opts: LoadOptions = {}): Config {
    return resolveConfig(raw, { env: {}, cwd: '/', ...opts })
  }

  return { schema, parseConfigText, resolveConfig, loadConfig, defaultConfig }
}

/** Every key of the document by dotted path (`vault.secrets.0.path`), with where its key is written. */
function keyLocations(doc: Document, lc: LineCounter): Record<string, KeyLocation> {
  const out: Record<string, KeyLocation> = {}
  const at = (n: Node | null | undefined, valueNode?: Node | null) => {
    const offset = n?.range?.[0]
    if (offset === undefined) return undefined
    const p = lc.linePos(offset)
    const v = isScalar(valueNode) ? valueNode.value : undefined
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined
    return { line: p.line, column: p.col, ...(value !== undefined ? { value } : {}) }
  }
  const walk = (node: Node | null | undefined, path: string) => {
    if (isMap(node))
      for (const pair of node.items) {
        const key = String((pair.key as { value?: unknown })?.value)
        const here = path ? `${path}.${key}` : key
        const loc = at(pair.key as Node, pair.value as Node)
        if (loc) out[here] = loc
        walk(pair.value as Node, here)
      }
    else if (isSeq(node))
      node.items.forEach((item, i) => {
        const here = `${path}.${i}`
        const loc = at(item as Node, item as Node)
        if (loc) out[here] = loc
        walk(item as Node, here)
      })
  }
  walk(doc.contents as Node, '')
  return out
}

const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined
  return v
}

function describe(e: ValueError, path: string[], root: unknown): string {
  const last = path.at(-1) ?? ''
  const parent = path.slice(0, -1)
  const at = path.length ? path.join('.') : 'config'
  const format = (e.schema as { format?: string }).format
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return `${parent.length ? `${parent.join('.')}: ` : ''}unknown key "${last}"`
    case ValueErrorType.ObjectRequiredProperty:
      return `${parent.join('.') || 'config'}: missing required key "${last}"`
    case ValueErrorType.StringFormat:
    case ValueErrorType.String:
      if (format === 'duration') return `${at}: expected a duration like 90m, 5s, 1500ms or 14d`
      if (format === 'date') return `${at}: expected a date like 2027-01-31`
      if (format === 'http-url') {
        const v = valueAt(root, path)
        return `${at}: expected an http(s) URL like https://vault.example.com:8200${typeof v === 'string' ? ` (${httpUrlProblem(v)})` : ''}`
      }
      return `${at}: expected string`
    case ValueErrorType.StringMinLength:
      return `${at}: must not be empty`
    case ValueErrorType.Union: {
      const values = ((e.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? []).map((s) => s.const)
      return values.every((v) => v !== undefined)
        ? `${at}: expected one of ${values.join(', ')}`
        : `${at}: ${e.message}`
    }
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
      return `${at}: expected integer`
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return `${at}: expected a whole number${describeRange(e.schema as { minimum?: number; maximum?: number })}`
    case ValueErrorType.Boolean:
      return `${at}: expected true or false`
    case ValueErrorType.Array:
      return `${at}: expected a list`
    case ValueErrorType.Object:
      return `${at}: expected a mapping`
    default:
      return `${at}: ${e.message}`
  }
}

const describeRange = (s: { minimum?: number; maximum?: number }) =>
  s.minimum !== undefined && s.maximum !== undefined
    ? ` from ${s.minimum} to ${s.maximum}`
    : s.minimum !== undefined
      ? ` of at least ${s.minimum}`
      : s.maximum !== undefined
        ? ` of at most ${s.maximum}`
        : ''

/** The line of the node at `path` (of its key, for an unknown key: that is what to delete or fix). */
function locate(
  doc: Document,
  lc: LineCounter,
  path: string[],
  atKey: boolean,
): { line?: number; col?: number } {
  let node: Node | null | undefined = doc.contents as Node | null
  let best: Node | null | undefined = node
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === seg)
      node = pair?.value as Node | undefined
      if (pair?.key) best = pair.key as Node
      if (atKey && i === path.length - 1) break
    } else if (isSeq(node)) {
      node = node.items[Number(seg)] as Node | undefined
    } else break
    if (node) best = node
  }
  const offset = best?.range?.[0]
  if (offset === undefined) return {}
  const pos = lc.linePos(offset)
  return { line: pos.line, col: pos.col }
}
