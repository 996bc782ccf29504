import { describe, expect, it } from 'vitest'
import { found, pass, skip, type Check } from './check.js'
import { configLoader } from './config.js'
import { defineProvider, ProviderError } from './provider.js'
import { registerSecret } from './redact.js'
import { exitCodeFor, summarize } from './report.js'
import { globMatcher, runChecks, splitIgnores } from './run.js'

const base = {
  title: 'fake',
  description: 'a fake check for runner tests',
  provider: 'node' as const,
  category: 'config' as const,
  network: false,
  findings: {
    broken: {
      status: 'fail',
      severity: 'critical',
      message: 'broken: {{what}}',
      remedies: ['auth.verify-iam'],
    },
    shaky: { status: 'warn', severity: 'medium', message: 'shaky', remedies: ['refresh.check-interval'] },
  },
} as const

const make = (id: string, run: Check['run'], extra: Partial<Check> = {}): Check =>
  ({ ...base, id, run, ...extra }) as Check

// The runner knows providers only through the registry it is given: here, a node that is always there and a
// vault that is never configured.
const { defaultConfig } = configLoader({})
const providers = [
  defineProvider({
    id: 'node',
    title: 'Node',
    configured: () => true,
    notConfigured: '',
    create: () => ({}),
  }),
  defineProvider({
    id: 'vault',
    title: 'HashiCorp Vault',
    configured: () => false,
    notConfigured: 'no Vault here',
    create: () => ({}),
  }),
]

const passes = (id: string, extra: Partial<Check> = {}) => make(id, async () => pass('fine'), extra)
const fails = (id: string, extra: Partial<Check> = {}) =>
  make(id, async () => found('broken', { what: 'it' }), extra)
const hangs = (id: string) => make(id, () => new Promise(() => {}))

const run = (checks: Check[], opts: Partial<Parameters<typeof runChecks>[0]> = {}) =>
  runChecks({ checks, providers, config: defaultConfig(), env: {}, ...opts })

