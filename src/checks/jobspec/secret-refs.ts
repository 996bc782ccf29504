import { pipelineOf } from '../node/lib/pipeline.js'
import { describeReference, type EnvReference } from '../node/lib/references.js'
import { jobspecOf } from './lib/jobspec.js'
import { defineCheck, pass, skip, type Outcome } from './lib/define.js'
import type { Issue, SecretEntry, SecretIssueKey } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { FAILING_SECRET_ISSUES } from './lib/read-secrets.js'

type Key = SecretIssueKey | 'not-referenced' | 'unconfirmed-reference'

// `${secrets.KAFKA_PASSWORD}`-like names: a reference to a declared secret in a form no page confirms.
const SECRETS_NAMESPACE = /^(secrets?|secret_providers)\./

const lookupOf = (s: SecretEntry) =>
  s.mount || s.secretPath || s.field
    ? ` ${s.mount ?? '?'}/${s.secretPath ?? '?'}${s.field ? `#${s.field}` : ''}`
    : ''

/** Declared secrets the pipeline config never names, and references in a form not understood. */
function referenceIssues(secrets: readonly SecretEntry[], refs: readonly EnvReference[]): Issue<Key>[] {
  const out: Issue<Key>[] = []
  for (const r of refs)
    if (SECRETS_NAMESPACE.test(r.name))
      out.push({
        key: 'unconfirmed-reference',
        entry: describeReference(r),
        at: { line: r.line, column: r.column },
        detail: `\${${r.name}}`,
      })
  const named = new Set(refs.map((r) => r.name))
  for (const s of secrets)
    if (!s.broken && !named.has(s.name))
      out.push({
        key: 'not-referenced',
        entry: s.entry,
        at: s.at,
        detail: `no \${${s.name}} or env("${s.name}")`,
      })
  return out
}

export default defineCheck<Key>({
  id: 'jobspec.secret-refs',
  title: "The JobSpec's secrets entries name a provider and say what to fetch, and the pipeline uses them",
  description:
    'Each entry under `secrets` is keyed by the variable the pipeline needs, picks a provider entry with `from:` ' +
    'and gives the lookup its provider type asks for (for Vault: mount, secret_path, field). An entry that names ' +
    'no provider, or misses a field, leaves the variable without a value at deployment. How a pipeline refers to ' +
    'a declared secret is not on the vendor pages the doctor has read: `${NAME}` is taken to be it, and a ' +
    'declared secret without one is named rather than passed.',
  provider: 'jobspec',
  category: 'secret-paths',
  network: false,
  findings: {
    'not-a-mapping': {
      status: 'fail',
      severity: 'critical',
      message: 'not a mapping: {{list}}',
      remedies: ['jobspec.fix-secret-entry'],
    },
    'no-providers': {
      status: 'fail',
      severity: 'critical',
      message: 'secrets are declared but there is no secret_providers block to fetch them from: {{list}}',
      remedies: ['jobspec.fix-provider-entry'],
    },
    'missing-field': {
      status: 'fail',
      severity: 'critical',
      message: 'required fields missing: {{list}}',
      remedies: ['jobspec.fix-secret-entry', 'auth.confirm-secret-paths'],
    },
    'unknown-provider': {
      status: 'fail',
      severity: 'critical',
      message: '`from:` names no entry of secret_providers: {{list}}',
      remedies: ['jobspec.fix-secret-entry'],
    },
    'bad-refresh': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'refresh values the agent cannot use: {{list}}',
      remedies: ['refresh.check-interval', 'jobspec.set-refresh'],
    },
    'unknown-field': {
      status: 'warn',
      severity: 'low',
      message: 'fields not understood by this version of edge-secrets: {{list}}',
      remedies: ['jobspec.unconfirmed-format'],
    },
    'fields-unchecked': {
      status: 'warn',
      severity: 'low',
      message:
        'fields of a provider type whose secret fields are not understood by this version of edge-secrets, not checked: {{list}}',
      remedies: ['jobspec.unconfirmed-format'],
    },
    'not-referenced': {
      status: 'warn',
      severity: 'low',
      message:
        'declared secrets the pipeline config does not refer to as ${NAME} (another way of referring to them is not understood by this version of edge-secrets): {{list}}',
      remedies: ['pattern.interpolation', 'jobspec.unconfirmed-format'],
    },
    'unconfirmed-reference': {
      status: 'warn',
      severity: 'medium',
      message: 'references in a form not understood by this version of edge-secrets: {{list}}',
      remedies: ['pattern.interpolation', 'jobspec.unconfirmed-format'],
    },
  },
  async run({ node, config }) {
    const j = await jobspecOf(node, config)
    if (j.state === 'unreadable')
      return skip(
        'not-applicable',
        `the pipeline config cannot be read as YAML (${j.reason}); node.pipeline-config says why`,
      )
    if (j.state === 'none' || !j.model.secretsAt)
      return skip('not-applicable', `${j.file} declares no secrets block`)
    const m = j.model
    const { read } = await pipelineOf(node, config)
    const refs = read.ok && read.value.ok ? read.value.references : []
    const issues: Issue<Key>[] = [...m.secretIssues, ...referenceIssues(m.secrets, refs)]
    const details = m.secrets.map(
      (s) =>
        `${s.entry} (line ${s.at.line}): from ${s.from ?? '?'}${lookupOf(s)}${s.refresh ? `, refresh ${s.refresh.text}` : ''}`,
    )
    const out: Outcome<Key>[] = grouped<Key>(issues, j.file, FAILING_SECRET_ISSUES as ReadonlySet<Key>, {
      details,
    })
    if (out.length) return out
    if (!m.secrets.length) return skip('not-applicable', `${j.file} declares an empty secrets block`)
    return pass(
      `${m.secrets.length} secret${m.secrets.length === 1 ? '' : 's'} declared and referenced: ${m.secrets.map((s) => s.name).join(', ')}`,
      details,
    )
  },
})
