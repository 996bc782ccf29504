// What the node checks see of the machine the agent runs on: file metadata, file contents read the safe way
// (regular files only, within a cap per kind), the mount table, processes and the environment. Local and
// cheap, but a doctor runs on a broken node: a path may be a FIFO, a device or a directory, so every read
// says what it found instead of hanging or throwing.
import type { InputKind } from '../../core/files.js'
import type { ValueState } from '../../core/payload.js'

export interface FileInfo {
  readonly path: string
  /** Permission bits, e.g. 0o600. */
  readonly mode: number
  readonly size: number
  readonly mtime: Date
  readonly uid: number
  /** A regular file; a FIFO, a device or a directory is not, and its contents are never read. */
  readonly isFile: boolean
  /** The path with symlinks resolved (/var/run → /run), which is what decides the filesystem. */
  readonly realPath: string
}

/** The kinds of input the node checks read, each with its cap (src/core/files.ts). */
export type NodeInputKind = Extract<
  InputKind,
  'pipeline config' | 'env file' | 'agent config' | 'template' | 'pid file'
>

/** Why a file was not read. `missing` is an answer too (many files are optional). */
export type ReadProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable'

/**
 * A read that either gave the contents or says why not. `reason` is one sentence that starts with the path
 * and names what was found (a FIFO, a directory, the size against the kind's cap, the errno), so a finding
 * can quote it as is.
 */
export type FileRead<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly path: string; readonly problem: ReadProblem; readonly reason: string }

export type FileRefusal = Extract<FileRead<unknown>, { ok: false }>

export interface EnvVarEntry {
  readonly name: string
  /** 1-based line where the variable is assigned. */
  readonly line: number
  /** Whether the value is empty, `<no value>` (Vault template) or `null` (jq -r), never the value itself. */
  readonly valueState: Exclude<ValueState, 'not-string'>
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
  /** `undefined` when nothing is at the path; stat only, so a FIFO or a device is described, never opened. */
  fileInfo(path: string): Promise<FileInfo | undefined>
  /** The text of a regular file of that kind within its cap, or why it was not read. */
  readText(path: string, kind: NodeInputKind): Promise<FileRead<string>>
  /** An env file (or a rendered template read as one): names, lines and value states, values registered. */
  readEnvFile(path: string): Promise<FileRead<EnvFile>>
  /** The mount table; empty where the system has none. */
  mounts(): Promise<readonly Mount[]>
  /** Whether a process with that pid exists (EPERM counts as alive: it exists, we may not signal it). */
  processAlive(pid: number): Promise<boolean>
  /** The argv of a process where the system shows it (Linux /proc); `undefined` when it cannot be read. */
  processArgs(pid: number): Promise<readonly string[] | undefined>
  /** The doctor's own environment (the agent is expected to share it when run on the node). */
  env(name: string): string | undefined
}
