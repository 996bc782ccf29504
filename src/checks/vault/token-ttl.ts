import { defineCheck, found, pass, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import type { VaultApi } from '../../providers/vault/api.js'

export default defineCheck<'vault', F>({
  id: 'vault.token-ttl',
  title: 'The Vault token outlives the next refresh and can be renewed',
  description:
    'A token that expires turns every read into 403 permission denied, which looks like a policy problem. Static tokens must be renewable or replaced before they run out.',
  provider: 'vault',
  category: 'auth',
  needs: ['vault.auth'],
  network: true,
  findings: {
    'expiring-soon': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message: 'the token expires in {{left}} (threshold {{min}}){{renewNote}}',
      remedies: ['vault.renew-token'],
    },
    'not-renewable': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message:
        'the token from {{source}} is not renewable and nothing replaces it: it stops working in {{left}}',
      remedies: ['vault.renew-token'],
    },
    'agent-token-invalid': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        "the token in the agent's sink {{path}} is expired or revoked: the agent is not renewing or re-authenticating (is it running?)",
      remedies: ['refresh.verify-restarts', 'vault.renew-token'],
    },
    'agent-token-expiring': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message: "the token in the agent's sink {{path}} expires in {{left}} (threshold {{min}})",
      remedies: ['refresh.verify-restarts', 'vault.renew-token'],
    },
    'never-expires': {
      status: 'warn',
      severity: 'medium',
      message: 'the token never expires ({{kind}}): a leaked copy works forever',
      remedies: ['bp.short-lived-credentials', 'bp.least-privilege'],
    },
  },
  async run({ vault, config }) {
    const own = await doctorToken(vault, config.thresholds.tokenMinTtlMs)
    // The doctor's own login is fresh; the token the running agent holds is what the pipeline lives on.
    const a = await vault.agentToken()
    const min = config.thresholds.tokenMinTtlMs
    const out: Outcome<F>[] = own.kind === 'pass' ? [] : [own]
    const extra: string[] = []
    if (a?.state === 'invalid')
      out.push(
        found(
          'agent-token-invalid',
          { path: a.path },
          { commands: { 'refresh.verify-restarts': [`ls -l ${a.path}`] } },
        ),
      )
    else if (a?.state === 'ok' && a.info.expireTime && a.info.ttlSec * 1000 < min)
      out.push(
        found('agent-token-expiring', {
          path: a.path,
          left: formatDuration(a.info.ttlSec * 1000),
          min: formatDuration(min),
        }),
      )
    else if (a?.state === 'ok')
      extra.push(`agent sink token ${a.path}: TTL ${formatDuration(a.info.ttlSec * 1000)}`)
    else if (a) extra.push(`agent sink token ${a.path}: ${a.state}`)
    if (out.length) return out
    return own.kind === 'pass' ? pass(own.summary, [...(own.details ?? []), ...extra]) : own
  },
})

type F = 'expiring-soon' | 'not-renewable' | 'never-expires' | 'agent-token-invalid' | 'agent-token-expiring'

async function doctorToken(vault: VaultApi, min: number): Promise<Outcome<F>> {
  const t = await vault.tokenSelf()
  const login = await vault.login()
  const policies = [...t.policies, ...t.identityPolicies]
  const details = [
    `policies: ${policies.join(', ') || '(none)'}`,
    `ttl: ${t.ttlSec ? formatDuration(t.ttlSec * 1000) : 'none'}`,
    `renewable: ${t.renewable}`,
    ...(t.expireTime ? [`expires: ${t.expireTime}`] : []),
    `source: ${login.source}`,
  ]
  if (t.ttlSec === 0 && !t.expireTime)
    return found('never-expires', { kind: policies.includes('root') ? 'root token' : 'no TTL' }, { details })
  const left = formatDuration(t.ttlSec * 1000)
  // A login method re-authenticates when the token runs out; only a static token is left stranded.
  const static_ = login.method === 'token' && !login.source.startsWith('agent sink')
  if (t.ttlSec * 1000 < min)
    return found(
      'expiring-soon',
      { left, min: formatDuration(min), renewNote: t.renewable ? '' : ' and cannot be renewed' },
      {
        details,
        commands: {
          'vault.renew-token': ['vault token lookup', ...(t.renewable ? ['vault token renew'] : [])],
        },
      },
    )
  if (!t.renewable && static_) return found('not-renewable', { source: login.source, left }, { details })
  return pass(`TTL ${left}${t.renewable ? ', renewable' : ''}; policies ${policies.join(', ')}`, details)
}
