// The `--manifests` source: Kubernetes YAML/JSON files and folders read into the same Inventory the live
// API fills, so the CI preflight gate runs every check that can run from files, with no cluster and no
// socket. Multi-document YAML and `List` kinds are unrolled; each object keeps the file and line it came
// from (SARIF locates findings with it). Secret values in manifests are registered with the redactor and
// dropped: only key names survive.
import { readdir, stat } from 'node:fs/promises'
import { extname, join, relative } from 'node:path'
import type * as YamlModule from 'yaml'
import type { Location } from '../../core/check.js'
import { readInput } from '../../core/files.js'
import { once } from '../../core/provider.js'
import { parseYaml } from '../../core/yaml.js'
import type { Inventory, KindName, KindState, KObject, KubernetesApi, ManifestProblem } from './api.js'
import { KINDS } from './model.js'
import { secretKeyStates, withoutAppliedCopy } from './secret-keys.js'

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

/** The provider's API over `--manifests` files: no network, no SDK. */
export function manifestsApi(paths: readonly string[], namespace: string): KubernetesApi {
  const load = once(() => loadManifests(paths, namespace))
  return {
    mode: 'manifests',
    access: async () => {
      const set = await load()
      return {
        source: 'manifests',
        denied: [],
        files: set.files,
        objectCount: set.inventory.objects.length,
        problems: set.problems,
      }
    },
    inventory: async () => (await load()).inventory,
  }
}

export async function loadManifests(
  paths: readonly string[],
  defaultNamespace: string,
): Promise<ManifestSet> {
  const yaml = await import('yaml')
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
      text = await readInput(file, 'manifest')
    } catch (e) {
      problems.push({ message: (e as Error).message, location: { file: displayPath(file) } })
      continue
    }
    readDocuments(yaml, text, displayPath(file), objects, problems)
  }
  const kinds: Partial<Record<KindName, KindState>> = {}
  for (const k of KINDS) kinds[k] = { state: 'from-manifests' }
  return {
    inventory: { source: 'manifests', namespace: defaultNamespace, objects, kinds },
    files: files.map((f) => displayPath(f)),
    problems,
  }
}

/**
 * Every object of one file's YAML documents, each with its line; what does not parse is a problem. The file is
 * hostile input: core/yaml refuses nesting deep enough to crash the parser, quadratic duplicate-key scans and
 * alias bombs, each as a problem with its line.
 */
function readDocuments(
  yaml: Yaml,
  text: string,
  shown: string,
  objects: KObject[],
  problems: ManifestProblem[],
): void {
  const parsed = parseYaml(text)
  if (!parsed.ok) {
    problems.push({
      message: parsed.message,
      location: { file: shown, line: parsed.line, column: parsed.column },
    })
    return
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range
    return range ? parsed.lineCounter.linePos(range[0]).line : undefined
  }
  parsed.docs.forEach((doc, d) => {
    const root = doc.contents
    const value = parsed.values[d]
    const push = (raw: unknown, node: unknown) => {
      const obj = normalise(raw, { file: shown, line: lineOf(node) }, problems)
      if (obj) objects.push(obj)
    }
    if (
      isRecord(value) &&
      typeof value.kind === 'string' &&
      value.kind.endsWith('List') &&
      Array.isArray(value.items)
    ) {
      const itemsNode = yaml.isMap(root) ? root.get('items', true) : undefined
      value.items.forEach((item, i) => push(item, yaml.isSeq(itemsNode) ? itemsNode.items[i] : root))
    } else if (Array.isArray(value)) {
      // A bare YAML sequence of objects (some generators emit this).
      value.forEach((item, i) => push(item, yaml.isSeq(root) ? root.items[i] : root))
    } else push(value, root)
  })
}

type Yaml = typeof YamlModule

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
  if (raw.kind === 'Secret' && (raw.apiVersion === 'v1' || raw.apiVersion === ''))
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: withoutAppliedCopy(meta as unknown as KObject['metadata']),
      type: typeof raw.type === 'string' ? raw.type : 'Opaque',
      keys: secretKeyStates(raw.data, raw.stringData),
      location,
    }
  return { ...(raw as unknown as KObject), location }
}

function templateMetas(raw: Record<string, unknown>): Record<string, unknown>[] {
  const spec = raw.spec
  if (!isRecord(spec) || !isRecord(spec.template) || !isRecord(spec.template.metadata)) return []
  return [spec.template.metadata]
}
