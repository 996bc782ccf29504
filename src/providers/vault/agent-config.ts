// Vault Agent configuration (HCL) and its consul-template templates, read the way Vault reads them.
// The HCL parser (@cdktf/hcl2json, HashiCorp's own parser as WASM, ~150 ms to load) is imported on first use.
// Two things Vault does that an HCL2 parser does not: `mode = 0600` is octal (Vault reads agent config with
// HCL 1), and blocks come in two spellings (`method { type = "kubernetes" }` and `method "kubernetes" {}`).
// The node checks read the same agent config (its sinks and templates are files on the node), so this
// module is pure apart from reading the files it is pointed at, through core/files.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseHclDuration } from '../../core/duration.js'
import { InputFileError, readInput } from '../../core/files.js'
import type { HclAnswer, HclRequest } from './hcl-worker.js'
import { DEFAULT_STATIC_RENDER_INTERVAL_MS } from './model.js'

export { DEFAULT_STATIC_RENDER_INTERVAL_MS }

export interface AgentAutoAuth {
  /** `kubernetes`, `approle`, `aws`, `token_file`… */
  readonly method: string
  /** Without the `auth/` prefix, as the login URL uses it: `kubernetes`, `k8s-edge`. */
  readonly mountPath?: string
  readonly namespace?: string
  readonly config: Record<string, unknown>
  readonly line?: number
}

export interface AgentSink {
  readonly type: string
  readonly path?: string
  /** Permission bits (octal semantics: `mode = 0600` → 0o600). Undefined when unset (Vault's default is 0640). */
  readonly mode?: number
  /** Response-wrapped (`wrap_ttl`) or encrypted (`dh_type`): the file does not hold a usable token. */
  readonly wrapped?: boolean
  readonly line?: number
}

export interface AgentTemplate {
  readonly source?: string
  readonly contents?: string
  readonly destination?: string
  /** Permission bits; undefined when unset (Vault keeps the file's mode, else 0644). */
  readonly perms?: number
  readonly errorOnMissingKey?: boolean
  readonly line?: number
}

export interface AgentConfig {
  readonly file: string
  readonly pidFile?: string
  readonly vaultAddress?: string
  readonly caCert?: string
  readonly tlsSkipVerify?: boolean
  readonly namespace?: string
  readonly autoAuth?: AgentAutoAuth
  readonly sinks: readonly AgentSink[]
  readonly templates: readonly AgentTemplate[]
  /** `template_config.static_secret_render_interval`; Vault's default is 5 minutes when unset. */
  readonly staticSecretRenderIntervalMs?: number
  readonly exitOnRetryFailure?: boolean
}

/** A syntax or shape error in the agent config, with `file:line:col` in its message. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError'
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message)
  }
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined

/** Blocks arrive as an array of bodies (or one body); normalise to an array. */
const bodies = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : [])

/**
 * A block that may be written `name { type = "x" … }` or `name "x" { … }`. The second form parses as
 * `{ x: [body] }`; the first as `[{ type: "x", … }]`.
 */
function typedBlocks(v: unknown): { type: string; body: Obj }[] {
  const out: { type: string; body: Obj }[] = []
  for (const b of bodies(v)) {
    if (typeof b.type === 'string') {
      out.push({ type: b.type, body: b })
      continue
    }
    for (const [label, inner] of Object.entries(b))
      for (const body of bodies(inner)) out.push({ type: label, body })
  }
  return out
}

/** File modes: `0600`, `600`, `"0600"` all mean 0o600, as they do to Vault (HCL 1 octal literals). */
export function parseMode(v: unknown): number | undefined {
  const digits = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(/^0o/i, '') : ''
  if (!/^[0-7]{1,4}$/.test(digits)) return undefined
  return parseInt(digits, 8)
}

/** Line numbers of the top-level-ish occurrences of a block keyword, in source order. */
function blockLines(text: string, keyword: string): number[] {
  const lines: number[] = []
  const re = new RegExp(`^\\s*${keyword}(\\s+"[^"]*")?\\s*\\{`, 'gm')
  for (let m = re.exec(text); m; m = re.exec(text)) lines.push(lineOf(text, m.index + m[0].indexOf(keyword)))
  return lines
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length
}

