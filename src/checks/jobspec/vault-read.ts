import { formatDuration } from '../../core/duration.js'
import type { VaultApi } from '../../providers/jobspec/api.js'
import { jobspecOf } from './lib/jobspec.js'
import { commandsFor, defineCheck, pass, skip } from './lib/define.js'
import type { Issue, SecretEntry } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { secretsOf, vaultUses } from './lib/targets.js'

type Key =
  | 'no-read'
  | 'not-found'
  | 'deleted'
  | 'field-missing'
  | 'field-empty'
  | 'lease-shorter'
  | 'not-kv'
  | 'data-prefix'

const FAILING = new Set<Key>([
  'no-read',
  'not-found',
  'deleted',
  'field-missing',
  'field-empty',
  'lease-shorter',
])

type Add = (s: SecretEntry, key: Key, detail: string) => void

/** The API path the agent reads for mount + secret_path: `data/` in between on a KV v2 mount. */
async function apiPathOf(v: VaultApi, s: SecretEntry, add: Add): Promise<string | undefined> {
  const mount = s.mount as string
  const path = s.secretPath as string
  const info = await v.mountInfo(`${mount}/${path}`)
  if (info && info.type !== 'kv' && info.type !== 'generic') {
    add(s, 'not-kv', `${mount}/ is a ${info.type} mount; hashicorp_vault reads KV v1 or v2 secrets`)
    return undefined
  }
  if (info?.kvVersion === 2) {
    // Whether the agent adds `data/` itself is not confirmed; the reference's wording says it reads the path.
    if (path.startsWith('data/'))
      add(
        s,
        'data-prefix',
        `secret_path ${path} starts with data/ on KV v2 mount ${mount}/ (read as ${mount}/data/${path})`,
      )
    return `${mount}/data/${path}`
  }
  if (info) return `${mount}/${path}`
  // The token cannot see the mount: find out which layout it may read, if any.
  const v2 = `${mount}/data/${path}`
  const v1 = `${mount}/${path}`
  const caps = await v.capabilities([v2, v1])
  const reads = (p: string) => (caps[p] ?? []).some((c) => c === 'read' || c === 'root')
  return reads(v1) && !reads(v2) ? v1 : v2
}

/** Reads one secret the way the agent does and judges the field it extracts. */
async function readOne(v: VaultApi, s: SecretEntry, policies: string, add: Add): Promise<string | undefined> {
  const apiPath = await apiPathOf(v, s, add)
  if (!apiPath) return undefined
  const caps = (await v.capabilities([apiPath]))[apiPath] ?? []
  if (!caps.some((c) => c === 'read' || c === 'root')) {
    add(
      s,
      'no-read',
      `no read on ${apiPath} (capabilities: ${caps.join(', ') || 'deny'}; policies: ${policies})`,
    )
    return undefined
  }
  const shape = await v.readSecret(apiPath)
  if (shape.state === 'denied') add(s, 'no-read', `${apiPath}: ${shape.message}`)
  else if (shape.state === 'not-found' || shape.state === 'kv2-path-without-data')
    add(s, 'not-found', `${apiPath} does not exist`)
  else if (shape.state === 'deleted')
    add(
      s,
      'deleted',
      `the current version${shape.version ? ` (${shape.version})` : ''} of ${apiPath} is deleted`,
    )
  if (shape.state !== 'ok') return undefined
  const field = s.field as string
  const state = shape.keys[field]
  if (state === undefined)
    add(
      s,
      'field-missing',
      `${apiPath} has no field ${field} (fields: ${Object.keys(shape.keys).join(', ') || 'none'})`,
    )
  else if (state !== 'set')
    add(s, 'field-empty', `${apiPath} field ${field} is ${state === 'empty' ? 'empty' : state}`)
  const leaseMs = shape.leased ? shape.leaseDurationSec * 1000 : 0
  if (leaseMs && s.refresh?.ms && s.refresh.ms > leaseMs)
    add(s, 'lease-shorter', `lease ${formatDuration(leaseMs)} ends before the refresh ${s.refresh.text}`)
  return `${s.entry}: ${apiPath}#${field}${shape.version ? ` (version ${shape.version})` : ''}${leaseMs ? `, lease ${formatDuration(leaseMs)}` : ''}`
}

