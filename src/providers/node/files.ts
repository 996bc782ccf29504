// Files on the node, read the one safe way (src/core/files.ts): stat describes whatever is at a path without
// opening it, and contents come only from regular files within the cap of their kind. A refusal is an
// answer the checks turn into a finding, never an exception.
import { realpath, stat } from 'node:fs/promises'
import { InputFileError, readInput, type InputKind } from '../../core/files.js'
import { ProviderError } from '../../core/provider.js'
import type { FileInfo, FileRead, FileRefusal } from './api.js'

const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'I/O error',
}

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code

/** `EACCES: permission denied`, or the bare code. */
const describeErrno = (code: string | undefined): string =>
  code ? (ERRNO_WORDS[code] ? `${code}: ${ERRNO_WORDS[code]}` : code) : 'unknown error'

/** The refusal as a finding quotes it: one sentence that starts with the path. */
function refusalOf(e: InputFileError): FileRefusal {
  // core/files words a failed read "cannot read <path> (…)": reword it to lead with the path like the rest.
  const reason =
    e.problem === 'unreadable'
      ? `${e.path} cannot be read by the doctor (${describeErrno(e.code)})`
      : e.message
  return { ok: false, path: e.path, problem: e.problem, reason }
}

/** Reads a file of a kind, answering with its text or why it was not read. */
export async function readKind(path: string, kind: InputKind): Promise<FileRead<string>> {
  try {
    return { ok: true, value: await readInput(path, kind) }
  } catch (e) {
    if (e instanceof InputFileError) return refusalOf(e)
    throw e
  }
}

/** stat (following symlinks) and the resolved path; `undefined` when nothing is there. */
export async function fileInfo(path: string): Promise<FileInfo | undefined> {
  let s: Awaited<ReturnType<typeof stat>>
  try {
    s = await stat(path)
  } catch (e) {
    const code = errnoOf(e)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw new ProviderError(
      'node',
      code === 'EACCES' || code === 'EPERM' ? 'denied' : 'unexpected',
      `${path} cannot be examined (${describeErrno(code)})`,
      { path },
    )
  }
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
}
