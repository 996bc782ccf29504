// The `--manifests` source: Kubernetes YAML/JSON files and folders read into the same Inventory the live
// API fills, so the CI preflight gate runs every check that can run from files, with no cluster and no
// socket. Multi-document YAML and `List` kinds are unrolled; each object keeps the file and line it came
// from (SARIF locates findings with it). Secret values in manifests are registered with the redactor and
// dropped: only key names survive.
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join, relative } from 'node:path'
import type { Location } from '../../core/check.js'
import { registerSecret } from '../../core/redact.js'
import {
  KINDS,
  type Inventory,
  type KeyState,
  type KindName,
  type KindState,
  type KObject,
  type ManifestProblem,
} from './model.js'

export interface ManifestSet {
  readonly inventory: Inventory
  readonly files: readonly string[]
  readonly problems: readonly ManifestProblem[]
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json'])

async function collectFiles(path: string, out: string[]): Promise<void> {
  const s = await stat(path)
  if (s.isDirectory()) {
    const entries = await readdir(path, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(path, e.name)
      if (e.isDirectory()) await collectFiles(p, out)
      else if (EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p)
    }
  } else out.push(path)
}

/** A path as findings should show it: relative to the working directory when below it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const r = relative(cwd, file)
  return r && !r.startsWith('..') ? r : file
}

export async function loadManifests(
  paths: readonly string[],
  defaultNamespace: string,
): Promise<ManifestSet> {
  const { LineCounter, parseAllDocuments, isMap, isSeq } = await import('yaml')
  const files: string[] = []
  const problems: ManifestProblem[] = []
  const objects: KObject[] = []
  for (const p of paths) {
    try {
      await collectFiles(p, files)
    } catch (e) {
      problems.push({
        message: `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        location: { file: p },
      })
    }
  }
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (e) {
      problems.push({
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        location: { file },
      })
      continue
    }
    const shown = displayPath(file)
    const lc = new LineCounter()
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false })
    const docList = Array.isArray(docs) ? docs : [docs]
    for (const doc of docList) {
      if (doc.errors.length > 0) {
        for (const err of doc.errors.slice(0, 3)) {
          const pos = err.linePos?.[0]
          problems.push({
            message: err.message.split('\n')[0] ?? err.message,
            location: { file: shown, line: pos?.line, column: pos?.col },
          })
        }
        continue
      }
      const root = doc.contents
      if (!root) continue
      const lineOf = (node: unknown): number | undefined => {
        const range = (node as { range?: [number, number, number] } | null)?.range
        return range ? lc.linePos(range[0]).line : undefined
      }
      const value: unknown = doc.toJS({ maxAliasCount: 1000 })
      const push = (raw: unknown, node: unknown) => {
        const loc: Location = { file: shown, line: lineOf(node) }
        const obj = normalise(raw, loc, problems)
        if (obj) objects.push(obj)
      }
      if (
        isRecord(value) &&
        typeof value.kind === 'string' &&
        value.kind.endsWith('List') &&
        Array.isArray(value.items)
      ) {
        const itemsNode = isMap(root) ? root.get('items', true) : undefined
        value.items.forEach((item, i) => push(item, isSeq(itemsNode) ? itemsNode.items[i] : root))
      } else if (Array.isArray(value)) {
        // A bare YAML sequence of objects (some generators emit this).
        value.forEach((item, i) => push(item, isSeq(root) ? root.items[i] : root))
      } else push(value, root)
    }
  }
  const kinds: Partial<Record<KindName, KindState>> = {}
  for (const k of KINDS) kinds[k] = { state: 'from-manifests' }
  return {
    inventory: { source: 'manifests', namespace: defaultNamespace, objects, kinds },
    files: files.map((f) => displayPath(f)),
    problems,
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Checks what the API server would reject, and reduces a Secret to key names. */
function normalise(raw: unknown, location: Location, problems: ManifestProblem[]): KObject | undefined {
  if (!isRecord(raw)) return undefined
  // Not a Kubernetes object (Helm values, kustomization, a compose file): not ours to judge.
  if (typeof raw.kind !== 'string' || typeof raw.apiVersion !== 'string') return undefined
  const meta = isRecord(raw.metadata) ? raw.metadata : {}
  if (typeof meta.name !== 'string' || meta.name === '') {
    if (typeof meta.generateName !== 'string')
      problems.push({ message: `${raw.kind} without metadata.name`, location })
    return undefined
  }
  for (const field of ['annotations', 'labels'] as const) {
    for (const where of [meta, ...templateMetas(raw)]) {
      const m = where[field]
      if (!isRecord(m)) continue
      for (const [k, v] of Object.entries(m)) {
        if (typeof v !== 'string') {
          // The API server rejects the whole object: `cannot unmarshal bool into Go struct field ... of type string`.
          problems.push({
            message: `${raw.kind}/${meta.name}: ${field} value of "${k}" is a ${v === null ? 'null' : typeof v} (${JSON.stringify(v)}); quote it — the API only accepts strings`,
            location,
          })
          m[k] = v === null ? '' : String(v)
        }
      }
    }
  }
  if (raw.kind === 'Secret' && (raw.apiVersion === 'v1' || raw.apiVersion === '')) {
    const keys: Record<string, KeyState> = {}
    for (const field of ['data', 'stringData'] as const) {
      const d = raw[field]
      if (!isRecord(d)) continue
      for (const [k, v] of Object.entries(d)) {
        const text = v === null || v === undefined ? '' : String(v)
        const plain = field === 'data' ? Buffer.from(text, 'base64').toString('utf8') : text
        registerSecret(plain)
        registerSecret(text)
        keys[k] = plain.length > 0 ? 'set' : 'empty'
      }
    }
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta as unknown as KObject['metadata'],
      type: typeof raw.type === 'string' ? raw.type : 'Opaque',
      keys,
      location,
    }
  }
  return { ...(raw as unknown as KObject), location }
}

function templateMetas(raw: Record<string, unknown>): Record<string, unknown>[] {
  const spec = raw.spec
  if (!isRecord(spec) || !isRecord(spec.template) || !isRecord(spec.template.metadata)) return []
  return [spec.template.metadata]
}
