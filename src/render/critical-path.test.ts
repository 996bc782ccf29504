import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../core/report.js'
import { criticalPath, criticalPathLines } from './critical-path.js'

const r = (id: string, startMs: number, durationMs: number, needs: [string, number][] = [], queuedMs = 0) =>
  ({
    id,
    durationMs,
    timing: {
      startMs,
      queuedMs,
      ...(needs.length ? { needs: needs.map(([check, settledMs]) => ({ check, settledMs })) } : {}),
    },
  }) as unknown as CheckResult

describe('critical path', () => {
  const checks = [
    r('vault.health', 0, 100),
    r('vault.auth', 100, 400, [['vault.health', 100]]),
    r('vault.capabilities', 520, 80, [['vault.auth', 500]], 20),
    r('aws.identity', 0, 300),
    r('aws.latency', 300, 150, [['aws.identity', 300]]),
    { id: 'node.skipped', durationMs: 0 } as CheckResult,
  ]
  it('follows, from the check that ended last, the need that settled last', () => {
    expect(criticalPath({ checks }).map((p) => p.id)).toEqual([
      'vault.health',
      'vault.auth',
      'vault.capabilities',
    ])
  })
  it('prints the path with queue waits and the slowest checks', () => {
    expect(criticalPathLines({ checks, durationMs: 640 })).toEqual([
      'critical path: vault.health 0.10s → vault.auth 0.40s → vault.capabilities 0.08s — 0.60s of 0.64s',
      'slowest checks: vault.auth 0.40s, aws.identity 0.30s, aws.latency 0.15s',
    ])
  })
})
