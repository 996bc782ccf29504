// Canaries: secret values planted where a careless path would print them — in an error a server echoes, in
// a finding's item, in details and commands, and in what an SDK writes to stderr under DEBUG — rendered in
// all six formats, to stdout and to a file (-o), with --verbose. None may come out. The positive control
// runs the same thing with the redactor switched off and must see them: otherwise the test proves nothing.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Check } from '../src/core/check.js'
import type * as RedactModule from '../src/core/redact.js'

// 1, 4, 8 and 40 characters. The one-character value is never masked (CONTRACT: values are never printed,
// and a one-character mask would blank the report), so it is planted as a value only, never echoed.
const ONE = '¤'
const FOUR = 'Zq7¤'
const EIGHT = 'Q9v#Lm2¤'
const FORTY = 'CANARY-forty-characters-0123456789abcdef'
const ECHOED = [FOUR, EIGHT, FORTY]
const FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown', 'github'] as const

/** A node check that behaves like the worst case: it sees values and a server echoes them back. */
function leakyCheck(registerSecret: (v: string) => void): Check {
  return {
    id: 'node.canary',
    title: 'A check that handles secret values',
    description: 'test only',
    provider: 'node',
    category: 'config',
    network: false,
    findings: {
      echoed: {
        status: 'fail',
        severity: 'high',
        message: 'the server said: {{reason}}',
        remedies: ['bp.rotation'],
      },
    },
    async run() {
      for (const v of [ONE, ...ECHOED]) registerSecret(v)
      // What an SDK's DEBUG logging writes, past every formatter.
      process.stderr.write(`DEBUG response body {"password":"${FORTY}","pin":"${FOUR}","key":"${EIGHT}"}\n`)
      return {
        kind: 'found',
        finding: 'echoed',
        vars: { reason: `invalid value ${FOUR} for field password (was ${EIGHT})` },
        details: [`payload ${FORTY}`],
        items: [{ name: `secret ${EIGHT}`, detail: `value ${FORTY}` }],
        commands: { 'bp.rotation': [`rotate --old ${FORTY}`] },
      }
    },
  } as unknown as Check
}

interface Captured {
  readonly out: string
}

async function runAllFormats(): Promise<Captured[]> {
  const { runDoctor } = await import('../src/app/doctor.js')
  const { registerSecret } = await import('../src/core/redact.js')
  const dir = mkdtempSync(join(tmpdir(), 'es-canary-'))
  const results: Captured[] = []
  for (const [i, format] of FORMATS.entries()) {
    const stdout = new PassThrough() as unknown as NodeJS.WriteStream
    const stderr = new PassThrough() as unknown as NodeJS.WriteStream
    let out = ''
    ;(stdout as unknown as PassThrough).on('data', (d: Buffer) => (out += d.toString()))
    ;(stderr as unknown as PassThrough).on('data', (d: Buffer) => (out += d.toString()))
    // The SDK's DEBUG line goes to the process's stderr: capture it the same way.
    const realWrite = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => stderr.write(chunk)) as typeof process.stderr.write
    const output = i % 2 ? join(dir, `report.${format}`) : undefined
    try {
      await runDoctor({
        catalogue: [leakyCheck(registerSecret)],
        format,
        output,
        verbose: true,
        env: { DEBUG: '*' },
        cwd: dir,
        stdout,
        stderr,
        resolvedConfig: (await import('../src/app/config.js')).defaultConfig(),
      })
    } finally {
      process.stderr.write = realWrite
    }
    results.push({ out: out + (output ? readFileSync(output, 'utf8') : '') })
  }
  return results
}

afterEach(() => {
  vi.doUnmock('../src/core/redact.js')
  vi.resetModules()
})

describe('canaries', () => {
  it('no planted value reaches any format, on stdout or in a file, with --verbose and DEBUG=*', async () => {
    vi.resetModules()
    const runs = await runAllFormats()
    expect(runs).toHaveLength(6)
    for (const [i, r] of runs.entries()) {
      for (const c of [ONE, ...ECHOED]) expect(r.out, `${FORMATS[i]} leaked ${c}`).not.toContain(c)
      expect(r.out).toContain('[REDACTED]')
    }
  })

  it('positive control: with the redactor switched off, the same runs do print the canaries', async () => {
    vi.resetModules()
    vi.doMock('../src/core/redact.js', async (importOriginal) => {
      const real = await importOriginal<typeof RedactModule>()
      return { ...real, redact: (s: string) => s, registerSecret: () => {}, guardStream: () => {} }
    })
    const runs = await runAllFormats()
    const seen = runs.map((r) => ECHOED.filter((c) => r.out.includes(c)))
    for (const [i, s] of seen.entries()) expect(s, `${FORMATS[i]} with the redactor off`).toEqual(ECHOED)
  })
})
