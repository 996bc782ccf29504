import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'
import { describeSource, type JobspecVaultTarget, type VaultApi } from '../../providers/jobspec/api.js'
import { jobspecOf } from './lib/jobspec.js'
import { commandsFor, defineCheck, pass, skip } from './lib/define.js'
import type { Issue } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { vaultUses, type VaultUse } from './lib/targets.js'

type Key =
  | 'no-credentials'
  | 'bad-credentials'
  | 'role-not-found'
  | 'sa-not-authorized'
  | 'jwt-claims'
  | 'auth-mount-missing'
  | 'token-invalid'
  | 'login-denied'
  | 'token-expiring'
  | 'token-not-renewable'
  | 'lookup-denied'

const FAILING = new Set<Key>([
  'no-credentials',
  'bad-credentials',
  'role-not-found',
  'sa-not-authorized',
  'jwt-claims',
  'auth-mount-missing',
  'token-invalid',
  'login-denied',
])

const mountOf = (t: JobspecVaultTarget) => (t.login === 'token' ? 'token' : t.login)

/** Vault's answer to a refused login, told apart the way vault.auth tells it. */
function refusal(t: JobspecVaultTarget, e: unknown): [Key, string] {
  if (!isProviderError(e) || e.fault) throw e
  const error = String(e.facts.error ?? e.message)
  if (e.kind === 'invalid' && e.facts.status === undefined) return ['no-credentials', e.message]
  if (t.login === 'token' && e.kind === 'unauthenticated')
    return [
      'token-invalid',
      `the token from ${t.sources.token ? describeSource(t.sources.token) : '?'} is expired, revoked or unknown`,
    ]
  if (/invalid role or secret ID/.test(error)) return ['bad-credentials', error]
  if (/invalid role name|could not be found|missing role/.test(error)) return ['role-not-found', error]
  if (/not authorized/.test(error)) return ['sa-not-authorized', error]
  if (/claim|audience|issuer|token is expired|parsing token/i.test(error)) return ['jwt-claims', error]
  if (/no handler for route|route entry not found/.test(error) || e.kind === 'not-found')
    return ['auth-mount-missing', `no auth method at auth/${mountOf(t)} (${error})`]
  if (e.kind === 'denied' || e.kind === 'unauthenticated' || e.kind === 'invalid')
    return ['login-denied', error]
  throw e
}

/** The commands that reproduce an entry's login by hand. */
function loginCommands(uses: readonly VaultUse[]): string[] {
  return uses.flatMap(({ target: t }) => {
    const m = mountOf(t)
    if (t.login === 'approle') return [`vault write auth/${m}/login role_id=<role_id> secret_id=<secret_id>`]
    if (t.login === 'kubernetes' || t.login === 'jwt')
      return [
        `vault write auth/${m}/login role=${t.role ?? '<role>'} jwt=@<jwt file>`,
        `vault read auth/${m}/role/${t.role ?? '<role>'}`,
      ]
    return ['vault token lookup']
  })
}

/** Logs in as the entry does and looks the token up; returns who it is, or undefined after a finding. */
async function judge(u: VaultUse, v: VaultApi, minTtlMs: number, add: (k: Key, d: string) => void) {
  let info
  try {
    info = await v.login()
  } catch (e) {
    const [key, detail] = refusal(u.target, e)
    add(key, `${u.target.method} login: ${detail}`)
    return undefined
  }
  try {
    const t = await v.tokenSelf()
    const forever = t.ttlSec === 0 && !t.expireTime
    if (!forever && t.ttlSec * 1000 < minTtlMs)
      add(
        'token-expiring',
        `token expires in ${formatDuration(t.ttlSec * 1000)} (threshold ${formatDuration(minTtlMs)})`,
      )
    // A static token cannot log in again: when it is not renewable, its TTL is the pipeline's.
    else if (u.target.login === 'token' && !forever && !t.renewable)
      add(
        'token-not-renewable',
        `the ${u.target.method} token is not renewable and ends in ${formatDuration(t.ttlSec * 1000)}`,
      )
    return `${info.source} as ${t.displayName}; policies ${[...t.policies, ...t.identityPolicies].join(', ') || '(none)'}`
  } catch (e) {
    if (!isProviderError(e) || e.fault) throw e
    if (e.kind === 'unauthenticated') add('token-invalid', String(e.facts.error ?? e.message))
    else if (e.kind === 'denied') add('lookup-denied', String(e.facts.error ?? e.message))
    else throw e
    return undefined
  }
}

