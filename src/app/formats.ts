// Format name → renderer. Renderers load on demand so a text run never imports the XML or SARIF code.
import type { Check } from '../core/check.js'
import type { Report } from '../core/report.js'

export const FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown', 'github'] as const
export type Format = (typeof FORMATS)[number]

export async function renderFormat(
  format: Exclude<Format, 'text'>,
  report: Report,
  catalogue: readonly Check[],
): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../render/json.js')).renderJson(report)
    case 'junit':
      return (await import('../render/junit.js')).renderJunit(report)
    case 'sarif':
      return (await import('../render/sarif.js')).renderSarif(report, catalogue)
    case 'markdown':
      return (await import('../render/markdown.js')).renderMarkdown(report)
    case 'github':
      return (await import('../render/github.js')).renderGithub(report)
  }
}
