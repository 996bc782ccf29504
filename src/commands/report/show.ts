import { Args, Flags } from '@oclif/core'
import { EdgeCommand } from '../base.js'
import { FORMATS, type Format } from '../../app/formats.js'

export default class ReportShow extends EdgeCommand {
  static override summary = 'Re-render a saved report (a JSON report or a support bundle) in any format.'
  static override description = `Reads a report written by \`doctor --format json\`, a support bundle (\`edge-secrets bundle\`), or - for stdin, and prints it as the doctor would have: text, markdown, JUnit, SARIF, GitHub annotations, Prometheus or JSON. A file that is not a report this version reads is exit 2 with what is wrong.`
  static override examples = [
    '<%= config.bin %> report show report.json',
    '<%= config.bin %> report show edge-secrets-bundle.tar.gz --format markdown > ticket.md',
    '<%= config.bin %> report show report.json --format prometheus -o /var/lib/node_exporter/textfile_collector/edge_secrets.prom',
  ]
  static override args = {
    file: Args.string({ required: true, description: 'report JSON, bundle (.tar.gz), or - for stdin' }),
  }
  static override flags = {
    format: Flags.string({ summary: 'Output format.', options: [...FORMATS], default: 'text' }),
    output: Flags.string({ char: 'o', summary: 'Write to FILE (replaced atomically).', helpValue: 'FILE' }),
    verbose: Flags.boolean({ char: 'v', summary: 'Text: every check with its evidence.' }),
    color: Flags.boolean({
      summary: 'Colour output (default: on a terminal, unless NO_COLOR).',
      allowNo: true,
    }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ReportShow)
    const { runShow } = await import('../../app/report-run.js')
    await runShow(args.file, flags.format as Format, {
      output: flags.output,
      verbose: flags.verbose,
      color: flags.color,
    })
  }
}
