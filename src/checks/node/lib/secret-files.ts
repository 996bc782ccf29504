// The files on this node that hold secrets: the env files the pipeline loads and, when a Vault agent is
// configured, its sink files and template destinations. Several node checks look at the same set, so the
// agent config is parsed once per run (keyed by the run's NodeApi) and read through NodeApi, which keeps
// the checks testable with a fake file system and never opens a FIFO or a device.
import { basename } from 'node:path'
import type { ResolvedConfig } from '../../../providers/index.js'
import type { FileInfo, NodeApi } from '../../../providers/node/api.js'
import {
  AgentConfigError,
  parseAgentConfig,
  type AgentConfig,
  type AgentSink,
  type AgentTemplate,
} from '../../../providers/vault/agent-config.js'

export type AgentLookup =
  | { readonly kind: 'none' }
  | { readonly kind: 'missing'; readonly file: string }
  /** Not a regular file, over its cap, or not readable: `reason` says which. */
  | { readonly kind: 'unreadable'; readonly file: string; readonly reason: string }
  | { readonly kind: 'invalid'; readonly file: string; readonly message: string }
  | { readonly kind: 'ok'; readonly agent: AgentConfig }

const agentCache = new WeakMap<NodeApi, Map<string, Promise<AgentLookup>>>()

/** The Vault agent config named by `vault.agentConfig`, or why there is none to read. */
export function agentConfigOf(node: NodeApi, config: ResolvedConfig): Promise<AgentLookup> {
  const file = config.vault.agentConfig
  if (!file) return Promise.resolve({ kind: 'none' })
  let perNode = agentCache.get(node)
  if (!perNode) agentCache.set(node, (perNode = new Map()))
  let p = perNode.get(file)
  if (!p) {
    p = (async (): Promise<AgentLookup> => {
      const read = await node.readText(file, 'agent config')
      if (!read.ok)
        return read.problem === 'missing'
          ? { kind: 'missing', file }
          : { kind: 'unreadable', file, reason: read.reason }
      try {
        return { kind: 'ok', agent: await parseAgentConfig(read.value, file) }
      } catch (e) {
        if (e instanceof AgentConfigError) return { kind: 'invalid', file, message: e.message }
        throw e
      }
    })()
    perNode.set(file, p)
  }
  return p
}

/** A detail line when the agent config could not be used, so a reader knows what was left out and why. */
export function agentNote(lookup: AgentLookup): string | undefined {
  switch (lookup.kind) {
    case 'missing':
      return `Vault agent config ${lookup.file} not found: its sinks and templates are not included (vault.agent-config reports it)`
    case 'unreadable':
      return `Vault agent config not read (${lookup.reason}): its sinks and templates are not included`
    case 'invalid':
      return `Vault agent config could not be parsed (${lookup.message}): its sinks and templates are not included`
    default:
      return undefined
  }
}

export type SecretFileRole = 'env-file' | 'sink' | 'template'

export interface SecretFile {
  readonly path: string
  readonly roles: readonly SecretFileRole[]
  /** The agent template that renders this file, when one does. */
  readonly template?: AgentTemplate
  /** The agent sink that writes this file, when one does. */
  readonly sink?: AgentSink
  /** The agent HCL and the line of the stanza that names this file. */
  readonly agentFile?: string
  readonly agentLine?: number
}

export interface SecretFileSet {
  readonly files: readonly SecretFile[]
  readonly agent: AgentLookup
}

/**
 * Env files first (in config order), then template destinations, then sinks; a path named twice is one
 * entry with several roles. `sinks: false` leaves out the agent's token sinks (not rendered secrets).
 */
export async function secretFiles(
  node: NodeApi,
  config: ResolvedConfig,
  opts: { readonly sinks: boolean } = { sinks: true },
): Promise<SecretFileSet> {
  const agent = await agentConfigOf(node, config)
  const byPath = new Map<string, { -readonly [K in keyof SecretFile]: SecretFile[K] }>()
  const add = (path: string, role: SecretFileRole, extra: Partial<SecretFile> = {}) => {
    const seen = byPath.get(path)
    if (seen) {
      if (!seen.roles.includes(role)) seen.roles = [...seen.roles, role]
      seen.template ??= extra.template
      seen.sink ??= extra.sink
      seen.agentFile ??= extra.agentFile
      seen.agentLine ??= extra.agentLine
    } else byPath.set(path, { path, roles: [role], ...extra })
  }
  for (const f of config.pipeline.envFiles) add(f, 'env-file')
  if (agent.kind === 'ok') {
    for (const t of agent.agent.templates)
      if (t.destination)
        add(t.destination, 'template', { template: t, agentFile: agent.agent.file, agentLine: t.line })
    if (opts.sinks)
      for (const s of agent.agent.sinks)
        if (s.type === 'file' && s.path)
          add(s.path, 'sink', { sink: s, agentFile: agent.agent.file, agentLine: s.line })
  }
  return { files: [...byPath.values()], agent }
}

/** A template's `source` file, read as the agent would; `undefined` when it is absent or not read. */
export async function templateSource(node: NodeApi, path: string): Promise<string | undefined> {
  const read = await node.readText(path, 'template')
  return read.ok ? read.value : undefined
}

/** Why a secret file was left out of a judgement of its metadata (node.env-vars reports the file itself). */
export const notJudged = (path: string, info: FileInfo | undefined): string =>
  `${path}: ${info ? 'not a regular file' : 'does not exist'} (not judged)`

/** The skip when no secret file could be judged: all absent, or some of them not regular files. */
export function noneJudged(
  paths: readonly string[],
  infos: readonly (FileInfo | undefined)[],
  what = 'secret files',
): string {
  if (infos.every((i) => !i))
    return `none of the ${what} exist yet (${paths.join(', ')}); node.env-vars reports missing env files`
  return `none of the ${what} is a regular file here (${paths.join(', ')}); node.env-vars reports them`
}

/** `env file`, `template destination (vault-agent.hcl:24)`, `env file, template destination (…)`. */
export function describeFile(f: SecretFile): string {
  const where = f.agentFile ? ` (${basename(f.agentFile)}${f.agentLine ? `:${f.agentLine}` : ''})` : ''
  const names: Record<SecretFileRole, string> = {
    'env-file': 'env file',
    template: 'template destination',
    sink: 'Vault agent token sink',
  }
  const roles = f.roles.map((r) => names[r])
  return `${roles.join(', ')}${f.roles.some((r) => r !== 'env-file') ? where : ''}`
}

/** Permission bits as operators write them: `0600`, `0644`, `4755`. */
export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0')

/** A path as it can be pasted into a shell. */
export const shellQuote = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`

/** Why a secret-file check has nothing to look at (shared so every such check says it the same way). */
export const NO_SECRET_FILES =
  'no secret files configured: no pipeline.envFiles and no Vault agent config with sinks or templates'