type HclParse = (filename: string, contents: string) => Promise<Record<string, unknown>>
let hclParse: Promise<HclParse> | undefined
const HCL_WORKER = new URL('./hcl-worker.js', import.meta.url)

/**
 * The parser on a worker thread when running from the bundle (hcl-worker.ts says why), in this thread when
 * running from the TypeScript sources (the unit tests), where there is no worker script to start.
 */
function loadHcl(): Promise<HclParse> {
  hclParse ??= existsSync(fileURLToPath(HCL_WORKER)) ? hclOnWorker() : hclInProcess()
  return hclParse
}

async function hclInProcess(): Promise<HclParse> {
  const mod = (await import('@cdktf/hcl2json')) as unknown as { parse: HclParse }
  return mod.parse
}

async function hclOnWorker(): Promise<HclParse> {
  const { Worker } = await import('node:worker_threads')
  type Waiter = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
  const waiting = new Map<number, Waiter>()
  let worker: InstanceType<typeof Worker> | undefined
  let next = 0
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
    worker = undefined
  }
  // Started on demand and ended as soon as nothing waits: a run parses its agent config early, and the
  // parser's ~55 MB should not stay for the rest of the run. It never keeps the doctor alive either.
  const start = () => {
    const w = new Worker(HCL_WORKER)
    w.unref()
    w.on('message', (a: HclAnswer) => {
      const waiter = waiting.get(a.id)
      waiting.delete(a.id)
      if (a.ok) waiter?.resolve(a.value)
      else waiter?.reject(new Error(a.message))
      if (!waiting.size && worker === w) {
        worker = undefined
        void w.terminate()
      }
    })
    w.on('error', (e) => worker === w && failAll(e))
    w.on('exit', (code) => worker === w && failAll(new Error(`the HCL parser stopped (exit ${code})`)))
    return w
  }
  return (filename, contents) =>
    new Promise((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve, reject })
      ;(worker ??= start()).postMessage({ id, filename, contents } satisfies HclRequest)
    })
}

/** `bad.hcl:2,12-3,1: Invalid expression; …` → an AgentConfigError reading `bad.hcl:2:12: Invalid expression; …`. */
function toConfigError(e: unknown, file: string): AgentConfigError {
  const raw = e instanceof Error ? e.message : String(e)
  const inner = raw.replace(/^parse config:\s*\[?/, '').replace(/\]$/, '')
  const m = /^(.*?):(\d+),(\d+)(?:-\d+(?:,\d+)?)?:\s*(.*)$/s.exec(inner)
  if (!m) return new AgentConfigError(`${file}: ${inner}`, file)
  const line = Number(m[2])
  const col = Number(m[3])
  const msg = (m[4] as string).split(/ (?=\S+\.hcl:\d+,\d+)/)[0] as string
  return new AgentConfigError(`${file}:${line}:${col}: ${msg.trim()}`, file, line, col)
}

function tryJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown
    return isObj(v) ? v : undefined
  } catch {
    return undefined
  }
}

/** The HCL (or JSON) document as the parser returns it; AgentConfigError with file:line:col otherwise. */
async function parseDocument(text: string, file: string): Promise<Record<string, unknown>> {
  // Vault also reads JSON agent configs (the injector renders /home/vault/config.json); their shape is the
  // one the HCL parser returns, so both feed the same reader.
  const json = file.endsWith('.json') || text.trimStart().startsWith('{') ? tryJson(text) : undefined
  if (json) return json
  const parse = await loadHcl()
  try {
    return await parse(file, text)
  } catch (e) {
    throw toConfigError(e, file)
  }
}

const blockConfig = (v: unknown): Obj => (isObj(v) ? v : (bodies(v)[0] ?? {}))

