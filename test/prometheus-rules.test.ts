// The shipped alerting rules: valid for promtool, each alert shown firing (and not) in promtool's own rule
// tests, and every edge_secrets_* series they query is one the textfile renderer writes.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { renderPrometheus } from '../src/render/prometheus.js'
import { sampleReport } from './fixtures/report.js'
import { hasCommand } from './helpers/tools.js'

const DIR = fileURLToPath(new URL('../deploy/prometheus/', import.meta.url))
const PROMTOOL = '/usr/bin/promtool'
const promtool = (...args: string[]) => spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8' })

describe('deploy/prometheus/edge-secrets.rules.yml', () => {
  it('passes promtool check rules', () => {
    if (!hasCommand(PROMTOOL)) return
    const r = promtool('check', 'rules', 'edge-secrets.rules.yml')
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain('SUCCESS: 6 rules found')
  })

  it('passes promtool test rules: a failing check, a stale secret, a doctor that stopped reporting', () => {
    if (!hasCommand(PROMTOOL)) return
    const r = promtool('test', 'rules', 'edge-secrets.rules.test.yml')
    expect(r.status, r.stdout + r.stderr).toBe(0)
  })

  it('queries only series the textfile renderer writes', () => {
    const rules = readFileSync(`${DIR}/edge-secrets.rules.yml`, 'utf8')
    const used = new Set(rules.match(/edge_secrets_[a-z_]+/g))
    const text = renderPrometheus(sampleReport(), [
      { path: '/run/secrets/a.env', mtime: '2026-11-27T09:00:00Z' },
    ])
    const written = new Set(text.match(/^edge_secrets_[a-z_]+/gm))
    expect([...used].filter((m) => !written.has(m))).toEqual([])
    expect(used.size).toBeGreaterThanOrEqual(3)
  })
})
