import { defineCheck, found, pass } from '../define.js'
import { isProviderError } from '../../core/provider.js'

export default defineCheck({
  id: 'vault.auth',
  title: 'The doctor logs in to Vault the way the agent does and holds a valid token',
  description:
    "A login rejected by the role, a stale token or an unreadable service-account token leaves the agent without a token: nothing renders. Vault's own error names the cause.",
  provider: 'vault',
  category: 'auth',
  needs: ['vault.health'],
  network: true,
  findings: {
    'no-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'no credentials for {{method}} auth: {{reason}}',
      remedies: ['vault.fix-login', 'auth.check-sa-annotations'],
    },
    'token-invalid': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Vault rejects the token from {{source}}: it is expired, revoked or unknown ({{error}})',
      remedies: ['vault.renew-token'],
    },
    'role-not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'login at auth/{{mount}} failed: {{error}}',
      remedies: ['vault.fix-login', 'vault.fix-auth-mount'],
    },
    'sa-not-authorized': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'role {{role}} at auth/{{mount}} refuses this service account: {{error}}',
      remedies: ['vault.fix-login', 'auth.check-sa-annotations'],
    },
    'jwt-claims': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'role {{role}} at auth/{{mount}} rejects the JWT claims: {{error}}',
      remedies: ['vault.fix-login'],
    },
    'login-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{method}} login at auth/{{mount}} was denied: {{error}}',
      remedies: ['vault.fix-login', 'auth.review-audit-logs'],
    },
    'auth-mount-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'there is no auth method at auth/{{mount}} ({{error}})',
      remedies: ['vault.fix-auth-mount'],
    },
    'lookup-denied': {
      status: 'warn',
      severity: 'medium',
      message: 'the token works but may not look itself up ({{error}}): TTL and policies cannot be checked',
      remedies: ['auth.verify-iam'],
    },
  },
  async run({ vault }) {
    const s = await vault.settings()
    const mount = s.auth.mount
    const role = s.auth.role ?? '?'
    const method = s.auth.method
    let info
    try {
      info = await vault.login()
    } catch (e) {
      // A fault on the way (a proxy's page, a redirect) is not Vault's verdict: the runner reports it.
      if (!isProviderError(e) || e.fault) throw e
      const error = String(e.facts.error ?? e.message)
      const loginCmd = {
        'vault.fix-login':
          method === 'kubernetes' || method === 'jwt'
            ? [
                `vault write auth/${mount}/login role=${role} jwt=@${s.auth.jwtPath ?? '<token_path>'}`,
                `vault read auth/${mount}/role/${role}`,
              ]
            : method === 'approle'
              ? [`vault read auth/${mount}/role/<role>/role-id`]
              : [],
      }
      if (e.kind === 'invalid' && e.facts.status === undefined)
        return found('no-credentials', { method, reason: e.message })
      // Kubernetes and AppRole say "invalid role name …"; the JWT method says `role "x" could not be found`.
      if (/invalid role name|invalid role or secret ID|missing role|could not be found/.test(error))
        return found('role-not-found', { mount, error }, { commands: loginCmd })
      if (/not authorized/.test(error))
        return found('sa-not-authorized', { role, mount, error }, { commands: loginCmd })
      if (/claim|audience|issuer/i.test(error))
        return found('jwt-claims', { role, mount, error }, { commands: loginCmd })
      if (/no handler for route|route entry not found/.test(error) || e.kind === 'not-found')
        return found(
          'auth-mount-missing',
          { mount, error },
          { commands: { 'vault.fix-auth-mount': ['vault auth list'] } },
        )
      if (e.kind === 'denied' || e.kind === 'unauthenticated' || e.kind === 'invalid')
        return found('login-denied', { method, mount, error }, { commands: loginCmd })
      throw e
    }
    try {
      const t = await vault.tokenSelf()
      return pass(`${info.source} as ${t.displayName}`, [
        `policies: ${[...t.policies, ...t.identityPolicies].join(', ') || '(none)'}`,
        ...(t.entityId ? [`entity: ${t.entityId}`] : []),
      ])
    } catch (e) {
      if (!isProviderError(e) || e.fault) throw e
      const error = String(e.facts.error ?? e.message)
      if (e.kind === 'unauthenticated')
        return found(
          'token-invalid',
          { source: info.source, error },
          { commands: { 'vault.renew-token': ['vault token lookup'] } },
        )
      if (e.kind === 'denied') return found('lookup-denied', { error })
      throw e
    }
  },
})