/** `auto_auth`: its (first) method and its sinks, with the lines they start on. */
function autoAuthOf(body: Obj | undefined, text: string): { autoAuth?: AgentAutoAuth; sinks: AgentSink[] } {
  if (!body) return { sinks: [] }
  const method = typedBlocks(body.method)[0]
  const mount = method ? str(method.body.mount_path) : undefined
  const autoAuth = method && {
    method: method.type,
    mountPath: mount?.replace(/^\/?auth\//, '').replace(/\/$/, '') || undefined,
    namespace: str(method.body.namespace),
    config: blockConfig(method.body.config),
    line: blockLines(text, 'method')[0],
  }
  const sinkLines = blockLines(text, 'sink')
  const sinks = typedBlocks(body.sink).map((s, i): AgentSink => {
    const cfg = blockConfig(s.body.config)
    const wrapped = s.body.wrap_ttl !== undefined || s.body.dh_type !== undefined
    return {
      type: s.type,
      path: str(cfg.path),
      mode: parseMode(cfg.mode),
      ...(wrapped ? { wrapped } : {}),
      line: sinkLines[i],
    }
  })
  return { autoAuth, sinks }
}

/** `template` stanzas; one without a destination is an error, as it is to Vault. */
function templatesOf(doc: Obj, text: string, file: string): AgentTemplate[] {
  const templateLines = blockLines(text, 'template')
  const templates: AgentTemplate[] = bodies(doc.template).map((t, i) => ({
    source: str(t.source),
    contents: str(t.contents),
    destination: str(t.destination),
    perms: parseMode(t.perms),
    errorOnMissingKey: bool(t.error_on_missing_key),
    line: templateLines[i],
  }))
  const bad = templates.find((t) => !t.destination)
  if (bad)
    throw new AgentConfigError(
      `${file}:${bad.line ?? 1}:1: template stanza has no destination`,
      file,
      bad.line,
      1,
    )
  return templates
}

export async function parseAgentConfig(text: string, file: string): Promise<AgentConfig> {
  const doc = await parseDocument(text, file)
  const vault = bodies(doc.vault)[0] ?? {}
  const templateConfig = bodies(doc.template_config)[0] ?? {}
  const { autoAuth, sinks } = autoAuthOf(bodies(doc.auto_auth)[0], text)
  const interval = templateConfig.static_secret_render_interval
  return {
    file,
    pidFile: str(doc.pid_file),
    vaultAddress: str(vault.address),
    caCert: str(vault.ca_cert),
    tlsSkipVerify: bool(vault.tls_skip_verify),
    namespace: str(vault.namespace),
    autoAuth,
    sinks,
    templates: templatesOf(doc, text, file),
    staticSecretRenderIntervalMs: interval === undefined ? undefined : parseHclDuration(interval),
    exitOnRetryFailure: bool(templateConfig.exit_on_retry_failure),
  }
}

/** Reads and parses an agent config file; InputFileError when it is missing, not a regular file or too large. */
export async function readAgentConfig(path: string): Promise<AgentConfig> {
  return parseAgentConfig(await readInput(path, 'agent config'), path)
}

/** A template source, or undefined when it cannot be read (missing, not a regular file, over the cap). */
async function readTemplate(path: string): Promise<string | undefined> {
  try {
    return await readInput(path, 'template')
  } catch (e) {
    if (e instanceof InputFileError) return undefined
    throw e
  }
}

export interface TemplateKeyRef {
  /** The secret path as written (query such as `?version=2` removed). */
  readonly path: string
  readonly key: string
  readonly line: number
}

export interface TemplateRefs {
  readonly paths: string[]
  readonly keys: TemplateKeyRef[]
}

/**
 * The secret paths (`with secret "…"`, `(secret "…").Data…`) and keys (`.Data.data.KEY` for KV v2,
 * `.Data.KEY` for KV v1 and dynamic secrets, `index .Data.data "KEY"`) a consul-template template uses.
 * Keys are attributed to the innermost enclosing `with secret` block.
 */
export function parseTemplate(text: string): TemplateRefs {
  const paths: string[] = []
  const keys: TemplateKeyRef[] = []
  const addPath = (p: string) => {
    const clean = p.split('?')[0] as string
    if (!paths.includes(clean)) paths.push(clean)
    return clean
  }
  const addKey = (path: string | undefined, expr: string, line: number) => {
    if (!path) return
    const re =
      /\.Data\.data\.([A-Za-z_][\w-]*)|index\s+\.Data\.data\s+"([^"]+)"|\.Data\.([A-Za-z_][\w-]*)|index\s+\.Data\s+"([^"]+)"/g
    for (let m = re.exec(expr); m; m = re.exec(expr)) {
      const key = m[1] ?? m[2] ?? m[3] ?? m[4]
      // `.Data.data` with nothing after it (a whole map) and metadata are not keys.
      if (!key || (m[3] && (key === 'data' || key === 'metadata'))) continue
      if (!keys.some((k) => k.path === path && k.key === key)) keys.push({ path, key, line })
    }
  }
  const stack: (string | undefined)[] = []
  const current = () => [...stack].reverse().find((p) => p !== undefined)
  const action = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g
  for (let m = action.exec(text); m; m = action.exec(text)) {
    const body = (m[1] as string).trim()
    const line = lineOf(text, m.index)
    if (body.startsWith('/*')) continue
    const withSecret = /^with\s+secret\s+"([^"]+)"/.exec(body)
    if (withSecret) {
      stack.push(addPath(withSecret[1] as string))
      continue
    }
    // Inline form: (secret "p").Data.data.key
    for (const inl of body.matchAll(/\(\s*secret\s+"([^"]+)"[^)]*\)((?:\.\w+)+)/g)) {
      addKey(addPath(inl[1] as string), inl[2] as string, line)
    }
    if (/^end\b/.test(body)) {
      stack.pop()
      continue
    }
    if (/^(with|if|range|define|block)\b/.test(body)) {
      addKey(current(), body, line)
      stack.push(undefined)
      continue
    }
    if (!/\(\s*secret\s/.test(body)) addKey(current(), body, line)
  }
  return { paths, keys }
}

