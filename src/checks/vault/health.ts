import { defineCheck, found, pass } from '../define.js'
import { isNetworkFault, isProviderError } from '../../core/provider.js'

export default defineCheck({
  id: 'vault.health',
  title: 'Vault answers, is initialized, unsealed and active',
  description:
    'A sealed or uninitialized Vault answers every secret read with 503; a standby only works while it can forward to the active node. sys/health tells them apart without a token.',
  provider: 'vault',
  category: 'connectivity',
  needs: ['vault.tls'],
  network: true,
  findings: {
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: 'cannot reach Vault: {{reason}}',
      remedies: ['vault.network-reach', 'latency.retry-backoff'],
    },
    'not-vault': {
      status: 'fail',
      severity: 'critical',
      message: 'what answers at {{address}} is not Vault: {{reason}}',
      remedies: ['vault.fix-address', 'vault.network-reach'],
    },
    redirect: {
      status: 'fail',
      severity: 'critical',
      message: 'Vault sends the doctor elsewhere: {{reason}}',
      remedies: ['vault.fix-address', 'vault.route-to-active'],
    },
    'server-error': {
      status: 'fail',
      severity: 'critical',
      message: 'Vault answered sys/health with an error: {{reason}}',
      remedies: ['latency.retry-backoff', 'vault.route-to-active'],
    },
    uninitialized: {
      status: 'fail',
      severity: 'critical',
      message: 'Vault {{version}} at {{address}} is not initialized',
      remedies: ['vault.initialize'],
    },
    sealed: {
      status: 'fail',
      severity: 'critical',
      message:
        'Vault {{version}} at {{address}} is sealed: every secret read fails with 503 "Vault is sealed"',
      remedies: ['vault.unseal'],
    },
    'dr-secondary': {
      status: 'fail',
      severity: 'critical',
      message: '{{address}} is a DR secondary: it serves no secrets until promoted',
      remedies: ['vault.route-to-active'],
    },
    standby: {
      status: 'warn',
      severity: 'medium',
      message: '{{address}} is a {{kind}} node: reads work only while it can forward to the active node',
      remedies: ['vault.route-to-active'],
    },
  },
  async run({ vault }) {
    const s = await vault.settings()
    const address = s.address ?? '?'
    let h
    try {
      h = await vault.health()
    } catch (e) {
      if (!isProviderError(e)) throw e
      const curl = { 'vault.network-reach': [`curl -sS -i ${address}/v1/sys/health`] }
      // Network faults read as core/net words them; Vault's own error keeps its status and Retry-After.
      if (!isNetworkFault(e)) {
        if (typeof e.facts.status === 'number') return found('server-error', { reason: e.message })
        throw e
      }
      if (e.fault === 'not-the-service')
        return found('not-vault', { address, reason: e.message }, { commands: curl })
      if (e.fault === 'redirect') return found('redirect', { reason: e.message })
      return found('unreachable', { reason: e.message }, { commands: curl })
    }
    const version = h.version ?? ''
    const details = [`version ${version || '?'}`, ...(h.clusterName ? [`cluster ${h.clusterName}`] : [])]
    if (!h.initialized) return found('uninitialized', { version, address }, { details })
    if (h.sealed)
      return found(
        'sealed',
        { version, address },
        {
          details,
          commands: {
            'vault.unseal': [
              `VAULT_ADDR=${address} vault operator unseal`,
              `VAULT_ADDR=${address} vault status`,
            ],
          },
        },
      )
    if (h.drSecondary) return found('dr-secondary', { address }, { details })
    if (h.standby)
      return found(
        'standby',
        { address, kind: h.performanceStandby ? 'performance standby' : 'standby' },
        { details },
      )
    return pass(`initialized, unsealed, active (Vault ${version || '?'})`, details)
  },
})
