// npm run bench: what the doctor costs, as medians over several runs, each beside `node -e 0` measured in the
// same run (so the ratios survive a slower or busier machine), with the targets of issue 11 printed beside
// the figures. Prints a table, then the same figures as one JSON document. Asserts nothing.
//
//   BENCH_RUNS=5   runs per figure (at least 5)
//   BENCH_ONLY=version,full   a subset of the rows (names below)
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin/run.js')
const SEA = join(ROOT, `sea/edge-secrets-linux-${process.arch}`)
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5))
const ONLY = process.env.BENCH_ONLY?.split(',')
const tools = await import(join(ROOT, 'build/tools.js'))
const home = mkdtempSync(join(tmpdir(), 'edge-secrets-bench-'))
const baseEnv = {
  ...process.env,
  HOME: home,
  NO_COLOR: '1',
  CI: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  METADATA_SERVER_DETECTION: 'none',
  GCE_METADATA_HOST: '127.0.0.1:9',
  KUBECONFIG: join(home, 'none'),
  EDGE_SECRETS_CACHE_DIR: join(home, 'sea-cache'),
}
for (const k of [
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_ID',
])
  delete baseEnv[k]

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * One run: wall time, CPU time and peak RSS (from /usr/bin/time when the machine has it). Asynchronous:
 * the simulators the run talks to answer from this very process.
 */
function once(cmd, args, env) {
  const timed = existsSync('/usr/bin/time')
  const [c, a] = timed ? ['/usr/bin/time', ['-f', '@@%e %U %S %M', cmd, ...args]] : [cmd, args]
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(c, a, { env, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const wall = performance.now() - t0
      const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err)
      resolve({
        wall,
        cpu: m ? (Number(m[2]) + Number(m[3])) * 1000 : undefined,
        rss: m ? Number(m[4]) / 1024 : undefined,
        code,
      })
    })
  })
}

async function measure(cmd, args, env = baseEnv) {
  const rs = []
  for (let i = 0; i < RUNS; i++) rs.push(await once(cmd, args, env))
  const pick = (k) => (rs[0][k] === undefined ? undefined : median(rs.map((r) => r[k])))
  return {
    wallMs: pick('wall'),
    cpuMs: pick('cpu'),
    rssMb: pick('rss'),
    exitCodes: [...new Set(rs.map((r) => r.code))],
  }
}

/** Sets a scenario up in this process (its simulators answer from here) and measures `doctor` against it. */
async function scenarioRun(name, extra = [], envExtra = {}) {
  Object.assign(process.env, envExtra)
  const prepared = await tools.prepareScenario(tools.findScenario(name))
  try {
    const env = { ...baseEnv, ...prepared.instance.env, HOME: prepared.dir }
    const args = [BIN, 'doctor', '--config', prepared.configFile, '--format', 'json', ...extra]
    for (const p of tools.findScenario(name).providers) args.push('--provider', p)
    return await measure(process.execPath, args, env)
  } finally {
    await prepared.cleanup()
    for (const k of Object.keys(envExtra)) delete process.env[k]
  }
}

const rows = []
const want = (key) => !ONLY || ONLY.includes(key)
const row = (key, name, target, r, ratioTo) =>
  rows.push({ key, name, target, ...r, ratio: ratioTo ? r.wallMs / ratioTo : undefined })

const bare = await measure(process.execPath, ['-e', '0'])
row('node', 'node -e 0', '', bare)
if (want('version'))
  row(
    'version',
    'edge-secrets --version',
    '≤ 2× node',
    await measure(process.execPath, [BIN, '--version']),
    bare.wallMs,
  )
if (want('checks'))
  row('checks', 'edge-secrets checks', '', await measure(process.execPath, [BIN, 'checks']), bare.wallMs)
if (want('full'))
  row(
    'full',
    'healthy full run (node, Vault, AWS, Kubernetes)',
    '≤ 1.0 s, ≤ 150 MB',
    await scenarioRun('full-healthy'),
    bare.wallMs,
  )
if (want('slow')) {
  const slow = { EDGE_SECRETS_SIM_LATENCY_MS: '200' }
  row(
    'slow',
    'same, 200 ms added to every request',
    '≤ 2.2 s',
    await scenarioRun('full-healthy', ['--timeout', '10s'], slow),
    bare.wallMs,
  )
  row(
    'slow-c1',
    'same, --concurrency 1',
    '',
    await scenarioRun('full-healthy', ['--timeout', '10s', '--concurrency', '1'], slow),
    bare.wallMs,
  )
}
if (want('blackhole')) {
  const silent = await tools.startSilentServer()
  const dir = mkdtempSync(join(tmpdir(), 'es-bench-bh-'))
  const { writeFileSync } = await import('node:fs')
  const config = join(dir, 'edge-secrets.yaml')
  writeFileSync(config, `vault:\n  address: https://127.0.0.1:${silent.port}\n`)
  const r = await measure(
    process.execPath,
    [BIN, 'doctor', '--config', config, '--deadline', '3s', '--format', 'json'],
    {
      ...baseEnv,
      VAULT_TOKEN: 'hvs.benchBENCHbenchBENCHbench00',
    },
  )
  row('blackhole', 'black-holed Vault, --deadline 3s', '≤ deadline + 0.5 s (3.5 s)', r, bare.wallMs)
  await silent.close()
}
if (want('manifests') && existsSync(join(ROOT, 'scripts/bench-kubernetes.mjs'))) {
  const { manifestsFolder } = await import(join(ROOT, 'scripts/bench-kubernetes.mjs'))
  const folder = manifestsFolder()
  row(
    'manifests',
    '--offline --manifests over 2,000 objects',
    '',
    await measure(process.execPath, [
      BIN,
      'doctor',
      '--offline',
      '--manifests',
      folder,
      '--provider',
      'kubernetes',
      '--format',
      'json',
    ]),
    bare.wallMs,
  )
}
if (want('sea') && existsSync(SEA)) {
  await once(SEA, ['checks'], baseEnv) // unpacks once, as the first run on a node does
  row(
    'sea',
    `single executable --version (${process.arch})`,
    '≤ 2× node',
    await measure(SEA, ['--version']),
    bare.wallMs,
  )
  row('sea-checks', 'single executable checks (unpacked)', '', await measure(SEA, ['checks']), bare.wallMs)
}

const f = (x, d = 0) => (x === undefined ? '-' : x.toFixed(d))
console.log(`edge-secrets bench — node ${process.version}, ${RUNS} runs each, medians\n`)
console.log(
  'what'.padEnd(50),
  'wall ms'.padStart(8),
  'CPU ms'.padStart(8),
  'peak MB'.padStart(8),
  '× node'.padStart(7),
  '  target',
)
for (const r of rows)
  console.log(
    r.name.padEnd(50),
    f(r.wallMs).padStart(8),
    f(r.cpuMs).padStart(8),
    f(r.rssMb).padStart(8),
    (r.ratio ? f(r.ratio, 2) : '').padStart(7),
    ` ${r.target}`,
  )
console.log('\n' + JSON.stringify({ node: process.version, runs: RUNS, rows }, null, 2))
