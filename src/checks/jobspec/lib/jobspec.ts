// The JobSpec's secret blocks as every jobspec check sees them: read from the pipeline config the node
// checks read (the same memoized read of the node API), parsed once per run, interpreted once.
import { dirname } from 'node:path'
import { DEFAULT_PIPELINE_CONFIG } from '../../../core/config.js'
import type { ProviderApis, ResolvedConfig } from '../../../providers/index.js'
import { pipelineOf } from '../../node/lib/pipeline.js'
import type { PipelineShape } from '../../node/lib/references.js'
import type { JobspecModel, ProviderIssueKey, SecretIssueKey } from './model.js'
import { Collector, readProviders } from './read-providers.js'
import { readSecrets } from './read-secrets.js'

export type JobspecLookup =
  /** No pipeline config to read, or it does not parse: node.pipeline-config says why. */
  | { readonly state: 'unreadable'; readonly file: string; readonly reason: string }
  | { readonly state: 'none'; readonly file: string }
  | {
      readonly state: 'ok'
      readonly file: string
      /** `jobspec` also for one under `spec:` with `type: pipeline` beside the blocks. */
      readonly shape: PipelineShape | undefined
      readonly model: JobspecModel
    }

const cache = new WeakMap<ProviderApis['node'], Map<string, Promise<JobspecLookup>>>()

async function lookup(node: ProviderApis['node'], config: ResolvedConfig): Promise<JobspecLookup> {
  // The node checks' read and parse of the same file, shared: the text is read and parsed once per run.
  const { file, read, jobspec: r } = await pipelineOf(node, config)
  if (!read.ok || !r) return { state: 'unreadable', file, reason: read.ok ? 'not read' : read.reason }
  if (!r.ok) return { state: 'unreadable', file, reason: `${file}:${r.line}:${r.column}: ${r.message}` }
  if (!r.blocks) return { state: 'none', file }
  const base = dirname(file)
  const pc = new Collector<ProviderIssueKey>()
  const sc = new Collector<SecretIssueKey>()
  const providers = readProviders(pc, r.blocks.providers, base)
  const secrets = readSecrets(sc, r.blocks.secrets, providers, r.blocks.providers)
  for (const p of providers)
    if (!secrets.some((s) => s.from === p.name) && r.blocks.secrets)
      pc.add('unused-provider', p.entry, p, 'no secret names it in from:')
  return {
    state: 'ok',
    file,
    shape: r.blocks.type === 'pipeline' ? 'jobspec' : r.shape,
    model: {
      under: r.blocks.under,
      providersAt: r.blocks.providers?.at,
      secretsAt: r.blocks.secrets?.at,
      providers,
      secrets,
      providerIssues: pc.issues,
      secretIssues: sc.issues,
      files: pc.files,
      envs: pc.envs,
    },
  }
}

/** The pipeline config's JobSpec blocks, once per run (keyed by the run's node API). */
export function jobspecOf(node: ProviderApis['node'], config: ResolvedConfig): Promise<JobspecLookup> {
  const file = config.pipeline.config ?? DEFAULT_PIPELINE_CONFIG
  let perNode = cache.get(node)
  if (!perNode) cache.set(node, (perNode = new Map()))
  let p = perNode.get(file)
  if (!p) {
    p = lookup(node, config)
    perNode.set(file, p)
  }
  return p
}
