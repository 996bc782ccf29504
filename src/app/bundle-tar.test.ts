import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readBundleEntry, tarGz } from './bundle-tar.js'

const files = [
  { path: 'MANIFEST.json', content: '{}' },
  { path: 'report.json', content: '{"a":1}' },
]

describe('bundle tar', () => {
  it('writes a .tar.gz GNU tar lists, with 0600 entries, and reads an entry back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-tar-'))
    const file = join(dir, 'b.tar.gz')
    writeFileSync(file, await tarGz(files, new Date('2026-11-27T10:00:00Z')))
    const listing = execFileSync('tar', ['tvzf', file], { encoding: 'utf8' })
    expect(listing).toMatch(/-rw------- root\/root\s+2 2026-11-27 \d\d:00 MANIFEST.json/)
    expect(listing).toContain('report.json')
    expect(await readBundleEntry(readFileSync(file), 'report.json', 100)).toEqual({
      kind: 'found',
      path: 'report.json',
      text: '{"a":1}',
    })
  })

  it('finds the entry in a bundle re-packed into a folder by GNU tar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-tar-'))
    mkdirSync(join(dir, 'ticket-4711'))
    writeFileSync(join(dir, 'orig.tgz'), await tarGz(files, new Date()))
    execFileSync('tar', ['xzf', '../orig.tgz'], { cwd: join(dir, 'ticket-4711') })
    execFileSync('tar', ['czf', 'repacked.tgz', 'ticket-4711'], { cwd: dir })
    const r = await readBundleEntry(readFileSync(join(dir, 'repacked.tgz')), 'report.json', 100)
    expect(r).toMatchObject({ kind: 'found', path: 'ticket-4711/report.json' })
  })

  it('names what is wrong with a broken, foreign or oversized archive instead of throwing', async () => {
    const tgz = await tarGz(files, new Date())
    expect(await readBundleEntry(tgz, 'nope.json', 100)).toEqual({
      kind: 'missing',
      reason: 'a tar archive without nope.json',
    })
    expect((await readBundleEntry(tgz, 'report.json', 3)).kind).toBe('invalid')
    expect((await readBundleEntry(Buffer.from('plain text, not tar'), 'report.json', 100)).kind).not.toBe(
      'found',
    )
    expect((await readBundleEntry(tgz.subarray(0, 20), 'report.json', 100)).kind).not.toBe('found')
    expect((await readBundleEntry(gzipSync('x'.repeat(5000)), 'report.json', 100)).kind).not.toBe('found')
  })
})
