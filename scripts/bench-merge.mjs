// The fleet merge at scale: 10,000 generated node reports, merged by the built CLI from a folder of report
// files and from JSON lines on stdin (as `kubectl logs` prints them). Prints wall time and peak RSS as
// medians over a few runs, beside the target (≤ 3 s, ≤ 300 MB on a 2-core machine). Asserts nothing.
// Run after `npm run build`: node scripts/bench-merge.mjs [nodes] [runs]
//
// The reports vary the way a real fleet's do: sites with different providers, most nodes healthy, a few
// root causes spread over hundreds of nodes (a policy that lost a path, an IAM role without access, a stale
// render, a slow Vault), ages, durations, pod names and counts that differ per node, a node that reported
// twice, and a few inputs that are not reports at all. `generateFleet` is exported for the tests.
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A small deterministic PRNG, so a bench or a test sees the same fleet every time. */
function prng(seed) {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
}

const SITES = [
  { site: 'ams-1', region: 'eu-west', providers: ['node', 'vault', 'kubernetes'], env: 'prod' },
  { site: 'fra-2', region: 'eu-central', providers: ['node', 'vault', 'kubernetes', 'aws'], env: 'prod' },
  { site: 'iad-1', region: 'us-east', providers: ['node', 'aws', 'kubernetes'], env: 'prod' },
  { site: 'sfo-3', region: 'us-west', providers: ['node', 'gcp', 'kubernetes'], env: 'staging' },
  { site: 'sin-1', region: 'ap-southeast', providers: ['node', 'azure', 'vault'], env: 'prod' },
]

/**
 * Root causes and the share of nodes they hit: the check, the finding, and values that are the same on every
 * node they hit (evidence) or differ per node (noise).
 */
const FAULTS = [
  {
    check: 'vault.capabilities',
    rate: 0.08,
    vars: (r, s) => ({ paths: `secret/data/expanso/${s.env}/pipeline`, policies: 'default, expanso-edge' }),
  },
  {
    check: 'aws.secret-access',
    rate: 0.04,
    vars: (r) => ({
      id: `arn:aws:secretsmanager:us-east-1:1234567890${Math.floor(r() * 2)}:secret:expanso/pipeline-AbCdEf`,
      principal: 'expanso-edge',
    }),
  },
  {
    check: 'node.env-file-freshness',
    rate: 0.06,
    vars: (r) => ({
      paths: '/run/secrets/pipeline.env',
      age: `${1 + Math.floor(r() * 70)}h`,
      max: '24h',
      it: 'it',
    }),
  },
  {
    check: 'vault.latency',
    rate: 0.05,
    vars: (r) => ({ p95: `${600 + Math.floor(r() * 900)}ms`, max: '500ms' }),
  },
  {
    check: 'k8s.refresh-interval',
    rate: 0.1,
    pods: true,
    vars: () => ({ ref: 'ExternalSecret/expanso-system/pipeline-credentials', value: '0' }),
  },
  { check: 'node.env-file-perms', rate: 0.02, vars: () => ({}) },
  { check: 'vault.health', rate: 0.015, error: true },
]

function fill(message, vars) {
  return message.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => (k in vars ? String(vars[k]) : k))
}

function remedyRefs(ids, remedies, commands = []) {
  return ids.map((id, i) => {
    const r = remedies[id] ?? { title: id, section: 'Extended', source: 'extended' }
    return {
      id,
      title: r.title,
      source: r.source,
      section: r.section,
      ...(i === 0 && commands.length ? { commands } : {}),
    }
  })
}

// The alphabet Kubernetes draws generated name suffixes from.
const KUBE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
const podHash = (r, n) =>
  Array.from({ length: n }, () => KUBE_ALPHABET[Math.floor(r() * KUBE_ALPHABET.length)]).join('')

function summarize(checks) {
  const s = { total: checks.length, pass: 0, warn: 0, fail: 0, error: 0, skip: 0 }
  for (const c of checks) s[c.status]++
  return s
}

