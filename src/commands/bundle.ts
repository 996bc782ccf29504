import { Flags } from '@oclif/core'
import { EdgeCommand } from './base.js'
import { runFlags, runOptions } from './flags.js'

export default class Bundle extends EdgeCommand {
  static override summary =
    'Write a support bundle (.tar.gz): the report, its log and the node’s setup, with no secret in it.'
  static override description = `Runs the doctor (same flags) and packs what a support engineer needs: the report (JSON and markdown) and the --verbose log, tool/Node/OS versions, the effective config, the Vault agent HCL and templates with literal secrets removed, the names of the environment variables that are set, the secret files' metadata (path, mode, owner, size, mtime, filesystem — never contents), Kubernetes object summaries without data, the identities each provider saw and the run's timings. MANIFEST.json inside lists every file, what it is and why it is there.

\`edge-secrets report show BUNDLE\` and \`report diff\` read a bundle as they read a report. Exit code 0 once the bundle is written (--exit-code: the doctor's own), 2 when it cannot be.`
  static override examples = [
    '<%= config.bin %> bundle',
    '<%= config.bin %> bundle -o /tmp/ticket-4711.tar.gz --provider vault --provider node',
    '<%= config.bin %> bundle -o - | ssh support@bastion "cat > node-17.tar.gz"',
  ]
  static override flags = {
    ...runFlags,
    output: Flags.string({
      char: 'o',
      summary: 'Write the bundle to FILE (- for stdout).',
      helpValue: 'FILE',
    }),
    'exit-code': Flags.boolean({ summary: 'Exit with the doctor’s exit code instead of 0.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Bundle)
    const { runBundle } = await import('../app/bundle.js')
    const { report } = await runBundle({
      ...runOptions(flags, this.config.version),
      output: flags.output,
    })
    process.exitCode = flags['exit-code'] ? report.exitCode : 0
  }
}
