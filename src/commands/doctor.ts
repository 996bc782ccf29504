import { EdgeCommand, formatWithJson } from './base.js'
import { doctorFlags, runOptions } from './flags.js'
import type { Format } from '../app/formats.js'

export default class Doctor extends EdgeCommand {
  static override summary = 'Run every applicable check against the live deployment.'
  static override description = `Checks the chain from the secret manager to the pipeline's \${VAR} references: the node's files, Vault, AWS, Kubernetes, Google and Azure, whichever are configured or detected.

Exit codes: 0 nothing at or above --fail-on; 1 at least one check at or above it; 2 the doctor could not run (bad flag or config); 3 incomplete (a check could not finish).`
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --provider vault --only "vault.*" --verbose',
    '<%= config.bin %> doctor --json -o report.json',
    '<%= config.bin %> doctor --offline --manifests k8s/ --format sarif > doctor.sarif',
    '<%= config.bin %> doctor --format github --fail-on warn',
    '<%= config.bin %> doctor --offline --manifests k8s/ --format codeclimate -o gl-code-quality-report.json',
  ]
  static override flags = doctorFlags

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor)
    const format = await formatWithJson(flags, 'text')
    // Loaded here, not at the top: `--version` and `--help` must not pay for the registry.
    const { runDoctor } = await import('../app/doctor.js')
    const { exitCode } = await runDoctor({
      ...runOptions(flags, this.config.version),
      format: format as Format,
      output: flags.output,
      verbose: flags.verbose,
      color: flags.color,
    })
    process.exitCode = exitCode
  }
}
