import { Args, Flags } from '@oclif/core'
import { EdgeCommand } from '../base.js'

export default class ReportDiff extends EdgeCommand {
  static override summary = 'What a change fixed, what is new and what still fails between two reports.'
  static override description = `Compares two saved reports (JSON or support bundles) of the same deployment, per check and per finding: fixed, new, worse, better, still failing, no longer checked. Findings are matched by their key and evidence, so a token whose remaining lifetime changed is the same finding.

Exit codes: 0 nothing got worse; 1 something got worse (a new problem, a worse status, a new finding in a failing check); 2 a report could not be read.`
  static override examples = [
    '<%= config.bin %> report diff before.json after.json',
    '<%= config.bin %> report diff bundle-monday.tar.gz bundle-tuesday.tar.gz --format markdown',
    '<%= config.bin %> doctor --format json | <%= config.bin %> report diff baseline.json -',
  ]
  static override args = {
    before: Args.string({ required: true, description: 'the earlier report (JSON, bundle, or -)' }),
    after: Args.string({ required: true, description: 'the later report (JSON, bundle, or -)' }),
  }
  static override flags = {
    format: Flags.string({
      summary: 'Output format.',
      options: ['text', 'markdown', 'json'],
      default: 'text',
    }),
    output: Flags.string({
      char: 'o',
      summary: 'Write to FILE (the verdict line still on stderr).',
      helpValue: 'FILE',
    }),
    color: Flags.boolean({
      summary: 'Colour output (default: on a terminal, unless NO_COLOR).',
      allowNo: true,
    }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ReportDiff)
    const { runDiff } = await import('../../app/report-run.js')
    process.exitCode = await runDiff(args.before, args.after, flags.format as 'text' | 'markdown' | 'json', {
      output: flags.output,
      color: flags.color,
    })
  }
}
