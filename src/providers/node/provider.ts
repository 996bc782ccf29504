// The machine the agent runs on: files, modes, mounts, processes, environment. No SDK; everything here
// is local and cheap. Values read from env files are registered with the redactor the moment they are read.
import { readFile, realpath, stat } from 'node:fs/promises'
import { parse as parseDotenv } from 'dotenv'
import { defineProvider, memoByKey, once, type ProviderSession } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'

export interface FileInfo {
  readonly path: string
  /** Permission bits, e.g. 0o600. */
  readonly mode: number
  readonly size: number
  readonly mtime: Date
  readonly uid: number
  readonly isFile: boolean
  /** The path with symlinks resolved (/var/run → /run), which is what decides the filesystem. */
  readonly realPath: string
}

export interface EnvVarEntry {
  readonly name: string
  /** 1-based line where the variable is assigned. */
  readonly line: number
  /** Whether the value is empty, `<no value>` (Vault template) or `null` (jq -r), never the value itself. */
  readonly valueState: 'set' | 'empty' | 'no-value' | 'null'
}

export interface EnvFile {
  readonly path: string
  readonly entries: readonly EnvVarEntry[]
  /** Lines that are neither blank, comments nor assignments. */
  readonly malformedLines: readonly number[]
}

export interface Mount {
  readonly device: string
  readonly mountPoint: string
  readonly fsType: string
}

export interface NodeApi {
  /** `undefined` when the file does not exist; throws on other errors (EACCES…). */
  fileInfo(path: string): Promise<FileInfo | undefined>
  readText(path: string): Promise<string | undefined>
  readEnvFile(path: string): Promise<EnvFile | undefined>
  mounts(): Promise<readonly Mount[]>
  /** Whether a process with that pid exists (EPERM counts as alive: it exists, we may not signal it). */
  processAlive(pid: number): Promise<boolean>
  /** The doctor's own environment (the agent is expected to share it when run on the node). */
  env(name: string): string | undefined
}

/** Reads the state of a rendered value without exposing it. */
export function valueState(value: string): EnvVarEntry['valueState'] {
  const v = value.trim()
  if (v === '') return 'empty'
  if (v === '<no value>') return 'no-value'
  if (v === 'null') return 'null'
  return 'set'
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/

/** dotenv does the value parsing (quotes, escapes, `export`); we add line numbers and malformed lines. */
export function parseEnvText(path: string, text: string): EnvFile {
  const values = parseDotenv(text)
  // Placeholders a broken render leaves (`<no value>`, `null`) are evidence, not secrets: keep them readable.
  for (const v of Object.values(values)) if (valueState(v) === 'set') registerSecret(v)
  const entries: EnvVarEntry[] = []
  const malformed: number[] = []
  const lines = text.split(/\r?\n/)
  let inQuote: string | undefined
  lines.forEach((raw, i) => {
    if (inQuote) {
      if (raw.includes(inQuote)) inQuote = undefined
      return
    }
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = ASSIGNMENT.exec(raw)
    if (!m) {
      malformed.push(i + 1)
      return
    }
    const name = m[1] as string
    const rest = raw.slice(m[0].length).trimStart()
    const q = rest[0]
    if ((q === '"' || q === "'" || q === '`') && !rest.slice(1).includes(q)) inQuote = q
    const value = values[name] ?? ''
    const seen = entries.findIndex((e) => e.name === name)
    const entry: EnvVarEntry = { name, line: i + 1, valueState: valueState(value) }
    if (seen >= 0) entries[seen] = entry
    else entries.push(entry)
  })
  return { path, entries, malformedLines: malformed }
}

const MOUNT_ESCAPES = (s: string) =>
  s.replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)))

export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 3)
    .map(([device, mountPoint, fsType]) => ({
      device: device as string,
      mountPoint: MOUNT_ESCAPES(mountPoint as string),
      fsType: fsType as string,
    }))
}

/** The mount a path lives on: the longest mount point that is a prefix of it. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  let best: Mount | undefined
  for (const m of mounts) {
    const mp = m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`
    if (
      (path === m.mountPoint || path.startsWith(mp) || m.mountPoint === '/') &&
      (!best || m.mountPoint.length > best.mountPoint.length)
    )
      best = m
  }
  return best
}

function create(session: ProviderSession): NodeApi {
  const fileInfo = memoByKey(async (path: string): Promise<FileInfo | undefined> => {
    try {
      const s = await stat(path)
      const realPath = await realpath(path).catch(() => path)
      return {
        path,
        mode: s.mode & 0o7777,
        size: s.size,
        mtime: s.mtime,
        uid: s.uid,
        isFile: s.isFile(),
        realPath,
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
        return undefined
      throw e
    }
  })
  const readText = memoByKey(async (path: string) => {
    try {
      return await readFile(path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
  })
  const mountsFile = session.env.EDGE_SECRETS_MOUNTS_FILE ?? '/proc/self/mounts'
  return {
    fileInfo,
    readText,
    readEnvFile: async (path) => {
      const text = await readText(path)
      return text === undefined ? undefined : parseEnvText(path, text)
    },
    mounts: once(async () => parseMounts((await readText(mountsFile)) ?? '')),
    processAlive: async (pid) => {
      try {
        process.kill(pid, 0)
        return true
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EPERM'
      }
    },
    env: (name) => session.env[name],
  }
}

export default defineProvider({
  id: 'node',
  title: 'Node',
  // The node is always there; its checks decide for themselves whether there is anything to look at.
  configured: () => true,
  notConfigured: 'the node is always configured',
  create,
})