export interface InjectorTemplate {
  /** The file name after `agent-inject-secret-` (rendered to /vault/secrets/<name>). */
  readonly name: string
  readonly secretPath?: string
  readonly template?: string
}

/** Vault Agent Injector annotations (`vault.hashicorp.com/agent-inject-secret-X` / `-template-X`). */
export function injectorTemplates(annotations: Readonly<Record<string, string>>): InjectorTemplate[] {
  const out = new Map<string, { secretPath?: string; template?: string }>()
  for (const [k, v] of Object.entries(annotations)) {
    const s = /^vault\.hashicorp\.com\/agent-inject-secret-(.+)$/.exec(k)
    const t = /^vault\.hashicorp\.com\/agent-inject-template-(.+)$/.exec(k)
    if (s) out.set(s[1] as string, { ...out.get(s[1] as string), secretPath: v })
    if (t) out.set(t[1] as string, { ...out.get(t[1] as string), template: v })
  }
  return [...out].map(([name, v]) => ({ name, ...v }))
}

/** Every path and key the agent's templates use, reading `source` files; unreadable sources are reported. */
export async function agentTemplateRefs(
  agent: AgentConfig,
  read: (path: string) => Promise<string | undefined> = readTemplate,
): Promise<{ refs: (TemplateRefs & { template: AgentTemplate; file: string })[]; unreadable: string[] }> {
  const refs: (TemplateRefs & { template: AgentTemplate; file: string })[] = []
  const unreadable: string[] = []
  for (const t of agent.templates) {
    const text = t.contents ?? (t.source ? await read(t.source) : undefined)
    if (text === undefined) {
      if (t.source) unreadable.push(t.source)
      continue
    }
    refs.push({
      ...parseTemplate(text),
      template: t,
      file: t.contents !== undefined ? agent.file : (t.source as string),
    })
  }
  return { refs, unreadable }
}
