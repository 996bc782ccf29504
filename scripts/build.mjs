// The build: one bundled CLI in dist/, as users get it. esbuild bundles src/cli.ts (oclif's entry) and
// src/commands/index.ts (oclif's explicit command target) with every dependency, split into chunks that load
// on first use — a provider's SDK is parsed only when that provider runs, since every SDK is reached through a
// dynamic import(). The package then needs no node_modules at run time.
//
// Two things a bundle breaks, and how they are kept working:
// - A CommonJS package reached by a dynamic import() from our code: Node gives it named exports (through
//   cjs-module-lexer); an esbuild chunk would only have `default`. A facade module re-exports the names the
//   same lexer finds, so `(await import('@aws-sdk/credential-providers')).fromEnv` works in both.
// - `__dirname` in a dependency (oclif reading its package.json, the HCL parser reading its WASM): each such
//   module gets its own `__dirname` under dist/vendor/<package path>, and the few files they read at run time
//   are copied there (VENDOR_FILES).
// dist/meta.json (esbuild's metafile) maps every output file to the packages in it: the test that proves
// `--version`, `checks` and `explain` load no SDK reads it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import * as lexer from 'cjs-module-lexer'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = resolve(ROOT, process.env.EDGE_SECRETS_OUTDIR ?? 'dist')
const NODE_MODULES = join(ROOT, 'node_modules')
const require = createRequire(join(ROOT, 'package.json'))

/** Files dependencies read relative to their own `__dirname` at run time. */
const VENDOR_FILES = ['@cdktf/hcl2json/main.wasm.gz', '@oclif/core/package.json']

/** The "type" of the package.json nearest to a file. */
function packageType(file) {
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) {
    const pj = join(d, 'package.json')
    if (existsSync(pj)) return JSON.parse(readFileSync(pj, 'utf8')).type
  }
  return undefined
}

/**
 * Whether Node would load a file as CommonJS: by extension, then the nearest package.json's "type". Some
 * packages ship ES modules in a folder with no "type" (dist-es), which only their syntax gives away.
 */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true
  if (file.endsWith('.mjs') || packageType(file) === 'module') return false
  return !/(^|[;}\s])(export|import)\s*[\s{*]/m.test(readFileSync(file, 'utf8'))
}

/** The names Node would give a CommonJS module's namespace (cjs-module-lexer, reexports followed). */
function cjsExportNames(file) {
  const names = new Set()
  const seen = new Set()
  const visit = (f) => {
    if (seen.has(f)) return
    seen.add(f)
    const { exports, reexports } = lexer.parse(readFileSync(f, 'utf8'))
    for (const e of exports) names.add(e)
    for (const r of reexports)
      try {
        visit(require.resolve(r, { paths: [dirname(f)] }))
      } catch {
        // a reexport Node could not resolve either
      }
  }
  visit(file)
  return [...names].filter((n) => n !== 'default' && n !== '__esModule' && /^[A-Za-z_$][\w$]*$/.test(n))
}

const nodeInterop = {
  name: 'node-interop',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData?.inner || args.importer.includes('node_modules'))
        return undefined
      const r = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { inner: true },
      })
      if (r.errors.length || r.external || !isCommonJs(r.path)) return undefined
      return {
        path: args.path,
        namespace: 'cjs-facade',
        pluginData: { resolveDir: args.resolveDir, file: r.path },
      }
    })
    build.onLoad({ filter: /.*/, namespace: 'cjs-facade' }, (args) => {
      const spec = JSON.stringify(args.path)
      let names
      try {
        names = cjsExportNames(args.pluginData.file)
      } catch {
        // Not CommonJS after all: let esbuild import it as the module it is.
        return {
          contents: `export * from ${spec}; export { default } from ${spec}`,
          resolveDir: args.pluginData.resolveDir,
          loader: 'js',
        }
      }
      return {
        // require(), not `import m from`: Node's default is module.exports even for a module flagged __esModule.
        contents: `const m = require(${spec}); export default m;${names.length ? ` export const { ${names.join(', ')} } = m;` : ''}`,
        resolveDir: args.pluginData.resolveDir,
        loader: 'js',
      }
    })
  },
}

