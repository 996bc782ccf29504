// Every file the doctor reads passes here. A doctor runs on a broken node: a path may be a FIFO (which
// would block the process forever), a device (`/dev/zero` never ends), a directory, or a file far larger
// than any config. Only regular files are read, each kind of input has a stated size cap, and what is
// refused says which path, why, and the cap.
import { readFileSync, statSync, type Stats } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'

/** Size caps per kind of input, in bytes. Generous for real files, small enough to never exhaust a node. */
export const INPUT_CAPS = {
  config: 1 << 20,
  'env file': 1 << 20,
  'agent config': 1 << 20,
  template: 1 << 20,
  'pipeline config': 1 << 20,
  manifest: 32 << 20,
  'token file': 64 << 10,
  'pid file': 4 << 10,
  'CA file': 1 << 20,
  'credentials file': 1 << 20,
  'secret file': 1 << 20,
  'mount table': 4 << 20,
  'process cmdline': 64 << 10,
  /** A one-line fact the kernel publishes (/sys/class/dmi/id/product_name). */
  'system file': 4 << 10,
} as const

export type InputKind = keyof typeof INPUT_CAPS

export type InputProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable'

export class InputFileError extends Error {
  override readonly name = 'InputFileError'
  constructor(
    readonly path: string,
    readonly problem: InputProblem,
    message: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

const KIND_WORDS: [(s: Stats) => boolean, string][] = [
  [(s) => s.isDirectory(), 'a directory'],
  [(s) => s.isFIFO(), 'a FIFO (named pipe)'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isSocket(), 'a socket'],
]

/** `1 MiB`, `64 KiB`, `512 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1 << 10) return `${+(n / (1 << 10)).toFixed(1)} KiB`
  return `${n} bytes`
}

function judge(path: string, kind: InputKind, s: Stats): void {
  if (!s.isFile()) {
    const what = KIND_WORDS.find(([test]) => test(s))?.[1] ?? 'not a regular file'
    throw new InputFileError(path, 'not-regular', `${path} is ${what}, not a regular file: not read`)
  }
  if (s.size > INPUT_CAPS[kind]) throw tooLarge(path, kind, s.size)
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a')

const tooLarge = (path: string, kind: InputKind, size: number) =>
  new InputFileError(
    path,
    'too-large',
    `${path} is ${size.toLocaleString('en-US')} bytes, over the ${formatBytes(INPUT_CAPS[kind])} cap for ${article(kind)} ${kind}: not read`,
  )

function fromErrno(path: string, e: unknown): InputFileError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new InputFileError(path, 'missing', `${path} does not exist`, code)
  return new InputFileError(path, 'unreadable', `cannot read ${path} (${code ?? (e as Error).message})`, code)
}

/** Reads a regular file of a known kind within its cap; InputFileError otherwise. */
export async function readInput(path: string, kind: InputKind): Promise<string> {
  let s: Stats
  try {
    s = await stat(path)
  } catch (e) {
    throw fromErrno(path, e)
  }
  judge(path, kind, s)
  try {
    // The cap is checked again on what was read: a file may grow between stat and read.
    const text = await readFile(path, 'utf8')
    const size = Buffer.byteLength(text)
    if (size > INPUT_CAPS[kind]) throw tooLarge(path, kind, size)
    return text
  } catch (e) {
    throw e instanceof InputFileError ? e : fromErrno(path, e)
  }
}

/** Like readInput, for the config loader, which runs before anything asynchronous is set up. */
export function readInputSync(path: string, kind: InputKind): string {
  let s: Stats
  try {
    s = statSync(path)
  } catch (e) {
    throw fromErrno(path, e)
  }
  judge(path, kind, s)
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw fromErrno(path, e)
  }
}

/** readInput, but a missing file is `undefined` rather than an error. */
export async function readOptionalInput(path: string, kind: InputKind): Promise<string | undefined> {
  try {
    return await readInput(path, kind)
  } catch (e) {
    if (e instanceof InputFileError && e.problem === 'missing') return undefined
    throw e
  }
}
