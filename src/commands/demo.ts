import { Args, Flags } from '@oclif/core'
import type { Format } from '../app/formats.js'
import { EdgeCommand, formatWithJson } from './base.js'
import { doctorFlags } from './flags.js'

export default class Demo extends EdgeCommand {
  static override summary = 'Run the doctor against a built-in simulated deployment.'
  static override description = `Sets up a named scenario — node files, loopback simulators of Vault, AWS, Kubernetes, Google and Azure, and a doctor config — in a temporary folder, runs the doctor against it, and cleans up. Support uses it to reproduce a failure by name; newcomers to see real output. Nothing leaves the machine.

Without a scenario it runs showcase: one root cause per provider (Vault, AWS, Kubernetes), its dependents skipped and the fix filled in. The exit code is the doctor's only with --exit-code.`
  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --list',
    '<%= config.bin %> demo vault-permission-denied',
    '<%= config.bin %> demo node-broken --json',
  ]
  static override args = {
    scenario: Args.string({ description: 'scenario name (see --list)', default: 'showcase' }),
  }
  static override flags = {
    list: Flags.boolean({
      summary: 'List the scenarios by provider, each marked healthy or broken, with what it shows.',
    }),
    'exit-code': Flags.boolean({ summary: "Exit with the doctor's exit code (0/1/3) instead of 0." }),
    keep: Flags.boolean({ summary: 'Keep the scenario folder and print where it is.' }),
    format: doctorFlags.format,
    verbose: doctorFlags.verbose,
    only: doctorFlags.only,
    skip: doctorFlags.skip,
    timeout: { ...doctorFlags.timeout, default: undefined },
    deadline: { ...doctorFlags.deadline, default: undefined },
    color: doctorFlags.color,
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Demo)
    const format = await formatWithJson(flags, 'text')
    const { scenarios, findScenario } = await import('../sandbox/scenarios/index.js')
    if (flags.list) {
      const { scenarioListText, scenarioRow } = await import('../render/catalog.js')
      const rows = scenarios.map(scenarioRow)
      if (format === 'json') return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
      const { titleOf } = await import('../app/providers.js')
      return void process.stdout.write(scenarioListText(rows, titleOf))
    }
    const scenario = findScenario(args.scenario)
    if (!scenario) {
      const { didYouMean } = await import('../core/suggest.js')
      const { UsageError } = await import('../app/usage-error.js')
      const names = scenarios.map((s) => s.name)
      throw new UsageError(
        `unknown scenario "${args.scenario}"${didYouMean(args.scenario, names)} (demo --list names them)`,
      )
    }
    const { prepareScenario, isolatedEnv, INHERITED_CREDENTIAL_VARS } =
      await import('../sandbox/run-scenario.js')
    for (const k of INHERITED_CREDENTIAL_VARS) delete process.env[k]
    const prepared = await prepareScenario(scenario)
    // SDKs read process.env directly, so the scenario's environment must be the process's.
    Object.assign(process.env, isolatedEnv(prepared.dir), prepared.instance.env)
    process.stderr.write(`demo ${scenario.name}: ${scenario.description}\n\n`)
    // The scenario's own doctor options (a short --timeout, --manifests, --offline), under the user's flags.
    const o = prepared.instance.options ?? {}
    const { runDoctor } = await import('../app/doctor.js')
    let exitCode: number
    try {
      const result = await runDoctor({
        config: prepared.configFile,
        providers: scenario.providers,
        format: format as Format,
        verbose: flags.verbose,
        only: flags.only ?? o.only,
        skip: [...(flags.skip ?? []), ...(o.skip ?? [])],
        timeout: flags.timeout ?? o.timeout,
        deadline: flags.deadline ?? o.deadline,
        offline: o.offline,
        manifests: o.manifests,
        failOn: o.failOn ?? 'fail',
        color: flags.color,
        version: this.config.version,
      })
      exitCode = result.exitCode
    } finally {
      if (flags.keep) {
        await prepared.instance.stop()
        process.stderr.write(`\nscenario folder kept: ${prepared.dir}\n`)
      } else await prepared.cleanup()
    }
    if (!flags['exit-code'] && exitCode !== 0)
      process.stderr.write(`\n(the doctor's exit code was ${exitCode}; demo exits 0 unless --exit-code)\n`)
    if (!args.scenario || args.scenario === 'showcase')
      process.stderr.write(
        `\nThat was the showcase. \`edge-secrets demo --list\` names the other ${scenarios.length - 1} scenarios, healthy and broken, by provider.\n`,
      )
    process.exitCode = flags['exit-code'] ? exitCode : 0
  }
}
