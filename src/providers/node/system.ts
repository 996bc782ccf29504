// The system around the files: which filesystem a path is on, and which processes run. Linux shows both
// under /proc; elsewhere the answers are empty and the checks say they could not tell.
import { ProviderError } from '../../core/provider.js'
import type { InputKind } from '../../core/files.js'
import { readKind } from './files.js'
import type { Mount } from './api.js'
import { parseMounts } from './model.js'

const MOUNT_TABLE: InputKind = 'mount table'
const COMMAND_LINE: InputKind = 'process cmdline'

/** The mount table at `file` (/proc/self/mounts); none where the system has none. */
export async function readMounts(file: string): Promise<readonly Mount[]> {
  const read = await readKind(file, MOUNT_TABLE)
  if (read.ok) return parseMounts(read.value)
  if (read.problem === 'missing') return []
  throw new ProviderError('node', 'invalid', `the mount table ${read.reason}`, { path: file })
}

/** Whether a process exists: signal 0 checks without sending anything. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: the process exists and belongs to someone else. An out-of-range pid cannot exist.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A process's argv from /proc/<pid>/cmdline (NUL-separated); `undefined` where it cannot be read. */
export async function processArgs(pid: number): Promise<readonly string[] | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined
  const read = await readKind(`/proc/${pid}/cmdline`, COMMAND_LINE)
  return read.ok ? read.value.split('\0').filter(Boolean) : undefined
}