describe('runChecks', () => {
  it('reports pass, found, skip and a thrown error, in registry order', async () => {
    const report = await run([
      passes('node.a'),
      fails('node.b'),
      make('node.c', async () => skip('not-applicable', 'nothing here')),
      make('node.d', async () => {
        throw new Error('boom')
      }),
      make('node.e', async () => {
        throw new ProviderError('vault', 'denied', 'permission denied', { status: 403 })
      }),
    ])
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['node.a', 'pass'],
      ['node.b', 'fail'],
      ['node.c', 'skip'],
      ['node.d', 'error'],
      ['node.e', 'error'],
    ])
    const b = report.checks[1]
    expect(b?.summary).toBe('broken: it')
    expect(b?.severity).toBe('critical')
    expect(b?.remedies.map((r) => r.id)).toEqual(['auth.verify-iam'])
    expect(b?.remedies[0]?.source).toBe('doc')
    expect(report.checks[2]?.skipReason).toBe('not-applicable')
    expect(report.checks[3]?.summary).toBe('check crashed: boom')
    expect(report.checks[4]?.summary).toBe('vault: permission denied')
    expect(report.checks[4]?.details).toEqual(['status: 403'])
    expect(report.summary).toEqual({ total: 5, pass: 1, warn: 0, fail: 1, error: 2, skip: 1 })
    expect(report.exitCode).toBe(1)
  })

  it('merges several findings: the worst sets the status, every remedy is kept once', async () => {
    const report = await run([
      make('node.multi', async () => [
        found('shaky'),
        found('broken', { what: 'x' }, { commands: { 'auth.verify-iam': ['aws iam get-role'] } }),
      ]),
    ])
    const c = report.checks[0]
    expect(c?.status).toBe('fail')
    expect(c?.findings?.map((f) => f.key)).toEqual(['broken', 'shaky'])
    expect(c?.remedies.map((r) => r.id)).toEqual(['auth.verify-iam', 'refresh.check-interval'])
    expect(c?.remedies[0]?.commands).toEqual(['aws iam get-role'])
    expect(c?.summary).toBe('broken: x (+1 more finding)')
  })

  it('skips a check whose need did not pass, naming it', async () => {
    const report = await run([fails('node.root'), passes('node.leaf', { needs: ['node.root'] })])
    expect(report.checks[1]).toMatchObject({
      status: 'skip',
      skipReason: 'dependency-failed',
      skipDetail: 'node.root did not pass (fail)',
    })
  })

  it('runs a check whose need only warned', async () => {
    const report = await run([
      make('node.root', async () => found('shaky')),
      passes('node.leaf', { needs: ['node.root'] }),
    ])
    expect(report.checks[1]?.status).toBe('pass')
  })

  it('isolates a hanging check as error at its timeout, and the run goes on', async () => {
    const t0 = Date.now()
    const report = await run([hangs('node.hang'), passes('node.ok')], { timeoutMs: 200 })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(report.checks[0]).toMatchObject({ status: 'error' })
    expect(report.checks[0]?.summary).toMatch(/no answer within 200ms/)
    expect(report.checks[1]?.status).toBe('pass')
    expect(report.exitCode).toBe(3)
  })

  it('ends unfinished checks as error at the deadline', async () => {
    const t0 = Date.now()
    const report = await run([hangs('node.h1'), hangs('node.h2'), hangs('node.h3')], {
      timeoutMs: 10_000,
      deadlineMs: 300,
      concurrency: 1,
    })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(report.checks.every((c) => c.status === 'error')).toBe(true)
    expect(report.checks[0]?.summary).toMatch(/deadline \(300ms\)/)
  })

  it('never runs more than --concurrency checks at once', async () => {
    let live = 0
    let peak = 0
    const slow = (id: string) =>
      make(id, async () => {
        live++
        peak = Math.max(peak, live)
        await new Promise((r) => setTimeout(r, 20))
        live--
        return pass()
      })
    await run(
      Array.from({ length: 10 }, (_, i) => slow(`node.s${i}`)),
      { concurrency: 3 },
    )
    expect(peak).toBe(3)
  })

  it('gives a freed slot to the check with the longest chain behind it, not the first in line', async () => {
    const started: string[] = []
    const step = (id: string, extra: Partial<Check> = {}) =>
      make(
        id,
        async () => {
          started.push(id)
          await new Promise((r) => setTimeout(r, 10))
          return pass()
        },
        extra,
      )
    // One slot: the leaves are queued first, yet node.b (two checks behind it) goes before them.
    await run(
      [
        step('node.a'),
        step('node.leaf1'),
        step('node.leaf2'),
        step('node.b'),
        step('node.c', { needs: ['node.b'] }),
        step('node.d', { needs: ['node.c'] }),
      ],
      { concurrency: 1 },
    )
    expect(started.slice(0, 2)).toEqual(['node.a', 'node.b'])
    expect(started.indexOf('node.c')).toBeLessThan(started.indexOf('node.leaf2'))
  })

  it('ends with a partial report when interrupted', async () => {
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 100)
    const report = await run([passes('node.done'), hangs('node.hang')], {
      signal: ctl.signal,
      timeoutMs: 10_000,
    })
    expect(report.interrupted).toBe(true)
    expect(report.checks[0]?.status).toBe('pass')
    expect(report.checks[1]?.summary).toMatch(/interrupted/)
  })

  it('filters with --only/--skip globs but still runs what a selected check needs', async () => {
    const report = await run(
      [passes('node.root'), passes('node.leaf', { needs: ['node.root'] }), passes('node.other')],
      { only: ['node.leaf'] },
    )
    expect(report.checks.map((c) => [c.id, c.status, c.skipReason])).toEqual([
      ['node.root', 'pass', undefined],
      ['node.leaf', 'pass', undefined],
      ['node.other', 'skip', 'filtered'],
    ])
    const skipped = await run([passes('node.a'), passes('node.b')], { skip: ['node.b'] })
    expect(skipped.checks[1]?.skipReason).toBe('filtered')
  })

  it('applies ignore entries with their reason until they expire', async () => {
    const config = defaultConfig({
      ignore: [
        { check: 'node.b', reason: 'platform team owns it', until: '2999-01-01' },
        { check: 'node.c', reason: 'old', until: '2020-01-01' },
      ],
    })
    const report = await run([passes('node.a'), fails('node.b'), fails('node.c')], { config })
    expect(report.checks[1]).toMatchObject({ status: 'skip', skipReason: 'ignored' })
    expect(report.checks[1]?.skipDetail).toContain('platform team owns it')
    expect(report.checks[2]?.status).toBe('fail')
    expect(report.expiredIgnores).toEqual([{ check: 'node.c', reason: 'old', until: '2020-01-01' }])
  })

  it('skips network checks offline and unconfigured providers', async () => {
    const report = await run(
      [passes('node.net', { network: true }), passes('vault.x', { provider: 'vault' })],
      {
        offline: true,
      },
    )
    expect(report.checks.map((c) => c.skipReason)).toEqual(['offline', 'not-configured'])
  })

  it('runs runsLast checks after the others', async () => {
    const order: string[] = []
    const rec = (id: string, extra: Partial<Check> = {}) =>
      make(
        id,
        async () => {
          await new Promise((r) => setTimeout(r, id === 'node.slow' ? 50 : 0))
          order.push(id)
          return pass()
        },
        extra,
      )
    await run([rec('node.last', { runsLast: true }), rec('node.slow'), rec('node.fast')])
    expect(order.at(-1)).toBe('node.last')
  })

  it('redacts registered secret values from summaries and details', async () => {
    registerSecret('CANARY-runner-9d1e')
    const report = await run([
      make('node.leaky', async () => {
        throw new Error('value CANARY-runner-9d1e leaked')
      }),
    ])
    expect(JSON.stringify(report)).not.toContain('CANARY-runner-9d1e')
  })
})

