// npm run bench: prints startup and run-time figures as medians over several runs, each beside
// `node -e 0` measured in the same run (so the ratios survive a slower or busier machine). Asserts nothing.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin/run.js')
const runs = Number(process.env.BENCH_RUNS ?? 9)
const home = mkdtempSync(join(tmpdir(), 'edge-secrets-bench-'))
const env = {
  ...process.env,
  HOME: home,
  NO_COLOR: '1',
  CI: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  METADATA_SERVER_DETECTION: 'none',
  KUBECONFIG: join(home, 'none'),
}
for (const k of [
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_ID',
])
  delete env[k]

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function measure(args) {
  const times = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', cwd: home })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.error) throw r.error
  }
  // Peak memory of one more run, from /usr/bin/time when the machine has it.
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], {
      env,
      encoding: 'utf8',
      cwd: home,
    })
    rss = Number((r.stderr.trim().split('\n').pop() ?? '0').trim()) / 1024
  }
  return { ms: median(times), rss }
}

const { prepareScenario } = await import(join(root, 'dist/sandbox/run-scenario.js'))
const { findScenario } = await import(join(root, 'dist/sandbox/scenarios/index.js'))
const healthy = findScenario('node-healthy')
const prepared = healthy ? await prepareScenario(healthy) : undefined

const baseline = measure(['-e', '0'])
const rows = [
  ['node -e 0', baseline],
  ['edge-secrets --version', measure([bin, '--version'])],
  ['edge-secrets checks', measure([bin, 'checks'])],
  ['edge-secrets checks --format json', measure([bin, 'checks', '--format', 'json'])],
]
if (prepared)
  rows.push([
    'doctor --provider node (node-healthy)',
    measure([bin, 'doctor', '--provider', 'node', '--config', prepared.configFile, '--format', 'json']),
  ])
await prepared?.cleanup()

console.log(`edge-secrets bench — node ${process.version}, ${runs} runs each, medians\n`)
console.log(
  'command'.padEnd(44),
  'median ms'.padStart(10),
  'x node -e 0'.padStart(12),
  'peak RSS MB'.padStart(12),
)
for (const [name, r] of rows)
  console.log(
    name.padEnd(44),
    r.ms.toFixed(1).padStart(10),
    (r.ms / baseline.ms).toFixed(2).padStart(12),
    (r.rss ? r.rss.toFixed(1) : '-').padStart(12),
  )

const k8s = join(root, 'scripts/bench-kubernetes.mjs')
if (existsSync(k8s)) {
  console.log('')
  spawnSync(process.execPath, [k8s], { stdio: 'inherit', env })
}
