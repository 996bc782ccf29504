// Format name → renderer. Renderers load on demand so a text run never imports the XML or SARIF code.
import type { Check } from '../core/check.js'
import type { Report } from '../core/report.js'
import type { ResolvedConfig } from '../providers/index.js'
import type { SecretFileFact } from '../render/prometheus.js'

export const FORMATS = [
  'text',
  'json',
  'junit',
  'sarif',
  'markdown',
  'github',
  'codeclimate',
  'prometheus',
] as const
export type Format = (typeof FORMATS)[number]

/**
 * What a format may add beyond the report. Prometheus exports each rendered secret file's write time, which
 * the report does not carry: given the run's config, the node is asked (stat only); given the files (a saved
 * bundle's inventory), they are used as they are.
 */
export interface RenderContext {
  readonly config?: ResolvedConfig
  readonly env?: NodeJS.ProcessEnv
  readonly secretFiles?: readonly SecretFileFact[]
  /** The run's working directory: SARIF and Code Climate write files under it as relative paths. */
  readonly cwd?: string
}

async function secretFilesFor(context: RenderContext | undefined): Promise<readonly SecretFileFact[]> {
  if (context?.secretFiles) return context.secretFiles
  if (!context?.config) return []
  const { secretFileFacts } = await import('./bundle-inventory.js')
  return secretFileFacts(context.config, context.env ?? process.env)
}

export async function renderFormat(
  format: Exclude<Format, 'text'>,
  report: Report,
  catalogue: readonly Check[],
  context?: RenderContext,
): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../render/json.js')).renderJson(report)
    case 'junit':
      return (await import('../render/junit.js')).renderJunit(report)
    case 'sarif':
      return (await import('../render/sarif.js')).renderSarif(report, catalogue, { cwd: context?.cwd })
    case 'markdown':
      return (await import('../render/markdown.js')).renderMarkdown(report)
    case 'github':
      return (await import('../render/github.js')).renderGithub(report)
    case 'codeclimate':
      return (await import('../render/codeclimate.js')).renderCodeClimate(report, { cwd: context?.cwd })
    case 'prometheus':
      return (await import('../render/prometheus.js')).renderPrometheus(report, await secretFilesFor(context))
  }
}
