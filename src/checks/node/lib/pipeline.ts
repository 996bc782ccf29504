// The pipeline config as the node checks see it: read once and parsed once per run (keyed by the run's
// NodeApi), since node.pipeline-config and node.env-vars both work from its references.
import type { ResolvedConfig } from '../../../providers/index.js'
import type { FileRead, NodeApi } from '../../../providers/node/api.js'
import { DEFAULT_PIPELINE_CONFIG } from '../../../core/config.js'
import { declaredSecretNames } from './jobspec.js'
import { parsePipelineConfig, type ParsedPipeline } from './references.js'

export interface PipelineLookup {
  readonly file: string
  /** The parsed file, or why it was not read (missing, not a regular file, over its cap, unreadable). */
  readonly read: FileRead<ParsedPipeline>
  /** The variables the JobSpec's `secrets` block declares: the agent supplies them, not the node's env. */
  readonly declaredSecrets: readonly string[]
}

const cache = new WeakMap<NodeApi, Map<string, Promise<PipelineLookup>>>()

export function pipelineOf(node: NodeApi, config: ResolvedConfig): Promise<PipelineLookup> {
  const file = config.pipeline.config ?? DEFAULT_PIPELINE_CONFIG
  let perNode = cache.get(node)
  if (!perNode) cache.set(node, (perNode = new Map()))
  let p = perNode.get(file)
  if (!p) {
    p = node.readText(file, 'pipeline config').then((read) => ({
      file,
      read: read.ok ? { ok: true, value: parsePipelineConfig(read.value) } : read,
      declaredSecrets: read.ok ? declaredSecretNames(read.value) : [],
    }))
    perNode.set(file, p)
  }
  return p
}
