import { defineCheck, found, pass } from '../define.js'
import { isNetworkFault, isProviderError } from '../../core/provider.js'

const LOOPBACK = /^(127\.|localhost$|::1$)/

export default defineCheck({
  id: 'vault.address',
  title: 'Vault address resolves and accepts connections',
  description:
    'Everything else depends on reaching Vault: a wrong VAULT_ADDR, a DNS name the node cannot resolve, or a firewall in the way shows up as an agent retrying forever with no secrets rendered.',
  provider: 'vault',
  category: 'connectivity',
  network: true,
  findings: {
    'no-address': {
      status: 'fail',
      severity: 'critical',
      message: 'no Vault address: set vault.address, VAULT_ADDR, or vault { address } in the agent config',
      remedies: ['vault.fix-address'],
    },
    invalid: {
      status: 'fail',
      severity: 'critical',
      message: 'the Vault address is not usable: {{reason}}',
      remedies: ['vault.fix-address'],
    },
    dns: {
      status: 'fail',
      severity: 'critical',
      message: 'cannot reach Vault: {{reason}}',
      remedies: ['vault.network-reach', 'vault.fix-address'],
    },
    refused: {
      status: 'fail',
      severity: 'critical',
      message: 'cannot reach Vault: {{reason}}; nothing listens there',
      remedies: ['vault.fix-address', 'vault.network-reach'],
    },
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: 'cannot reach Vault: {{reason}}',
      remedies: ['vault.network-reach'],
    },
    plaintext: {
      status: 'warn',
      severity: 'high',
      message:
        'Vault is reached over plain HTTP at {{address}}: tokens and secrets cross the network unencrypted',
      remedies: ['vault.fix-address'],
    },
  },
  async run({ vault }) {
    const s = await vault.settings()
    if (!s.address) return found('no-address')
    try {
      const p = await vault.probeAddress()
      const details = [
        `address from ${s.addressSource ?? 'config'}: ${p.url}`,
        `resolved: ${p.addresses.join(', ')}`,
      ]
      if (p.scheme === 'http' && !LOOPBACK.test(p.host))
        return found('plaintext', { address: p.url }, { details })
      return pass(`${p.host}:${p.port} accepts connections (${p.connectMs} ms)`, details)
    } catch (e) {
      if (isProviderError(e) && e.kind === 'invalid' && !e.fault)
        return found('invalid', { reason: e.message })
      if (!isNetworkFault(e)) throw e
      // The classifier's words (core/net), so the same fault reads the same for every provider.
      const cmd = { 'vault.network-reach': [`curl -sS ${s.address}/v1/sys/health`] }
      const key = e.fault === 'dns' ? 'dns' : e.fault === 'refused' ? 'refused' : 'unreachable'
      return found(key, { reason: e.message }, { commands: cmd })
    }
  },
})