const vendorDirname = {
  name: 'vendor-dirname',
  setup(build) {
    build.onLoad({ filter: /node_modules\/.*\.c?js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8')
      if (!/\b__(dirname|filename)\b/.test(text) || !isCommonJs(args.path)) return undefined
      // The path inside its (innermost) node_modules: `@cdktf/hcl2json/lib/bridge.js`.
      const rel = args.path.split('\\').join('/').split('/node_modules/').pop()
      const dir = JSON.stringify(dirname(rel))
      return {
        contents: `var __dirname = __esVendor(${dir}), __filename = __esVendor(${JSON.stringify(rel)});\n${text}`,
        loader: 'js',
      }
    })
  },
}

// Every output file sits in dist/ itself, so one banner can find dist/ (and dist/vendor) from import.meta.url.
const BANNER = [
  "import { createRequire as __esCreateRequire } from 'node:module';",
  "import { dirname as __esDirname, join as __esJoin } from 'node:path';",
  "import { fileURLToPath as __esFileUrlToPath } from 'node:url';",
  'const require = __esCreateRequire(import.meta.url);',
  "const __esVendor = (p) => __esJoin(__esDirname(__esFileUrlToPath(import.meta.url)), 'vendor', p);",
].join(' ')

/**
 * Bundles `entryPoints` into `outdir`, atomically: a failed build leaves the previous output in place (other
 * work in the tree may be mid-edit; a half-written dist/ would break every process that runs the CLI).
 */
export async function build({
  outdir = OUT,
  // report-worker: `report merge` starts it as a worker thread by URL (./report-worker.js beside the chunk);
  // hcl-worker likewise, for the Vault agent config's HCL parser.
  // not-found: the command_not_found hook oclif loads by path (package.json oclif.hooks).
  entryPoints = {
    cli: 'src/cli.ts',
    commands: 'src/commands/index.ts',
    'report-worker': 'src/app/report-worker.ts',
    'hcl-worker': 'src/providers/vault/hcl-worker.ts',
    'not-found': 'src/hooks/not-found.ts',
  },
  minify = true,
} = {}) {
  await lexer.init()
  const tmp = `${outdir}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  const result = await esbuild
    .build({
      absWorkingDir: ROOT,
      entryPoints,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      outdir: tmp,
      entryNames: '[name]',
      chunkNames: '[name]-[hash]',
      metafile: true,
      minify,
      keepNames: true,
      legalComments: 'external',
      banner: { js: BANNER },
      // `performance` is required only where globalThis.performance is missing, which Node 20 never is.
      // `typescript` (4 MB) is required only by oclif's tsconfig lookup for uncompiled plugins, which it skips
      // in production; bundling it made every command parse 4 MB it never runs.
      external: ['performance', 'typescript'],
      plugins: [nodeInterop, vendorDirname],
      logLevel: 'warning',
    })
    .catch((e) => {
      rmSync(tmp, { recursive: true, force: true })
      throw e
    })
  for (const f of VENDOR_FILES) {
    const to = join(tmp, 'vendor', f)
    mkdirSync(dirname(to), { recursive: true })
    copyFileSync(join(NODE_MODULES, f), to)
  }
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(result.metafile))
  rmSync(outdir, { recursive: true, force: true })
  renameSync(tmp, outdir)
  return result
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now()
  // --tools: what the repo's own scripts (docs, bench) import, bundled apart from the shipped CLI.
  if (process.argv.includes('--tools'))
    await build({ outdir: join(ROOT, 'build'), entryPoints: { tools: 'scripts/tools.ts' }, minify: false })
  else await build()
  console.log(
    `${process.argv.includes('--tools') ? 'build/' : 'dist/'}: bundled in ${Math.round(performance.now() - t0)} ms`,
  )
}
