// Which node a report was made on (issue 12): the host name; the Expanso node id where the agent's
// environment names one; the Kubernetes node, pod and namespace from the downward API (NODE_NAME, POD_NAME,
// POD_NAMESPACE); and the operator's own `--label k=v`. A fleet's reports are grouped and told apart by it.
import { hostname } from 'node:os'
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
  const expanso = set(env.EXPANSO_NODE_ID)
  return {
    hostname: hostname(),
    ...(expanso ? { expansoNodeId: expanso } : {}),
    ...(Object.keys(kubernetes).length ? { kubernetes } : {}),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  }
}
