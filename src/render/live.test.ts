import { Writable } from 'node:stream'
import { Chalk } from 'chalk'
import { describe, expect, it } from 'vitest'
import type { Check } from '../core/check.js'
import type { CheckResult } from '../core/report.js'
import { finishedTitle, groupTitle, liveProgress, runningSeconds, SLOW_AFTER_MS } from './live.js'

const plain = new Chalk({ level: 0 })
const result = (
  id: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  id,
  title: id,
  provider: id.split('.')[0]!,
  category: 'config',
  severity: 'high',
  status,
  summary: `${status} summary`,
  remedies: [],
  durationMs: 5,
  ...extra,
})
const check = (id: string): Check => ({
  id,
  title: id,
  description: id,
  provider: id.split('.')[0]!,
  category: 'config',
  network: false,
  findings: {},
  run: async () => ({ kind: 'pass' }),
})

/** A terminal that keeps what was drawn on it. */
function terminal() {
  let drawn = ''
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      drawn += chunk.toString()
      done()
    },
  }) as unknown as NodeJS.WriteStream
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40 })
  return { stream, raw: () => drawn }
}

describe('live view symbols', () => {
  it('a finished check says what happened, its time its own', () => {
    expect(finishedTitle(result('vault.tls', 'pass'), plain)).toBe('✔ vault.tls pass summary')
    expect(finishedTitle(result('vault.tls', 'warn', { durationMs: 1500 }), plain)).toBe(
      '⚠ vault.tls warning: warn summary (1.5s)',
    )
    // listr2 draws its ✖ before a failed task: no second symbol.
    expect(finishedTitle(result('vault.tls', 'fail'), plain)).toBe('vault.tls fail summary')
  })

  it('a group is ✖ when a check failed (listr2’s), else ⚠ with a warning, ↓ all skipped, else ✔', () => {
    expect(groupTitle('Vault', [result('v.a', 'pass'), result('v.b', 'error')], plain)).toBeUndefined()
    expect(groupTitle('Vault', [result('v.a', 'pass'), result('v.b', 'warn')], plain)).toBe('⚠ Vault')
    expect(groupTitle('Vault', [result('v.a', 'skip'), result('v.b', 'skip')], plain)).toBe('↓ Vault')
    expect(groupTitle('Vault', [result('v.a', 'pass'), result('v.b', 'skip')], plain)).toBe('✔ Vault')
  })

  it('a running check shows its elapsed time from its own start, once it is slow', () => {
    expect(runningSeconds(undefined, 10_000)).toBeUndefined()
    expect(runningSeconds(1_000, 1_000 + SLOW_AFTER_MS - 1)).toBeUndefined()
    expect(runningSeconds(1_000, 1_000 + SLOW_AFTER_MS + 2_400)).toBe(7)
  })

  it('draws on its own stream: ✖ for a group with a failure, a skip once as ↓, ⚠ for a warning', async () => {
    const t = terminal()
    const checks = ['vault.address', 'vault.tls', 'vault.health', 'aws.region', 'aws.identity'].map(check)
    const view = await liveProgress(
      checks,
      t.stream,
      plain,
      (p) => ({ vault: 'HashiCorp Vault', aws: 'AWS' })[p] ?? p,
    )
    for (const c of checks) view.start(c)
    view.result(result('vault.address', 'pass'))
    view.result(result('vault.tls', 'fail', { summary: 'certificate expired' }))
    view.result(
      result('vault.health', 'skip', {
        summary: 'vault.tls did not pass (fail)',
        skipReason: 'dependency-failed',
      }),
    )
    view.result(result('aws.region', 'pass'))
    view.result(result('aws.identity', 'warn', { summary: 'possible node role' }))
    await view.done()
    const last = t.raw().slice(t.raw().lastIndexOf('HashiCorp Vault') - 2)
    // eslint-disable-next-line no-control-regex
    const text = last.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    expect(text).toContain('✖ HashiCorp Vault')
    expect(text).toContain('✖ vault.tls certificate expired')
    expect(text).toContain('↓ vault.health vault.tls did not pass (fail)')
    expect(text).not.toMatch(/⚠ vault\.health/)
    expect(text).toContain('⚠ aws.identity warning: possible node role')
    expect(t.raw()).toContain('⚠ AWS')
  })
})