export default defineCheck<Key>({
  id: 'jobspec.vault-login',
  title: "Each JobSpec Vault accepts the entry's own login, and its token outlives the next refresh",
  description:
    'A hashicorp_vault entry logs in with its own method: approle (role_id and secret_id), kubernetes (the ' +
    'service-account token and a Vault role bound to it), jwt (a JWT from any OIDC issuer the mount trusts), ' +
    'static (a token) or file (a token re-read on every refresh). The doctor logs in the same way, from the same ' +
    "files and variables, and reads Vault's answer: wrong credentials, an unknown role, claims the role refuses, " +
    'an auth method mounted elsewhere, or a token about to end.',
  provider: 'jobspec',
  category: 'auth',
  needs: ['jobspec.vault-reach'],
  network: true,
  findings: {
    'no-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'credentials the agent cannot read: {{list}}',
      remedies: ['jobspec.credential-source'],
    },
    'bad-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Vault refuses the login: {{list}}',
      remedies: ['vault.fix-login', 'auth.review-audit-logs'],
    },
    'role-not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the role does not exist at the auth mount: {{list}}',
      remedies: ['vault.fix-login', 'vault.fix-auth-mount'],
    },
    'sa-not-authorized': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the role refuses this service account: {{list}}',
      remedies: ['auth.check-sa-annotations', 'vault.fix-login'],
    },
    'jwt-claims': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the role rejects the JWT: {{list}}',
      remedies: ['vault.fix-login'],
    },
    'auth-mount-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the auth method is not mounted where the agent logs in: {{list}}',
      remedies: ['vault.fix-auth-mount'],
    },
    'token-invalid': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Vault rejects the token: {{list}}',
      remedies: ['vault.renew-token'],
    },
    'login-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the login was denied: {{list}}',
      remedies: ['vault.fix-login', 'auth.review-audit-logs'],
    },
    'token-expiring': {
      status: 'warn',
      severity: 'high',
      message: 'the token ends soon: {{list}}',
      remedies: ['vault.renew-token'],
    },
    'token-not-renewable': {
      status: 'warn',
      severity: 'medium',
      message: 'a token that cannot be renewed or replaced by a login: {{list}}',
      remedies: ['vault.renew-token'],
    },
    'lookup-denied': {
      status: 'warn',
      severity: 'medium',
      message: 'the token works but may not look itself up (TTL and policies unchecked): {{list}}',
      remedies: ['auth.verify-iam'],
    },
  },
  async run({ jobspec, node, config }) {
    const j = await jobspecOf(node, config)
    const uses = vaultUses(j)
    if (j.state !== 'ok' || !uses.length)
      return skip(
        'not-applicable',
        'no hashicorp_vault entry that the secrets use and that can be used as written',
      )
    const issues: Issue<Key>[] = []
    const details: string[] = []
    await Promise.all(
      uses.map(async (u) => {
        const add = (key: Key, detail: string) =>
          issues.push({
            key,
            entry: `${u.provider.entry}.auth`,
            at: u.provider.auth?.at ?? u.provider.at,
            detail,
          })
        const who = await judge(u, jobspec.vault(u.target), config.thresholds.tokenMinTtlMs, add)
        if (who) details.push(`${u.provider.entry}: ${who}`)
      }),
    )
    issues.sort((a, b) => a.at.line - b.at.line)
    const cmds = commandsFor({ 'vault.fix-login': loginCommands(uses) })
    const out = grouped<Key>(issues, j.file, FAILING, {
      commands: {
        'bad-credentials': cmds,
        'role-not-found': cmds,
        'jwt-claims': cmds,
        'sa-not-authorized': cmds,
        'login-denied': cmds,
      },
      details: details.sort(),
    })
    if (out.length) return out
    return pass(`${uses.length} login${uses.length === 1 ? '' : 's'} accepted`, details.sort())
  },
})
