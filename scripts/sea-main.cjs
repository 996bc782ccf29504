// The main script of the single executables (scripts/sea.mjs fills the three constants). CommonJS, built-in
// modules only: that is all a Node 20 SEA main script may load. It answers --version at once; otherwise it
// unpacks the embedded package once per version into a private cache folder (atomically: a second process
// racing it uses whichever copy lands) and hands over to the launcher there.
'use strict'
const sea = require('node:sea')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createRequire } = require('node:module')

const VERSION = __VERSION__
const HASH = __HASH__
const ASSETS = __ASSETS__

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(
    `edge-secrets/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`,
  )
  process.exit(0)
}

function cacheRoots() {
  const home = os.homedir()
  return [
    process.env.EDGE_SECRETS_CACHE_DIR,
    process.env.XDG_CACHE_HOME && path.join(process.env.XDG_CACHE_HOME, 'edge-secrets'),
    home && path.join(home, '.cache', 'edge-secrets'),
    path.join(
      os.tmpdir(),
      `edge-secrets-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`,
    ),
  ].filter(Boolean)
}

function unpack(root) {
  const target = path.join(root, `${VERSION}-${HASH}`)
  if (fs.existsSync(path.join(target, '.complete'))) return target
  fs.mkdirSync(root, { recursive: true, mode: 0o700 })
  const tmp = fs.mkdtempSync(path.join(root, `.unpack-${VERSION}-`))
  for (const name of ASSETS) {
    const to = path.join(tmp, name)
    fs.mkdirSync(path.dirname(to), { recursive: true })
    fs.writeFileSync(to, Buffer.from(sea.getRawAsset(name)))
  }
  fs.writeFileSync(path.join(tmp, 'boot.cjs'), "module.exports = () => import('./bin/run.js')\n")
  fs.writeFileSync(path.join(tmp, '.complete'), `${VERSION} ${HASH}\n`)
  try {
    fs.renameSync(tmp, target)
  } catch (e) {
    // Another process unpacked the same version first: use its copy.
    fs.rmSync(tmp, { recursive: true, force: true })
    if (!fs.existsSync(path.join(target, '.complete'))) throw e
  }
  return target
}

let dir
const problems = []
for (const root of cacheRoots()) {
  try {
    dir = unpack(root)
    break
  } catch (e) {
    problems.push(`${root}: ${e.code || e.message}`)
  }
}
if (!dir) {
  process.stderr.write(
    `edge-secrets: cannot unpack into any cache folder (${problems.join('; ')}); set EDGE_SECRETS_CACHE_DIR to a writable folder\n`,
  )
  process.exit(2)
}
createRequire(path.join(dir, 'boot.cjs'))('./boot.cjs')().catch((e) => {
  process.stderr.write(`edge-secrets: ${e && e.stack ? e.stack : e}\n`)
  process.exit(70)
})
