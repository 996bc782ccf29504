// The node provider on real files: what a broken node holds instead of a file (a FIFO, a directory, a
// device, a file over its cap, one the doctor may not read) is named and never read, so nothing hangs; the
// wording is the one the checks quote. Runs as root too: the unreadable cases drop the effective uid.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { isProviderError, type ProviderSession } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact, resetRedactor } from '../../src/core/redact.js'
import type { NodeApi } from '../../src/providers/node/api.js'
import { parseEnvText } from '../../src/providers/node/model.js'
import nodeProvider from '../../src/providers/node/provider.js'
import { randomTexts } from '../fixtures/node/random-text.js'

const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-node-'))
const at = (name: string) => join(dir, name)
const FIFO = at('pipeline.env.fifo')

function api(env: NodeJS.ProcessEnv = {}): NodeApi {
  const session: ProviderSession = {
    config: defaultConfig(),
    signal: new AbortController().signal,
    timeoutMs: 5000,
    offline: false,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env,
  }
  return nodeProvider.create(session as never)
}

/** Runs `fn` with the effective uid of `nobody` when the tests run as root (root reads every file). */
async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  const root = process.geteuid?.() === 0
  if (root) process.seteuid?.(65534)
  try {
    return await fn()
  } finally {
    if (root) process.seteuid?.(0)
  }
}

/** Bounds a read that must not block: a FIFO opened for reading waits for a writer forever. */
const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms),
    ),
  ])

beforeAll(() => {
  expect(spawnSync('mkfifo', [FIFO]).status).toBe(0)
  symlinkSync(FIFO, at('link-to-fifo.env'))
  mkdirSync(at('a-directory.env'))
  writeFileSync(at('huge.env'), 'A=1\n'.repeat(600_000))
  writeFileSync(at('ok.env'), 'KAFKA_PASSWORD=CANARY-node-provider-5e1f\nEMPTY=\nPLACEHOLDER=<no value>\n', {
    mode: 0o600,
  })
  mkdirSync(at('open'), { mode: 0o755 })
  chmodSync(at('open'), 0o755)
  writeFileSync(at('open/private.env'), 'A=1\n', { mode: 0o600 })
  chmodSync(dir, 0o755)
  mkdirSync(at('closed'), { mode: 0o700 })
  writeFileSync(at('closed/inside.env'), 'A=1\n')
  chmodSync(at('closed'), 0o700)
})

afterAll(() => resetRedactor())

describe('node provider: reads only regular files, within their cap', () => {
  it('names a FIFO and returns at once instead of waiting for a writer', async () => {
    const node = api()
    const t0 = performance.now()
    const r = await within(2000, node.readEnvFile(FIFO))
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(r).toEqual({
      ok: false,
      path: FIFO,
      problem: 'not-regular',
      reason: `${FIFO} is a FIFO (named pipe), not a regular file: not read`,
    })
    const link = await within(2000, node.readText(at('link-to-fifo.env'), 'pipeline config'))
    expect(link).toMatchObject({ ok: false, problem: 'not-regular' })
    expect(await within(2000, node.readText(FIFO, 'pid file'))).toMatchObject({ problem: 'not-regular' })
    expect(await within(2000, node.readText(FIFO, 'agent config'))).toMatchObject({ problem: 'not-regular' })
  })

  it('names a directory (no EISDIR) and a device (/dev/zero is never read)', async () => {
    const node = api()
    expect(await node.readEnvFile(at('a-directory.env'))).toMatchObject({
      ok: false,
      problem: 'not-regular',
      reason: `${at('a-directory.env')} is a directory, not a regular file: not read`,
    })
    const t0 = performance.now()
    expect(await within(2000, node.readText('/dev/zero', 'template'))).toEqual({
      ok: false,
      path: '/dev/zero',
      problem: 'not-regular',
      reason: '/dev/zero is a character device, not a regular file: not read',
    })
    expect(performance.now() - t0).toBeLessThan(1000)
  })

  it('refuses a file over the cap of its kind, naming the size and the cap', async () => {
    const r = await api().readEnvFile(at('huge.env'))
    expect(r).toMatchObject({ ok: false, problem: 'too-large' })
    expect(!r.ok && r.reason).toBe(
      `${at('huge.env')} is 2,400,000 bytes, over the 1 MiB cap for an env file: not read`,
    )
    // The cap is the kind's: the same file is over a pipeline config's too, and says so in that kind's words.
    const p = await api().readText(at('huge.env'), 'pipeline config')
    expect(!p.ok && p.reason).toBe(
      `${at('huge.env')} is 2,400,000 bytes, over the 1 MiB cap for a pipeline config: not read`,
    )
  })

  it('says a file is missing without calling it an error', async () => {
    expect(await api().readEnvFile(at('nope.env'))).toMatchObject({ ok: false, problem: 'missing' })
    expect(await api().fileInfo(at('nope.env'))).toBeUndefined()
  })

  it('names a file the doctor may not read, with the errno in words', async () => {
    const path = at('open/private.env')
    const r = await asUnprivileged(() => api().readEnvFile(path))
    expect(r).toEqual({
      ok: false,
      path,
      problem: 'unreadable',
      reason: `${path} cannot be read by the doctor (EACCES: permission denied)`,
    })
  })

  it('describes a FIFO by stat without opening it, and turns an unsearchable folder into a provider error', async () => {
    const info = await within(2000, api().fileInfo(FIFO))
    expect(info).toMatchObject({ path: FIFO, isFile: false })
    const inside = at('closed/inside.env')
    const e = await asUnprivileged(() => api().fileInfo(inside)).catch((x: unknown) => x)
    expect(isProviderError(e) && [e.provider, e.kind, e.message]).toEqual([
      'node',
      'denied',
      `${inside} cannot be examined (EACCES: permission denied)`,
    ])
  })

  it('parses an env file with lines and value states, registering only real values with the redactor', async () => {
    const r = await api().readEnvFile(at('ok.env'))
    expect(r.ok && r.value.entries).toEqual([
      { name: 'KAFKA_PASSWORD', line: 1, valueState: 'set' },
      { name: 'EMPTY', line: 2, valueState: 'empty' },
      { name: 'PLACEHOLDER', line: 3, valueState: 'no-value' },
    ])
    expect(redact('x CANARY-node-provider-5e1f y')).not.toContain('CANARY-node-provider-5e1f')
    expect(redact('<no value>')).toBe('<no value>')
  })

  it('memoizes per run: ten checks reading one file read it once', async () => {
    const node = api()
    const [a, b] = await Promise.all([node.readEnvFile(at('ok.env')), node.readEnvFile(at('ok.env'))])
    expect(a).toBe(b)
  })
})

