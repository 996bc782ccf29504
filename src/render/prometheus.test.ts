import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report.js'
import { hasCommand, hasPythonModules } from '../../test/helpers/tools.js'
import { labelName, renderPrometheus, type SecretFileFact } from './prometheus.js'

const PROMTOOL = '/usr/bin/promtool'
const files: SecretFileFact[] = [
  { path: '/run/secrets/pipeline.env', roles: ['env-file', 'template'], mtime: '2026-11-27T09:00:00.000Z' },
  { path: '/run/secrets/pipeline.env', roles: ['env-file'], mtime: '2026-11-27T09:00:00.000Z' },
  { path: '/run/secrets/missing.env', roles: ['env-file'] },
]
const hostile = sampleReport({
  node: {
    hostname: 'edge-"1"\\\n',
    expansoNodeId: 'n-42',
    kubernetes: { node: 'worker-3', pod: 'doctor-x1', namespace: 'expanso-system' },
    labels: { 'team.name/x': 'edge', site: 'ams-1' },
  },
})
const text = renderPrometheus(hostile, files)

// Debian's python3-prometheus-client: the reference parser of the text format, written by nobody here.
const PARSE = `
import sys, json
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    for s in f.samples:
        out.append({"family": f.name, "type": f.type, "name": s.name, "labels": s.labels, "value": s.value})
print(json.dumps(out))
`

describe('prometheus textfile', () => {
  it('has one status series per check, the run figures, and the file write times once per path', () => {
    const status = text.split('\n').filter((l) => l.startsWith('edge_secrets_check_status{'))
    expect(status).toHaveLength(hostile.checks.length)
    expect(text).toContain(
      'edge_secrets_check_status{check="vault.capabilities",provider="vault",category="auth",severity="critical",status="fail"} 1',
    )
    expect(text).toMatch(
      /edge_secrets_check_status\{check="azure\.[^"]+",.*status="skip",skip_reason="filtered"\} 1/,
    )
    expect(text).toContain(
      `edge_secrets_last_run_timestamp_seconds ${(Date.parse('2026-11-27T10:00:00Z') + 5412) / 1000}`,
    )
    expect(text).toContain('edge_secrets_run_duration_seconds 5.412')
    expect(text).toContain(`edge_secrets_exit_code ${hostile.exitCode}`)
    expect(text).toContain('edge_secrets_checks{status="fail"} 3')
    expect(text.match(/^edge_secrets_secret_file_modified_timestamp_seconds\{/gm)).toHaveLength(1)
    expect(text).toContain(
      `edge_secrets_secret_file_modified_timestamp_seconds{path="/run/secrets/pipeline.env",role="env-file,template"} ${Date.parse('2026-11-27T09:00:00Z') / 1000}`,
    )
    // Written an hour before the run ended (5.412 s after it started).
    expect(text).toContain(
      'edge_secrets_secret_file_age_seconds{path="/run/secrets/pipeline.env",role="env-file,template"} 3605.412',
    )
    expect(text).not.toContain('missing.env')
  })

  it('escapes label values and turns --label keys into valid label names', () => {
    expect(labelName('team.name/x')).toBe('label_team_name_x')
    expect(text).toContain('hostname="edge-\\"1\\"\\\\\\n"')
    expect(text).toContain('label_team_name_x="edge"')
    expect(text).not.toMatch(/\{[^}]*\n[^}]*\}/)
  })

  it('passes promtool check metrics (lint included)', () => {
    if (!hasCommand(PROMTOOL)) return
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('')
    expect(r.status).toBe(0)
    // The run without any secret file still passes (families without samples are left out).
    const bare = spawnSync(PROMTOOL, ['check', 'metrics'], {
      input: renderPrometheus(sampleReport()),
      encoding: 'utf8',
    })
    expect(bare.status, bare.stderr).toBe(0)
  })

  it('parses with the Prometheus client library, labels and values intact', () => {
    if (!hasPythonModules('prometheus_client')) return
    const out = execFileSync('/usr/bin/python3', ['-c', PARSE], { input: text, encoding: 'utf8' })
    const samples = JSON.parse(out) as {
      family: string
      type: string
      name: string
      labels: Record<string, string>
      value: number
    }[]
    expect(new Set(samples.map((s) => s.type))).toEqual(new Set(['gauge']))
    const info = samples.find((s) => s.name === 'edge_secrets_node_info')
    expect(info?.labels).toMatchObject({
      hostname: 'edge-"1"\\\n',
      expanso_node_id: 'n-42',
      kubernetes_node: 'worker-3',
      label_site: 'ams-1',
      version: '0.1.0',
    })
    const checks = samples.filter((s) => s.name === 'edge_secrets_check_status')
    expect(checks.map((s) => s.labels.check).sort()).toEqual(hostile.checks.map((c) => c.id).sort())
    expect(checks.every((s) => s.value === 1)).toBe(true)
  })
})