function checkResult(check, site, node, r, remedies, fault) {
  const base = { id: check.id, title: check.title, provider: check.provider, category: check.category }
  const durationMs = Math.floor(r() * (check.provider === 'node' ? 20 : 400))
  if (fault?.error)
    return {
      ...base,
      severity: 'info',
      status: 'error',
      summary: `could not finish: no answer within 5s (--timeout)`,
      details: [`vault: GET /v1/sys/health to 10.20.${node % 200}.7:8200`],
      remedies: [],
      durationMs: 5000,
    }
  if (fault) {
    // A root cause reads the same on every node it hits, but for what differs per node (ages, pod names).
    const key = Object.keys(check.findings)[0]
    const spec = check.findings[key]
    const message = fill(spec.message, fault.vars?.(r, site) ?? {})
    const rem = remedyRefs(spec.remedies, remedies, [`vault policy read expanso-edge-${site.env}`])
    const items = fault.pods
      ? [
          {
            name: `expanso-edge-${podHash(r, 9)}-${podHash(r, 5)}`,
            detail: `started ${Math.floor(r() * 48)}h ago`,
          },
        ]
      : undefined
    return {
      ...base,
      severity: spec.severity,
      status: spec.status,
      summary: message,
      details: [
        `node ${site.site}-${node}: ${message}`,
        `checked at ${new Date(Date.UTC(2026, 10, 27, 10, Math.floor(r() * 60))).toISOString()}`,
      ],
      ...(spec.symptom ? { symptom: spec.symptom } : {}),
      remedies: rem,
      findings: [
        {
          key,
          status: spec.status,
          severity: spec.severity,
          message,
          ...(spec.symptom ? { symptom: spec.symptom } : {}),
          remedies: rem,
          ...(items ? { items } : {}),
        },
      ],
      durationMs,
    }
  }
  if (r() < 0.12)
    return {
      ...base,
      severity: 'info',
      status: 'skip',
      summary: 'nothing of that kind in this deployment',
      remedies: [],
      durationMs: 0,
      skipReason: 'not-applicable',
      skipDetail: 'nothing of that kind in this deployment',
    }
  return {
    ...base,
    severity: 'info',
    status: 'pass',
    summary: `${check.title.toLowerCase()} (${Math.floor(r() * 9) + 1} checked)`,
    details: [`${site.site}: ok in ${durationMs}ms`],
    remedies: [],
    durationMs,
  }
}

/** One node's report. `catalogue`: the check registry; `remedies`: the remedy catalogue. */
export function nodeReport(i, { catalogue, remedies, seed = 7, version = '0.1.0', rerun = 0 }) {
  const r = prng(seed * 1_000_003 + i * 7919 + rerun)
  const site = SITES[i % SITES.length]
  const name = `${site.site}-edge-${String(i).padStart(5, '0')}`
  const checks = []
  for (const check of catalogue) {
    if (!site.providers.includes(check.provider)) continue
    const fault = FAULTS.find((f) => f.check === check.id && r() < f.rate)
    checks.push(checkResult(check, site, i, r, remedies, fault))
  }
  const summary = summarize(checks)
  const exitCode = summary.fail ? 1 : summary.error ? 3 : 0
  const started = Date.UTC(2026, 10, 27, 9, 0, 0) + Math.floor(r() * 3_600_000) + rerun * 3_600_000
  return {
    schemaVersion: 1,
    tool: { name: 'edge-secrets', version },
    providers: site.providers.map((id) => ({ id, title: id })),
    node: {
      hostname: `edge-secrets-doctor-${Math.floor(r() * 1e8).toString(36)}`,
      kubernetes: site.providers.includes('kubernetes')
        ? { node: name, pod: `edge-secrets-doctor-${podHash(r, 5)}`, namespace: 'expanso-system' }
        : undefined,
      ...(site.providers.includes('kubernetes')
        ? {}
        : { expansoNodeId: `n-${((i * 2654435761) % 4294967296).toString(16)}` }),
      labels: { site: site.site, region: site.region },
    },
    startedAt: new Date(started).toISOString(),
    durationMs: 200 + Math.floor(r() * 4000),
    summary,
    exitCode,
    failOn: 'fail',
    identities: [
      ...(site.providers.includes('vault')
        ? [
            {
              provider: 'vault',
              principal: `kubernetes-expanso-system-expanso-edge`,
              policies: ['default', 'expanso-edge'],
            },
          ]
        : []),
      ...(site.providers.includes('aws')
        ? [
            {
              provider: 'aws',
              principal: `arn:aws:sts::123456789012:assumed-role/expanso-edge/i-0${Math.floor(r() * 1e12).toString(16)}`,
              source: 'web-identity',
            },
          ]
        : []),
    ],
    checks: checks.sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id)),
  }
}

