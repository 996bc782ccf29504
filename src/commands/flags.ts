// The doctor's flags (CONTRACT §1), shared by `doctor` and `demo`.
import { Flags } from '@oclif/core'
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
