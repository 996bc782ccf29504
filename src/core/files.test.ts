import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  INPUT_CAPS,
  InputFileError,
  readInput,
  readInputSync,
  readOptionalInput,
} from './files.js'

const dir = mkdtempSync(join(tmpdir(), 'es-files-'))
const fifo = join(dir, 'fifo')
execFileSync('mkfifo', [fifo])
const folder = join(dir, 'folder')
mkdirSync(folder)
const big = join(dir, 'big.env')
writeFileSync(big, Buffer.alloc(INPUT_CAPS['env file'] + 1, 0x41))
const ok = join(dir, 'ok.env')
writeFileSync(ok, 'A=1\n')

const problem = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(InputFileError)
    return [(e as InputFileError).problem, (e as InputFileError).message]
  }
  throw new Error('expected an InputFileError')
}

describe('readInput: only regular files, within a cap, and the process always exits', () => {
  it('refuses a FIFO without opening it (opening would block forever)', async () => {
    expect(await problem(readInput(fifo, 'env file'))).toEqual([
      'not-regular',
      `${fifo} is a FIFO (named pipe), not a regular file: not read`,
    ])
  })
  it('refuses a directory and a character device', async () => {
    expect((await problem(readInput(folder, 'env file')))[0]).toBe('not-regular')
    expect(await problem(readInput('/dev/zero', 'agent config'))).toEqual([
      'not-regular',
      '/dev/zero is a character device, not a regular file: not read',
    ])
  })
  it('refuses a file over its cap, naming the cap', async () => {
    expect(await problem(readInput(big, 'env file'))).toEqual([
      'too-large',
      `${big} is 1,048,577 bytes, over the 1 MiB cap for an env file: not read`,
    ])
  })
  it('formats sizes for people', () => {
    expect([
      formatBytes(512),
      formatBytes(64 << 10),
      formatBytes(1 << 20),
      formatBytes(1.5 * (1 << 20)),
    ]).toEqual(['512 bytes', '64 KiB', '1 MiB', '1.5 MiB'])
  })
  it('reads a regular file; a missing one is `missing`, or undefined with readOptionalInput', async () => {
    expect(await readInput(ok, 'env file')).toBe('A=1\n')
    expect(readInputSync(ok, 'config')).toBe('A=1\n')
    expect((await problem(readInput(join(dir, 'nope'), 'env file')))[0]).toBe('missing')
    expect(await readOptionalInput(join(dir, 'nope'), 'env file')).toBeUndefined()
    await expect(readOptionalInput(fifo, 'env file')).rejects.toThrow(/FIFO/)
  })
})
