// The doctor's flags (CONTRACT §1), shared by `doctor` and `demo`.
import { Flags } from '@oclif/core'
import type { FailOn } from '../core/report.js'
import { FORMATS } from '../app/formats.js'
import { providerIds } from '../providers/index.js'

export const doctorFlags = {
  config: Flags.string({ char: 'c', summary: 'Doctor config file (edge-secrets.yaml).', helpValue: 'FILE' }),
  provider: Flags.string({
    summary: `Limit to these providers (${providerIds.join(', ')}).`,
    multiple: true,
    helpValue: 'P',
  }),
  only: Flags.string({
    summary: 'Run only checks whose id matches (vault.*).',
    multiple: true,
    helpValue: 'GLOB',
  }),
  skip: Flags.string({ summary: 'Skip checks whose id matches.', multiple: true, helpValue: 'GLOB' }),
  format: Flags.string({
    summary: 'Report format (codeclimate: GitLab Code Quality; sarif: GitHub code scanning).',
    options: [...FORMATS],
    default: 'text',
  }),
  output: Flags.string({
    char: 'o',
    summary: 'Write the report to FILE (summary still on stderr).',
    helpValue: 'FILE',
  }),
  'fail-on': Flags.string({
    summary: 'Lowest status that makes the exit code 1.',
    options: ['fail', 'warn', 'never'],
    default: 'fail',
  }),
  timeout: Flags.string({ summary: 'Per-check time limit (5s, 1500ms).', default: '5s', helpValue: 'DUR' }),
  deadline: Flags.string({
    summary: 'Whole-run limit; unfinished checks end as error.',
    default: '30s',
    helpValue: 'DUR',
  }),
  concurrency: Flags.integer({ summary: 'Checks in flight at once.', default: 8, min: 1 }),
  offline: Flags.boolean({ summary: 'No network: file, manifest and config checks only.' }),
  manifests: Flags.string({
    summary: 'Kubernetes YAML files or folders to check instead of a live cluster.',
    multiple: true,
    helpValue: 'PATH',
  }),
  label: Flags.string({
    summary: 'Name this node in the report: key=value (repeatable), for fleet runs.',
    multiple: true,
    helpValue: 'K=V',
  }),
  verbose: Flags.boolean({ char: 'v', summary: 'Show evidence and passing details.' }),
  color: Flags.boolean({
    summary: 'Colour output (default: on a terminal, unless NO_COLOR).',
    allowNo: true,
  }),
}

/** The flags that shape a run, without how it is shown: `bundle` and `fleet run` take these. */
const { format: _format, output: _output, verbose: _verbose, color: _color, ...shaping } = doctorFlags
export const runFlags = shaping

/** What the run flags mean to `runDoctor` (and to the commands built on it). */
export function runOptions(
  flags: {
    readonly config?: string
    readonly provider?: string[]
    readonly only?: string[]
    readonly skip?: string[]
    readonly 'fail-on'?: string
    readonly timeout?: string
    readonly deadline?: string
    readonly concurrency?: number
    readonly offline?: boolean
    readonly manifests?: string[]
    readonly label?: string[]
  },
  version: string,
) {
  return {
    config: flags.config,
    providers: flags.provider,
    only: flags.only,
    skip: flags.skip,
    failOn: flags['fail-on'] as FailOn,
    timeout: flags.timeout,
    deadline: flags.deadline,
    concurrency: flags.concurrency,
    offline: flags.offline,
    manifests: flags.manifests,
    labels: flags.label,
    version,
  }
}