/**
 * Writes `nodes` reports: as pretty JSON files into `dir` (one per node, like `doctor -o`), and as JSON lines
 * into `jsonl` (like `kubectl logs --prefix`), plus a node that reported twice and a few foreign inputs.
 */
export async function generateFleet({ nodes, dir, jsonl, catalogue, remedies, seed = 7 }) {
  mkdirSync(dir, { recursive: true })
  const lines = jsonl ? createWriteStream(jsonl) : undefined
  for (let i = 0; i < nodes; i++) {
    const report = nodeReport(i, { catalogue, remedies, seed })
    writeFileSync(join(dir, `node-${String(i).padStart(5, '0')}.json`), JSON.stringify(report, null, 2))
    if (lines && !lines.write(`[pod/edge-secrets-doctor-${i}/doctor] ${JSON.stringify(report)}\n`))
      await new Promise((res) => lines.once('drain', res))
  }
  // The first node ran again an hour later: the merge keeps its newer report.
  writeFileSync(
    join(dir, 'node-00000-rerun.json'),
    JSON.stringify(nodeReport(0, { catalogue, remedies, seed, rerun: 1 })),
  )
  writeFileSync(join(dir, 'notes.json'), JSON.stringify({ owner: 'platform team', not: 'a report' }))
  writeFileSync(
    join(dir, 'truncated.json'),
    JSON.stringify(nodeReport(1, { catalogue, remedies, seed })).slice(0, 500),
  )
  lines?.write('edge-secrets: warning: GITHUB_STEP_SUMMARY unset\n')
  if (lines) await new Promise((res) => lines.end(res))
}

function measure(args, { stdin } = {}) {
  return new Promise((res, rej) => {
    const time = existsSync('/usr/bin/time')
    const [cmd, argv] = time
      ? ['/usr/bin/time', ['-f', 'RSS_KB=%M', process.execPath, ...args]]
      : [process.execPath, args]
    const t0 = process.hrtime.bigint()
    const child = spawn(cmd, argv, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    if (stdin) {
      const { createReadStream } = await_fs
      createReadStream(stdin).pipe(child.stdin)
    }
    child.on('error', rej)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      const rss = Number(/RSS_KB=(\d+)/.exec(err)?.[1] ?? 0) / 1024
      res({ ms, rss, code, err })
    })
  })
}
const await_fs = await import('node:fs')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main() {
  const nodes = Number(process.argv[2] ?? 10_000)
  const runs = Number(process.argv[3] ?? 3)
  const bin = join(ROOT, 'bin/run.js')
  // The catalogue from the source, as scripts/tools.ts bundles it (npm run bench builds it first).
  const { checks, remedies } = await import(join(ROOT, 'build/tools.js'))
  const work = mkdtempSync(join(tmpdir(), 'edge-secrets-bench-merge-'))
  const dir = join(work, 'reports')
  const jsonl = join(work, 'kubectl-logs.txt')
  try {
    await generateFleet({ nodes, dir, jsonl, catalogue: checks, remedies })
    const rows = []
    for (const [label, args, opts] of [
      [
        `report merge DIR (${nodes} files) --format json`,
        [bin, 'report', 'merge', dir, '--format', 'json', '-o', join(work, 'fleet.json')],
      ],
      [
        `report merge - (${nodes} JSON lines on stdin)`,
        [bin, 'report', 'merge', '-', '--format', 'json', '-o', join(work, 'fleet2.json')],
        { stdin: jsonl },
      ],
      [`report merge DIR --format text`, [bin, 'report', 'merge', dir, '--no-color']],
    ]) {
      const results = []
      for (let i = 0; i < runs; i++) results.push(await measure(args, opts))
      rows.push([label, median(results.map((x) => x.ms)), median(results.map((x) => x.rss)), results[0].code])
    }
    console.log(
      `edge-secrets merge bench — node ${process.version}, ${nodes} node reports, ${runs} runs each, medians (target ≤ 3000 ms, ≤ 300 MB)\n`,
    )
    console.log(
      'command'.padEnd(52),
      'median ms'.padStart(10),
      'peak RSS MB'.padStart(12),
      'exit'.padStart(5),
    )
    for (const [label, ms, rss, code] of rows)
      console.log(
        label.padEnd(52),
        ms.toFixed(0).padStart(10),
        (rss ? rss.toFixed(0) : '-').padStart(12),
        String(code).padStart(5),
      )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main()
