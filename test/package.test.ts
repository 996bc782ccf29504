// The package as users get it: `npm pack` from this tree (after the build `npm test` runs first), installed
// into an empty folder without the network, then run. The tarball carries the bundle and the oclif plugins
// (bundleDependencies), so nothing needs fetching.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.js'

describe('npm pack → npm install → edge-secrets', () => {
  it('installs offline and runs --version and a demo', { timeout: 180_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'es-pack-'))
    const listing = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    const [info] = JSON.parse(listing) as { filename: string; files: { path: string }[] }[]
    const files = info?.files.map((f) => f.path) ?? []
    // The bundle, the launcher, the schema and the licence; no sources, maps or metafile.
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/run.js',
        'dist/cli.js',
        'dist/commands.js',
        'LICENSE',
        'schema/report.schema.json',
      ]),
    )
    // Our own files only: the bundled plugins ship their packages as published.
    const ours = files.filter((f) => !f.startsWith('node_modules/'))
    expect(ours.filter((f) => /^src\/|\.map$|dist\/meta\.json$/.test(f))).toEqual([])

    const app = mkdtempSync(join(tmpdir(), 'es-install-'))
    writeFileSync(join(app, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}')
    execFileSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', join(out, info?.filename ?? '')],
      {
        cwd: app,
        stdio: 'pipe',
      },
    )
    expect(readdirSync(join(app, 'node_modules'))).toEqual(['.bin', '.package-lock.json', 'edge-secrets'])
    const bin = join(app, 'node_modules/.bin/edge-secrets')
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' })
    expect(version.stdout).toMatch(/^edge-secrets\/\d+\.\d+\.\d+ /)
    const demo = spawnSync(bin, ['demo', 'node-broken', '--exit-code', '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    })
    expect(demo.status).toBe(1)
    expect(JSON.parse(demo.stdout)).toMatchObject({ exitCode: 1, tool: { name: 'edge-secrets' } })
    expect(spawnSync(bin, ['-h'], { encoding: 'utf8' }).stdout).toContain('USAGE')
  })
})
