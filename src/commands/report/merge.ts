import { Args, Flags } from '@oclif/core'
import { EdgeCommand } from '../base.js'
import type { FailOn } from '../../core/report.js'

export default class ReportMerge extends EdgeCommand {
  static override summary = 'The fleet view: many node reports merged into which checks fail where, and why.'
  static override description = `Reads node reports from files, folders (walked), support bundles (.tar.gz) and stdin (- : JSON lines as \`kubectl logs\` prints them, --prefix and --timestamps included; also \`bacalhau job describe --output json\`). Reports are streamed: one at a time, never all in memory. A node that reported more than once counts once, with its newest report. Input that is not a report is counted and named, never fatal.

Prints which checks fail on how many nodes, the nodes grouped by identical root cause (check, finding and key evidence) with the remedy and its command, and the worst nodes first.

Exit codes: 0 no node at or above --fail-on; 1 a node at or above it; 3 incomplete (a node could not check something, or no report was read); 2 a path does not exist or a flag is wrong.`
  static override strict = false
  static override examples = [
    '<%= config.bin %> report merge reports/',
    'kubectl logs -n expanso-system -l app.kubernetes.io/name=edge-secrets-doctor -c doctor --tail=-1 --prefix | <%= config.bin %> report merge -',
    '<%= config.bin %> report merge fleet/ --format json -o fleet.json',
    '<%= config.bin %> report merge reports/ --format junit > fleet-junit.xml',
  ]
  static override args = {
    inputs: Args.string({ required: true, description: 'report files, folders, bundles, or - for stdin' }),
  }
  static override flags = {
    format: Flags.string({
      summary: 'Output format.',
      options: ['text', 'markdown', 'json', 'junit'],
      default: 'text',
    }),
    output: Flags.string({
      char: 'o',
      summary: 'Write to FILE (the fleet line still on stderr).',
      helpValue: 'FILE',
    }),
    'fail-on': Flags.string({
      summary: 'Lowest node status that makes the exit code 1.',
      options: ['fail', 'warn', 'never'],
      default: 'fail',
    }),
    verbose: Flags.boolean({ char: 'v', summary: 'Text: every check, root cause, node and skipped input.' }),
    color: Flags.boolean({
      summary: 'Colour output (default: on a terminal, unless NO_COLOR).',
      allowNo: true,
    }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ReportMerge)
    const { runMerge } = await import('../../app/report-run.js')
    process.exitCode = await runMerge(argv as string[], {
      format: flags.format as 'text' | 'markdown' | 'json' | 'junit',
      output: flags.output,
      failOn: flags['fail-on'] as FailOn,
      verbose: flags.verbose,
      color: flags.color,
      version: this.config.version,
    })
  }
}