/** The policy stanza that grants what an entry reads. */
const grant = (issues: readonly Issue<Key>[]) =>
  issues
    .filter((i) => i.key === 'no-read')
    .map((i) => /on (\S+) /.exec(i.detail)?.[1])
    .filter((p): p is string => !!p)
    .map((p) => `path "${p}" { capabilities = ["read"] }`)

export default defineCheck<Key>({
  id: 'jobspec.vault-read',
  title: 'Each JobSpec Vault secret is readable by its role and holds its field',
  description:
    'For every secrets entry served by a hashicorp_vault provider, the doctor reads what the agent reads — the KV ' +
    'secret at `mount` + `secret_path` (with `data/` on a KV v2 mount) — with the token the entry logs in to: ' +
    'the role may read it, it exists and is not deleted, and `field` is in it and not empty. A leased secret ' +
    'whose lease ends before the entry refreshes is named too. Values are never shown, only whether they are set.',
  provider: 'jobspec',
  category: 'secret-paths',
  needs: ['jobspec.vault-login'],
  network: true,
  findings: {
    'no-read': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the role may not read: {{list}}',
      remedies: ['vault.grant-read', 'auth.confirm-secret-paths'],
    },
    'not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'no secret at the path: {{list}}',
      remedies: ['auth.confirm-secret-paths', 'jobspec.fix-secret-entry'],
    },
    deleted: {
      status: 'fail',
      severity: 'critical',
      message: 'the secret is deleted: {{list}}',
      remedies: ['vault.undelete-secret', 'auth.confirm-secret-paths'],
    },
    'field-missing': {
      status: 'fail',
      severity: 'critical',
      message: 'the secret has no such field: {{list}}',
      remedies: ['jobspec.fix-secret-entry', 'auth.confirm-secret-paths'],
    },
    'field-empty': {
      status: 'fail',
      severity: 'critical',
      message: 'the field holds no value: {{list}}',
      remedies: ['auth.confirm-secret-paths', 'refresh.monitor-rotation'],
    },
    'lease-shorter': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'the lease ends before the agent fetches the secret again: {{list}}',
      remedies: ['refresh.check-interval', 'jobspec.set-refresh'],
    },
    'not-kv': {
      status: 'warn',
      severity: 'medium',
      message:
        'not a KV mount, which is what hashicorp_vault is documented to read (not understood by this version of edge-secrets): {{list}}',
      remedies: ['jobspec.unconfirmed-format', 'auth.confirm-secret-paths'],
    },
    'data-prefix': {
      status: 'warn',
      severity: 'medium',
      message:
        'secret_path carries data/ itself (whether the agent adds it is not understood by this version of edge-secrets): {{list}}',
      remedies: ['vault.kv2-data-path', 'jobspec.unconfirmed-format'],
    },
  },
  async run({ jobspec, node, config }) {
    const j = await jobspecOf(node, config)
    const uses = vaultUses(j).filter((u) => secretsOf(j, u.provider).length)
    if (j.state !== 'ok' || !uses.length)
      return skip('not-applicable', 'no secrets entry a usable hashicorp_vault provider serves')
    const issues: Issue<Key>[] = []
    const details: string[] = []
    const add: Add = (s, key, detail) => issues.push({ key, entry: s.entry, at: s.at, detail })
    await Promise.all(
      uses.map(async (u) => {
        const v = jobspec.vault(u.target)
        // A token that may not look itself up still reads (jobspec.vault-login warned about it).
        const t = await v.tokenSelf().catch(() => undefined)
        const policies = t ? [...t.policies, ...t.identityPolicies].join(', ') || '(none)' : '(unknown)'
        for (const s of secretsOf(j, u.provider)) {
          const read = await readOne(v, s, policies, add)
          if (read) details.push(read)
        }
      }),
    )
    issues.sort((a, b) => a.at.line - b.at.line)
    const out = grouped<Key>(issues, j.file, FAILING, {
      commands: { 'no-read': commandsFor({ 'vault.grant-read': grant(issues) }) },
      details: details.sort(),
    })
    if (out.length) return out
    return pass(
      `${details.length} secret${details.length === 1 ? '' : 's'} readable, every field set`,
      details.sort(),
    )
  },
})