describe('node provider: mounts and processes', () => {
  it('reads the mount table, empty where there is none, and names one that is not a file', async () => {
    writeFileSync(
      at('mounts'),
      'tmpfs /run tmpfs rw 0 0\n/dev/sda1 / ext4 rw 0 0\n/dev/x /with\\040space xfs rw 0 0\n',
    )
    expect(await api({ EDGE_SECRETS_MOUNTS_FILE: at('mounts') }).mounts()).toEqual([
      { device: 'tmpfs', mountPoint: '/run', fsType: 'tmpfs' },
      { device: '/dev/sda1', mountPoint: '/', fsType: 'ext4' },
      { device: '/dev/x', mountPoint: '/with space', fsType: 'xfs' },
    ])
    expect(await api({ EDGE_SECRETS_MOUNTS_FILE: at('no-mounts') }).mounts()).toEqual([])
    const e = await within(2000, api({ EDGE_SECRETS_MOUNTS_FILE: FIFO }).mounts()).catch((x: unknown) => x)
    expect(isProviderError(e) && e.message).toBe(
      `the mount table ${FIFO} is a FIFO (named pipe), not a regular file: not read`,
    )
  })

  it('tells a live process from a dead or impossible pid, and reads its argv where /proc shows it', async () => {
    const node = api()
    expect(await node.processAlive(process.pid)).toBe(true)
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number
    expect(await node.processAlive(dead)).toBe(false)
    for (const pid of [0, -1, 2 ** 40, Number.NaN]) expect(await node.processAlive(pid)).toBe(false)
    if (process.platform === 'linux')
      expect((await node.processArgs(process.pid))?.[0]).toBe(process.execPath)
    expect(await node.processArgs(dead)).toBeUndefined()
  })
})

describe('node model: env files', () => {
  it('numbers lines through quotes, `export`, CRLF and repeated names (the last value wins)', () => {
    const text = 'export A=1\r\nB="multi\nline"\n# c\n\nC=x\nnot an assignment\nA=\n'
    expect(parseEnvText('/e', text)).toEqual({
      path: '/e',
      entries: [
        { name: 'A', line: 8, valueState: 'empty' },
        { name: 'B', line: 2, valueState: 'set' },
        { name: 'C', line: 6, valueState: 'set' },
      ],
      malformedLines: [7],
    })
  })

  it('answers any text with entries and line numbers inside the file, never an exception', () => {
    const pieces = [
      'A',
      '=',
      '"',
      "'",
      '`',
      '\n',
      '\r\n',
      ' ',
      '#',
      'export ',
      'x',
      '\\',
      '\u0000',
      '=null',
      '<no value>',
    ]
    for (const text of randomTexts(pieces, 3000, 30, 0xe27)) {
      const lines = text.split(/\r?\n/).length
      const env = parseEnvText('/fuzz', text)
      for (const e of env.entries) expect(e.line).toBeLessThanOrEqual(lines)
      for (const l of env.malformedLines) expect(l).toBeLessThanOrEqual(lines)
    }
  })
})
