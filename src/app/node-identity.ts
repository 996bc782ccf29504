// Which node a report was made on (issue 12): the host name; the Expanso node id; the Kubernetes node, pod
// and namespace from the downward API (NODE_NAME, POD_NAME, POD_NAMESPACE); and the operator's own
// `--label k=v`. A fleet's reports are grouped and told apart by it.
//
// The Expanso node id is `orchestrator.node_id`, which `expanso-edge bootstrap` writes into the edge config's
// config.d/99-dynamic.yaml (docs.expanso.io references/configuration/edge-config). The edge config is
// "typically located at /etc/expanso/edge/config.yaml"; that config.d sits beside it is inferred, not
// documented, so EXPANSO_EDGE_CONFIG_DIR names another folder and EXPANSO_NODE_ID overrides the lookup.
import { hostname } from 'node:os'
import { join } from 'node:path'
import { readInputSync } from '../core/files.js'
import { parseYaml } from '../core/yaml.js'
import type { NodeIdentity } from '../core/report.js'
import { UsageError } from './usage-error.js'

const set = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined)

/** `--label team=edge --label site=ams1` → { team: 'edge', site: 'ams1' }; a label without `=` is exit 2. */
export function parseLabels(labels: readonly string[] | undefined): Record<string, string> | undefined {
  if (!labels?.length) return undefined
  const out: Record<string, string> = {}
  for (const l of labels.flatMap((x) => x.split(','))) {
    const m = /^\s*([A-Za-z0-9_./-]+)\s*=\s*(.*?)\s*$/.exec(l)
    if (!m) throw new UsageError(`--label ${l}: expected key=value (letters, digits, _ . / - in the key)`)
    out[m[1] as string] = m[2] as string
  }
  return out
}

export function nodeIdentity(env: NodeJS.ProcessEnv, labels?: Record<string, string>): NodeIdentity {
  const kubernetes = {
    ...(set(env.NODE_NAME) ? { node: set(env.NODE_NAME) } : {}),
    ...(set(env.POD_NAME) ? { pod: set(env.POD_NAME) } : {}),
    ...(set(env.POD_NAMESPACE) ? { namespace: set(env.POD_NAMESPACE) } : {}),
  }
  const expanso = set(env.EXPANSO_NODE_ID) ?? bootstrapNodeId(env)
  return {
    hostname: hostname(),
    ...(expanso ? { expansoNodeId: expanso } : {}),
    ...(Object.keys(kubernetes).length ? { kubernetes } : {}),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  }
}

export const DEFAULT_EDGE_CONFIG_DIR = '/etc/expanso/edge'

/** `orchestrator.node_id` from the bootstrap's dynamic config, when this node has one. */
export function bootstrapNodeId(env: NodeJS.ProcessEnv): string | undefined {
  const file = join(
    set(env.EXPANSO_EDGE_CONFIG_DIR) ?? DEFAULT_EDGE_CONFIG_DIR,
    'config.d',
    '99-dynamic.yaml',
  )
  let text: string
  try {
    text = readInputSync(file, 'config')
  } catch {
    return undefined
  }
  const parsed = parseYaml(text)
  const doc = parsed.ok ? parsed.values[0] : undefined
  const orchestrator = (doc as { orchestrator?: { node_id?: unknown } } | undefined)?.orchestrator
  return typeof orchestrator?.node_id === 'string' ? set(orchestrator.node_id) : undefined
}
