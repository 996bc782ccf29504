import { Args, Flags } from '@oclif/core'
import { EdgeCommand } from '../base.js'

export default class FleetManifest extends EdgeCommand {
  static override summary =
    'Print what Kubernetes, Bacalhau or Expanso needs to run the doctor on every selected node.'
  static override description = `kubernetes: ServiceAccount, Role/ClusterRole with exactly the reads the doctor makes (derived from its own list), bindings, and a DaemonSet that runs the doctor once per node (downward-API node identity, the agent's paths mounted read-only, the report as a JSON line in its logs and a Prometheus textfile for node_exporter).
bacalhau: an ops job (runs on every node matching --selector) whose result is each node's report.
expanso: a one-shot pipeline JobSpec (restart_policy: never, selector from --selector) whose command processor runs the doctor and sends each node's report to --report-to.

Collect and merge: docs/fleet.md, and the comments at the top of each manifest.`
  static override examples = [
    '<%= config.bin %> fleet manifest kubernetes --selector node-role.kubernetes.io/edge= --image registry.example.com/edge-secrets:0.1.0 | kubectl apply -f -',
    '<%= config.bin %> fleet manifest bacalhau --selector site=ams-1 > edge-secrets-doctor.yaml',
    '<%= config.bin %> fleet manifest expanso --selector env=prod --report-to https://collector.example.com/edge-secrets',
  ]
  static override args = {
    engine: Args.string({
      required: true,
      options: ['kubernetes', 'bacalhau', 'expanso'],
      description: 'the engine that runs the doctor',
    }),
  }
  static override flags = {
    selector: Flags.string({
      summary:
        'Which nodes: key=value, key!=value, key in (a,b), key notin (a,b), key, !key (comma-separated).',
      helpValue: 'SEL',
    }),
    image: Flags.string({
      summary:
        'Container image with edge-secrets (kubernetes, bacalhau). Default: edge-secrets:<version> (deploy/Dockerfile).',
      helpValue: 'IMAGE',
    }),
    namespace: Flags.string({
      summary: 'Kubernetes: the namespace the agent runs in (default expanso-system).',
      helpValue: 'NS',
    }),
    name: Flags.string({
      summary: 'Name of the DaemonSet / job (default edge-secrets-doctor).',
      helpValue: 'NAME',
    }),
    'host-path': Flags.string({
      summary:
        'Host folder the doctor reads, mounted read-only (repeatable; default /etc/expanso, /etc/vault, /run/secrets).',
      multiple: true,
      helpValue: 'PATH',
    }),
    'textfile-dir': Flags.string({
      summary: 'Kubernetes: node_exporter’s textfile directory on the host.',
      helpValue: 'DIR',
    }),
    'report-to': Flags.string({
      summary: 'Expanso: where each node’s report goes: an http(s) URL, or a file path on the node.',
      helpValue: 'URL|FILE',
    }),
    'doctor-arg': Flags.string({
      summary: 'A doctor flag for every node’s run (repeatable): --doctor-arg=--provider=vault.',
      multiple: true,
      helpValue: 'ARG',
    }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FleetManifest)
    const { fleetManifest } = await import('../../app/fleet-manifest.js')
    process.stdout.write(
      fleetManifest(args.engine as 'kubernetes' | 'bacalhau' | 'expanso', {
        selector: flags.selector,
        image: flags.image,
        namespace: flags.namespace,
        name: flags.name,
        hostPaths: flags['host-path'],
        textfileDir: flags['textfile-dir'],
        reportTo: flags['report-to'],
        doctorArgs: flags['doctor-arg'],
        version: this.config.version,
      }),
    )
  }
}
