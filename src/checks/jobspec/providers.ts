import { octalMode } from '../../providers/jobspec/model.js'
import type { ProviderApis } from '../../providers/index.js'
import { jobspecOf } from './lib/jobspec.js'
import { defineCheck, found, pass, skip, type Outcome } from './lib/define.js'
import type { Issue, JobspecModel, ProviderIssueKey } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { FAILING_PROVIDER_ISSUES } from './lib/read-providers.js'

type Key = ProviderIssueKey | 'file-missing' | 'file-perms' | 'env-unset' | 'not-a-jobspec'

const FAILING = new Set<Key>([...FAILING_PROVIDER_ISSUES, 'file-missing', 'env-unset'])

/** The files and variables the entries name, as the agent would find them on this node. */
async function nodeIssues(node: ProviderApis['node'], m: JobspecModel): Promise<Issue<Key>[]> {
  const out: Issue<Key>[] = []
  for (const f of m.files) {
    const info = await node.fileInfo(f.path)
    if (!info) out.push({ key: 'file-missing', entry: f.entry, at: f.at, detail: `${f.path} does not exist` })
    else if (!info.isFile)
      out.push({ key: 'file-missing', entry: f.entry, at: f.at, detail: `${f.path} is not a regular file` })
    else if (f.secret && info.mode & 0o077)
      out.push({
        key: 'file-perms',
        entry: f.entry,
        at: f.at,
        detail: `${f.path} is mode ${octalMode(info.mode)}`,
      })
  }
  for (const e of m.envs)
    if (!node.env(e.name))
      out.push({
        key: 'env-unset',
        entry: e.entry,
        at: e.at,
        detail: `$${e.name} is ${node.env(e.name) === undefined ? 'not set' : 'empty'}`,
      })
  return out
}

export default defineCheck<Key>({
  id: 'jobspec.providers',
  title: "The JobSpec's secret_providers entries are complete and their credentials are in place",
  description:
    'A pipeline JobSpec may declare `secret_providers` beside `config:`: the backends the edge agent fetches ' +
    'secrets from, and how it logs in. An entry of a type or with a field the doctor does not understand is named ' +
    '(never guessed at); a missing address or auth method, two sources for one credential, a credential file ' +
    'that is missing or readable by others, or an unset variable leaves the agent without its secrets.',
  provider: 'jobspec',
  category: 'config',
  network: false,
  findings: {
    'not-a-mapping': {
      status: 'fail',
      severity: 'critical',
      message: 'not a mapping: {{list}}',
      remedies: ['jobspec.fix-provider-entry'],
    },
    'no-type': {
      status: 'fail',
      severity: 'critical',
      message: 'provider entries without `provider:`: {{list}}',
      remedies: ['jobspec.fix-provider-entry'],
    },
    'missing-field': {
      status: 'fail',
      severity: 'critical',
      message: 'required fields missing: {{list}}',
      remedies: ['jobspec.fix-provider-entry'],
    },
    'bad-value': {
      status: 'fail',
      severity: 'high',
      message: 'values the agent cannot use: {{list}}',
      remedies: ['jobspec.fix-provider-entry'],
    },
    'missing-credential': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'auth without a credential it needs (one of the forms listed): {{list}}',
      remedies: ['jobspec.fix-provider-entry', 'jobspec.credential-source'],
    },
    'two-sources': {
      status: 'fail',
      severity: 'high',
      message: 'more than one source for one credential ("one source per credential"): {{list}}',
      remedies: ['jobspec.one-source'],
    },
    'cert-without-key': {
      status: 'fail',
      severity: 'high',
      message: 'client certificate and key must pair: {{list}}',
      remedies: ['jobspec.pair-client-cert'],
    },
    'file-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'files the agent reads are not there: {{list}}',
      remedies: ['jobspec.credential-source', 'auth.confirm-secret-paths'],
    },
    'env-unset': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: "variables the agent reads are not set in this node's environment: {{list}}",
      remedies: ['jobspec.credential-source'],
    },
    'unknown-type': {
      status: 'warn',
      severity: 'medium',
      message: 'provider types not understood by this version of edge-secrets, not checked: {{list}}',
      remedies: ['jobspec.unconfirmed-format'],
    },
    'unknown-auth-method': {
      status: 'warn',
      severity: 'medium',
      message: 'auth methods not understood by this version of edge-secrets, not checked: {{list}}',
      remedies: ['jobspec.unconfirmed-format'],
    },
    'unknown-field': {
      status: 'warn',
      severity: 'low',
      message: 'fields not understood by this version of edge-secrets: {{list}}',
      remedies: ['jobspec.unconfirmed-format'],
    },
    'file-perms': {
      status: 'warn',
      severity: 'high',
      message: 'credential files readable by others than their owner (want 0600): {{list}}',
      remedies: ['pattern.file-perms'],
    },
    'inline-credential': {
      status: 'warn',
      severity: 'high',
      message: 'credentials written into the JobSpec itself: {{list}}',
      remedies: ['jobspec.no-inline-credential', 'bp.short-lived-credentials'],
    },
    'skip-verify': {
      status: 'warn',
      severity: 'high',
      message: 'TLS verification switched off (development only): {{list}}',
      remedies: ['vault.no-skip-verify', 'vault.trust-ca'],
    },
    plaintext: {
      status: 'warn',
      severity: 'high',
      message: 'Vault reached over plain HTTP: tokens and secrets cross the network unencrypted: {{list}}',
      remedies: ['vault.fix-address'],
    },
    'unused-provider': {
      status: 'warn',
      severity: 'low',
      message: 'provider entries no secret uses: {{list}}',
      remedies: ['jobspec.fix-secret-entry'],
    },
    'not-a-jobspec': {
      status: 'warn',
      severity: 'medium',
      message:
        '{{file}} declares secret_providers/secrets but is not a pipeline JobSpec ({{shape}}): the agent reads these blocks from a JobSpec beside `config:`',
      remedies: ['node.fix-pipeline-config'],
    },
  },
  async run({ node, config }) {
    const j = await jobspecOf(node, config)
    if (j.state === 'unreadable')
      return skip(
        'not-applicable',
        `the pipeline config cannot be read as YAML (${j.reason}); node.pipeline-config says why`,
      )
    if (j.state === 'none') return skip('not-applicable', `${j.file} declares no secret_providers or secrets`)
    const m = j.model
    const issues = [...m.providerIssues, ...(await nodeIssues(node, m))]
    const details = m.providers.map(
      (p) =>
        `${p.entry} (line ${p.at.line}): ${p.type ?? 'no type'}${p.broken ? ', not usable as written' : ''}`,
    )
    if (m.under === 'spec')
      details.push('the blocks sit under `spec:` (read there as well as at the top level)')
    const out: Outcome<Key>[] = grouped<Key>(issues, j.file, FAILING, { details })
    if (j.shape !== 'jobspec')
      out.push(
        found(
          'not-a-jobspec',
          { file: j.file, shape: j.shape === 'bare' ? 'a bare pipeline' : 'neither shape' },
          {
            location: { file: j.file, line: (m.providersAt ?? m.secretsAt)?.line ?? 1 },
            ...(out.length ? {} : { details }),
          },
        ),
      )
    if (out.length) return out
    if (!m.providers.length)
      return skip('not-applicable', `${j.file} declares secrets but no secret_providers`)
    return pass(
      `${m.providers.length} provider entr${m.providers.length === 1 ? 'y' : 'ies'}: ${m.providers.map((p) => `${p.name} (${p.type})`).join(', ')}`,
      details,
    )
  },
})
