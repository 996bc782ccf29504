// The pipeline config as the node checks see it: read once and parsed once per run (keyed by the run's
// NodeApi), since node.pipeline-config and node.env-vars both work from its references.
import type { ResolvedConfig } from '../../../providers/index.js'
import type { FileRead, NodeApi } from '../../../providers/node/api.js'
import { DEFAULT_PIPELINE_CONFIG } from '../../../core/config.js'
import { readJobspecBlocks, secretNamesOf, type JobspecRead } from './jobspec.js'
import { parsePipelineConfig, type ParsedPipeline } from './references.js'

export interface PipelineLookup {
  readonly file: string
  /** The parsed file, or why it was not read (missing, not a regular file, over its cap, unreadable). */
  readonly read: FileRead<ParsedPipeline>
  /** The JobSpec's `secret_providers` and `secrets` blocks, read from the same parse (the jobspec checks). */
  readonly jobspec?: JobspecRead
  /** The variables the JobSpec's `secrets` block declares: the agent supplies them, not the node's env. */
  readonly declaredSecrets: readonly string[]
}

function lookup(file: string, read: FileRead<string>): PipelineLookup {
  if (!read.ok) return { file, read, declaredSecrets: [] }
  const parsed = parsePipelineConfig(read.value)
  const jobspec = readJobspecBlocks(read.value, parsed)
  return { file, read: { ok: true, value: parsed }, jobspec, declaredSecrets: secretNamesOf(jobspec) }
}

const cache = new WeakMap<NodeApi, Map<string, Promise<PipelineLookup>>>()

export function pipelineOf(node: NodeApi, config: ResolvedConfig): Promise<PipelineLookup> {
  const file = config.pipeline.config ?? DEFAULT_PIPELINE_CONFIG
  let perNode = cache.get(node)
  if (!perNode) cache.set(node, (perNode = new Map()))
  let p = perNode.get(file)
  if (!p) {
    p = node.readText(file, 'pipeline config').then((read) => lookup(file, read))
    perNode.set(file, p)
  }
  return p
}
