// npm run sea: single executables for nodes without Node.js — edge-secrets-linux-x64 and
// edge-secrets-linux-arm64 in sea/, each with a .sha256 beside it.
//
// Each is the Node.js binary of this very Node version, taken from the npm registry (node-linux-<arch>),
// with a single-executable-application blob injected (postject). The blob's main script (sea/main.cjs,
// generated here) answers `--version` at once; otherwise it unpacks the bundle (dist/, bin/run.js and a
// package.json, embedded as SEA assets) once per version into a cache folder and runs it from there. Node 20's
// SEA main script can load only built-in modules and cannot import(), while the bundle is split ESM that
// loads each provider's SDK on first use: unpacking keeps that laziness, and costs one write of ~20 MB on the
// first run of a version. The folder: $EDGE_SECRETS_CACHE_DIR, else $XDG_CACHE_HOME/edge-secrets, else
// ~/.cache/edge-secrets, else the system temp folder.
//
// The code cache (faster start) is V8-architecture specific, so only the executable for this machine's
// architecture gets one; the other is built without.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'sea')
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'
const NODE_VERSION = process.versions.node
const ARCHES = (process.env.EDGE_SECRETS_SEA_ARCHES ?? 'x64,arm64').split(',')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

const walk = (dir) =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
  )

/** The Node binary for `arch` from the npm registry (node-linux-<arch>@<this version>), cached. */
function nodeBinary(arch) {
  const cache = join(
    process.env.EDGE_SECRETS_SEA_CACHE ?? join(tmpdir(), 'edge-secrets-sea-cache'),
    `${NODE_VERSION}-${arch}`,
  )
  const bin = join(cache, 'package/bin/node')
  if (existsSync(bin)) return bin
  mkdirSync(cache, { recursive: true })
  const tgz = execFileSync(
    'npm',
    ['pack', `node-linux-${arch}@${NODE_VERSION}`, '--silent', '--pack-destination', cache],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .pop()
  execFileSync('tar', ['xzf', join(cache, tgz), '-C', cache, 'package/bin/node'])
  rmSync(join(cache, tgz))
  return bin
}

/** The package the executable unpacks: the bundle, the launcher and a package.json without dev matter. */
function payload() {
  const files = [join(ROOT, 'bin/run.js'), ...walk(join(ROOT, 'dist')).filter((f) => !f.endsWith('.map'))]
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    type: 'module',
    bin: pkg.bin,
    // Plugins live in node_modules, which the executable does not carry; --help is oclif's own.
    oclif: { ...pkg.oclif, plugins: [] },
  }
  const assets = Object.fromEntries(files.map((f) => [relative(ROOT, f).split('\\').join('/'), f]))
  const pjson = join(OUT, 'package.json')
  writeFileSync(pjson, JSON.stringify(manifest, null, 2))
  assets['package.json'] = pjson
  const hash = createHash('sha256')
  for (const [name, file] of Object.entries(assets).sort())
    hash.update(name).update('\0').update(readFileSync(file))
  return { assets, hash: hash.digest('hex').slice(0, 16) }
}

function mainScript(names, hash) {
  const template = readFileSync(join(ROOT, 'scripts/sea-main.cjs'), 'utf8')
  return template
    .replace('__VERSION__', JSON.stringify(pkg.version))
    .replace('__HASH__', JSON.stringify(hash))
    .replace('__ASSETS__', JSON.stringify(names))
}

function build(arch, assets, hash) {
  const main = join(OUT, 'main.cjs')
  writeFileSync(main, mainScript(Object.keys(assets), hash))
  const config = join(OUT, `sea-config-${arch}.json`)
  const blob = join(OUT, `sea-${arch}.blob`)
  writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: arch === process.arch,
      assets,
    }),
  )
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'ignore' })
  const exe = join(OUT, `edge-secrets-linux-${arch}`)
  copyFileSync(nodeBinary(arch), exe)
  chmodSync(exe, 0o755)
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE],
    {
      stdio: 'ignore',
    },
  )
  const sum = createHash('sha256').update(readFileSync(exe)).digest('hex')
  writeFileSync(`${exe}.sha256`, `${sum}  edge-secrets-linux-${arch}\n`)
  rmSync(blob)
  rmSync(config)
  return { exe, bytes: statSync(exe).size, sum }
}

if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run npm run build first')
mkdirSync(OUT, { recursive: true })
const { assets, hash } = payload()
for (const arch of ARCHES) {
  const r = build(arch, assets, hash)
  console.log(
    `${relative(ROOT, r.exe)}: ${(r.bytes / 1048576).toFixed(1)} MiB, sha256 ${r.sum.slice(0, 16)}…`,
  )
}