describe('exit codes (CONTRACT §1)', () => {
  const s = (o: Partial<Record<'pass' | 'warn' | 'fail' | 'error' | 'skip', number>>) =>
    summarize(
      Object.entries(o).flatMap(([status, n]) => Array.from({ length: n ?? 0 }, () => ({ status }) as never)),
    )
  it.each([
    [{ pass: 3 }, 'fail', 0],
    [{ warn: 1 }, 'fail', 0],
    [{ warn: 1 }, 'warn', 1],
    [{ fail: 1, error: 1 }, 'fail', 1],
    [{ error: 1 }, 'fail', 3],
    [{ error: 1, warn: 1 }, 'warn', 1],
    [{ fail: 1 }, 'never', 0],
    [{ error: 1 }, 'never', 0],
  ] as const)('%o with --fail-on %s → %i', (counts, failOn, code) => {
    expect(exitCodeFor(s(counts), failOn)).toBe(code)
  })
})

describe('helpers', () => {
  it('globs: a bare provider means all its checks', () => {
    expect(globMatcher(['vault'])('vault.tls')).toBe(true)
    expect(globMatcher(['vault.*'])('aws.identity')).toBe(false)
    expect(globMatcher(['*.latency'])('aws.latency')).toBe(true)
  })
  it('ignore entries apply through their last day', () => {
    const { active, expired } = splitIgnores(
      [
        { check: 'a', reason: 'r', until: '2026-11-28' },
        { check: 'b', reason: 'r', until: '2026-11-27' },
        { check: 'c', reason: 'r' },
      ],
      new Date('2026-11-28T23:00:00Z'),
    )
    expect(active.map((e) => e.check)).toEqual(['a', 'c'])
    expect(expired.map((e) => e.check)).toEqual(['b'])
  })
})
