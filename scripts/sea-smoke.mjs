// Runs the single executables as an operator would (CI calls it after npm run sea): the x64 one through
// --version, checks, a healthy and a broken demo, and a live doctor run against a simulated Vault; the arm64
// one through --version and a demo under qemu user-mode emulation. Fails (exit 1) on any surprise.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const X64 = join(ROOT, 'sea/edge-secrets-linux-x64')
const ARM64 = join(ROOT, 'sea/edge-secrets-linux-arm64')
const cache = mkdtempSync(join(tmpdir(), 'es-sea-cache-'))
const env = {
  ...process.env,
  EDGE_SECRETS_CACHE_DIR: cache,
  NO_COLOR: '1',
  CI: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
}
let failed = 0

/** Asynchronous on purpose: the live run's simulator answers from this very process. */
function exec(cmd, args, extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
    const out = { stdout: '', stderr: '', status: null }
    child.stdout.on('data', (d) => (out.stdout += d))
    child.stderr.on('data', (d) => (out.stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ...out, status: code })
    })
  })
}

async function run(label, cmd, args, expect, extraEnv = {}) {
  const t0 = performance.now()
  const r = await exec(cmd, args, extraEnv)
  const ms = Math.round(performance.now() - t0)
  const ok = r.status === expect.code && (!expect.output || expect.output.test(`${r.stdout}\n${r.stderr}`))
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (exit ${r.status}, ${ms} ms)`)
  if (!ok) {
    failed++
    console.log(r.stdout.slice(-1500), r.stderr.slice(-1500))
  }
}

if (process.arch === 'x64') {
  await run('x64 --version', X64, ['--version'], { code: 0, output: /^edge-secrets\/\S+ linux-x64 node-v/ })
  await run('x64 checks', X64, ['checks'], { code: 0, output: /\d+ checks, \d+ remedies/ })
  await run('x64 demo vault-healthy', X64, ['demo', 'vault-healthy', '--exit-code'], {
    code: 0,
    output: /HEALTHY/,
  })
  await run('x64 demo node-broken', X64, ['demo', 'node-broken', '--exit-code'], {
    code: 1,
    output: /FAILING/,
  })
  // A live run: the doctor against a loopback Vault the repo's own tools start, as a real node would.
  const { prepareScenario, findScenario } = await import(join(ROOT, 'build/tools.js'))
  const prepared = await prepareScenario(findScenario('vault-permission-denied'))
  try {
    await run(
      'x64 doctor against a live (simulated) Vault',
      X64,
      [
        'doctor',
        '--config',
        prepared.configFile,
        '--provider',
        'vault',
        '--format',
        'json',
        '--timeout',
        '20s',
      ],
      { code: 1, output: /"id": "vault.capabilities",[\s\S]*?"status": "fail"/ },
      { ...prepared.instance.env, HOME: prepared.dir },
    )
  } finally {
    await prepared.cleanup()
  }
}
const QEMU = '/usr/bin/qemu-aarch64-static'
if (existsSync(ARM64) && existsSync(QEMU)) {
  const qemu = [QEMU, '-L', '/usr/aarch64-linux-gnu']
  await run('arm64 --version (qemu)', qemu[0], [...qemu.slice(1), ARM64, '--version'], {
    code: 0,
    output: /linux-arm64 node-v/,
  })
  await run(
    'arm64 demo node-broken (qemu)',
    qemu[0],
    [...qemu.slice(1), ARM64, 'demo', 'node-broken', '--exit-code'],
    {
      code: 1,
      output: /FAILING/,
    },
  )
} else if (process.env.EDGE_SECRETS_REQUIRE_TOOLS === '1') {
  console.log('FAIL arm64: the executable or qemu-aarch64-static is missing')
  failed++
}
process.exit(failed ? 1 : 0)
