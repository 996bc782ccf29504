import { Flags } from '@oclif/core'
import { EdgeCommand } from '../base.js'
import { runFlags, runOptions } from '../flags.js'

export default class FleetRun extends EdgeCommand {
  static override summary =
    'Run the doctor on this node as a fleet engine does: one JSON line on stdout, nothing else.'
  static override description = `What the manifests of \`fleet manifest\` run on every node. Takes the doctor's flags; prints the report as one line of compact JSON (for kubectl logs, bacalhau job describe, a pipeline's output — \`report merge\` reads them) and prints nothing else. --textfile writes the Prometheus textfile node_exporter reads (replaced atomically); --report-dir writes the report into a folder an engine collects.

Exit code 0 once the report is out (the verdict is in it; --exit-code: the doctor's own), 2 when the doctor could not run.`
  static override examples = [
    '<%= config.bin %> fleet run --textfile /var/lib/node_exporter/textfile_collector/edge_secrets.prom',
    '<%= config.bin %> fleet run --report-dir /outputs --hostname-file /host/etc/hostname',
  ]
  static override flags = {
    ...runFlags,
    textfile: Flags.string({
      summary: 'Also write the Prometheus textfile (a .prom file in node_exporter’s textfile directory).',
      helpValue: 'FILE',
    }),
    'report-dir': Flags.string({
      summary: 'Also write the report into this folder, named after the node.',
      helpValue: 'DIR',
    }),
    'hostname-file': Flags.string({
      summary:
        'Name the node by the first line of this file (the host’s /etc/hostname mounted into a container).',
      helpValue: 'FILE',
    }),
    'exit-code': Flags.boolean({ summary: 'Exit with the doctor’s exit code instead of 0.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(FleetRun)
    const { runFleetRun } = await import('../../app/fleet-run.js')
    const report = await runFleetRun({
      ...runOptions(flags, this.config.version),
      textfile: flags.textfile,
      reportDir: flags['report-dir'],
      hostnameFile: flags['hostname-file'],
    })
    process.exitCode = flags['exit-code'] ? report.exitCode : 0
  }
}
