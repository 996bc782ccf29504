// A NodeApi over an in-memory file system, for the node check tests (kept beside them; the lead may move it
// to test/fixtures/node/). Env files are parsed by the real parser, so line numbers and value states are
// exactly what the checks see on a machine.
import { parseEnvText, type FileInfo, type Mount, type NodeApi } from '../../../providers/node.js'

export const NOW = new Date('2026-11-27T12:00:00Z')

export interface FakeFile {
  readonly text?: string
  readonly mode?: number
  readonly mtime?: Date
  /** false for a directory. */
  readonly isFile?: boolean
}

export interface FakeNodeOptions {
  /** Path → contents (mode 0600, modified at NOW) or a full description. */
  readonly files?: Readonly<Record<string, string | FakeFile>>
  readonly env?: Readonly<Record<string, string>>
  readonly mounts?: readonly Mount[]
  readonly alive?: readonly number[]
}

export const TMPFS_ROOT: readonly Mount[] = [
  { device: '/dev/sda1', mountPoint: '/', fsType: 'ext4' },
  { device: 'tmpfs', mountPoint: '/run', fsType: 'tmpfs' },
  { device: 'tmpfs', mountPoint: '/dev/shm', fsType: 'tmpfs' },
]

export function fakeNode(opts: FakeNodeOptions = {}): NodeApi & { readonly calls: string[] } {
  const files = new Map(
    Object.entries(opts.files ?? {}).map(([p, f]) => [p, typeof f === 'string' ? { text: f } : f] as const),
  )
  const calls: string[] = []
  const text = (path: string) => {
    const f = files.get(path)
    return f && f.isFile !== false ? (f.text ?? '') : undefined
  }
  return {
    calls,
    fileInfo: async (path): Promise<FileInfo | undefined> => {
      calls.push(`fileInfo ${path}`)
      const f = files.get(path)
      if (!f) return undefined
      return {
        path,
        mode: f.mode ?? 0o600,
        size: f.text?.length ?? 0,
        mtime: f.mtime ?? NOW,
        uid: 1000,
        isFile: f.isFile !== false,
      }
    },
    readText: async (path) => {
      calls.push(`readText ${path}`)
      return text(path)
    },
    readEnvFile: async (path) => {
      calls.push(`readEnvFile ${path}`)
      const t = text(path)
      return t === undefined ? undefined : parseEnvText(path, t)
    },
    mounts: async () => opts.mounts ?? TMPFS_ROOT,
    processAlive: async (pid) => (opts.alive ?? []).includes(pid),
    env: (name) => opts.env?.[name],
  }
}
