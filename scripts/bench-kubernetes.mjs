// Kubernetes at scale: a 2,000-object cluster (live, against the loopback API server) and a 2,000-object
// manifest set (--manifests --offline), each checked in one pass by the built CLI. Prints medians over a
// few runs and the number of API requests (list calls, not one request per object). Asserts nothing.
// Run after `npm run build`: node scripts/bench-kubernetes.mjs [runs]
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.argv[2] ?? 3)
const NS = 'expanso-system'
const T = '2026-11-27T09:00:00Z'

/** 2,000 objects: 250 workloads (deployment + SA + 4 pods), 250 ExternalSecrets + Secrets, 250 SPCs… */
export function objects() {
  const out = []
  for (let i = 0; i < 250; i++) {
    const name = `edge-${i}`
    const podSpec = {
      serviceAccountName: name,
      containers: [{ name: 'agent', image: 'x', envFrom: [{ secretRef: { name: `creds-${i}` } }] }],
    }
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS } })
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: podSpec },
      },
    })
    for (let p = 0; p < 3; p++)
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-abc-${p}`, namespace: NS, labels: { app: name } },
        spec: podSpec,
        status: {
          phase: 'Running',
          startTime: T,
          containerStatuses: [{ name: 'agent', state: { running: { startedAt: T } } }],
        },
      })
    out.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: `creds-${i}`, namespace: NS },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'store', kind: 'SecretStore' },
        target: { name: `creds-${i}` },
        data: [{ secretKey: 'TOKEN', remoteRef: { key: `k/${i}` } }],
      },
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }],
      },
    })
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `creds-${i}`, namespace: NS, creationTimestamp: '2026-11-27T08:00:00Z' },
      data: { TOKEN: Buffer.from(`bench-token-value-${i}`).toString('base64') },
    })
  }
  out.push({
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'store', namespace: NS },
    spec: { provider: { vault: { server: 'https://vault:8200' } } },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Valid' }] },
  })
  while (out.length < 2000)
    out.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: `filler-${out.length}`, namespace: NS },
    })
  return out
}

function cli(args, cwd) {
  return new Promise((res, rej) => {
    const t0 = performance.now()
    // The report goes to a file: large JSON on a pipe is not what is being measured.
    const reportFile = join(cwd, `report-${Math.random().toString(36).slice(2)}.json`)
    const c = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args, '-o', reportFile], {
      cwd,
      env: { ...process.env, HOME: cwd, KUBECONFIG: join(cwd, 'none'), NO_COLOR: '1', CI: '1' },
      // stderr carries the human summary; nobody reads it here, and an unread pipe would block the CLI.
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    c.on('error', rej)
    c.on('close', (code) =>
      res({ ms: performance.now() - t0, code, report: JSON.parse(readFileSync(reportFile, 'utf8')) }),
    )
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (ms) => `${Math.round(ms)} ms`

/** The 2,000 objects as 20 multi-document manifest files (ESO makes the Secrets, so a repo holds ConfigMaps). */
export function writeManifests(objs, mdir, files = 20) {
  mkdirSync(mdir, { recursive: true })
  for (let f = 0; f < files; f++) {
    const docs = objs
      .map((o) => (o.kind === 'Secret' ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: o.metadata } : o))
      .filter((_, i) => i % files === f)
      .map((o) => stringify({ ...o, status: undefined, data: undefined }))
    writeFileSync(join(mdir, `part-${f}.yaml`), docs.join('---\n'))
  }
  return mdir
}

/** A temp folder with the 2,000-object manifest set (npm run bench's --manifests row). */
export const manifestsFolder = () =>
  writeManifests(objects(), join(mkdtempSync(join(tmpdir(), 'bench-k8s-m-')), 'manifests'))

async function main() {
  const { startKubeSim } = await import(join(ROOT, 'build/tools.js'))

  const objs = objects()
  const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-'))
  try {
    // Live
    const sim = await startKubeSim({ objects: objs })
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig({ namespace: NS }))
    writeFileSync(
      join(dir, 'edge-secrets.yaml'),
      stringify({ kubernetes: { kubeconfig: join(dir, 'kubeconfig'), namespace: NS } }),
    )
    const live = []
    let requests = 0
    let summary
    for (let i = 0; i < RUNS; i++) {
      const before = sim.server.requests.length
      const r = await cli(
        [
          'doctor',
          '--config',
          join(dir, 'edge-secrets.yaml'),
          '--provider',
          'kubernetes',
          '--format',
          'json',
          '--timeout',
          '30s',
          '--deadline',
          '120s',
        ],
        dir,
      )
      live.push(r.ms)
      requests = sim.server.requests.length - before
      summary = {
        ...r.report.summary,
        notPassing: r.report.checks
          .filter((c) => c.status === 'warn' || c.status === 'fail')
          .map((c) => `${c.id}:${c.status}`),
      }
    }
    await sim.close()
    console.log(
      `kubernetes live, ${objs.length} objects: median ${fmt(median(live))} over ${RUNS} runs, ${requests} API requests per run, summary ${JSON.stringify(summary)}`,
    )

    // Manifests: the same objects (ESO makes the Secrets, so a repo holds ConfigMaps in their place), in 20 multi-document files.
    const files = 20
    const mdir = writeManifests(objs, join(dir, 'manifests'), files)
    writeFileSync(join(dir, 'offline.yaml'), stringify({ kubernetes: { namespace: NS } }))
    const man = []
    for (let i = 0; i < RUNS; i++) {
      const r = await cli(
        [
          'doctor',
          '--config',
          join(dir, 'offline.yaml'),
          '--provider',
          'kubernetes',
          '--manifests',
          mdir,
          '--offline',
          '--format',
          'json',
        ],
        dir,
      )
      man.push(r.ms)
      summary = {
        ...r.report.summary,
        notPassing: r.report.checks
          .filter((c) => c.status === 'warn' || c.status === 'fail')
          .map((c) => `${c.id}:${c.status}`),
      }
    }
    console.log(
      `kubernetes manifests, ${objs.length} objects in ${files} files: median ${fmt(median(man))} over ${RUNS} runs, summary ${JSON.stringify(summary)}`,
    )
  } finally {
    if (process.env.KEEP) console.log(dir)
    else rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
