import { defineCheck, found, pass } from '../define.js'
import { isProviderError } from '../../core/provider.js'

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
      message: 'cannot resolve {{host}} ({{code}})',
      remedies: ['vault.network-reach', 'vault.fix-address'],
    },
    refused: {
      status: 'fail',
      severity: 'critical',
      message: '{{host}}:{{port}} refused the connection (nothing listens there)',
      remedies: ['vault.fix-address', 'vault.network-reach'],
    },
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: 'cannot connect to {{host}}:{{port}}: {{reason}}',
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
      if (!isProviderError(e)) throw e
      let host = s.address
      let port = ''
      try {
        const u = new URL(s.address)
        host = u.hostname
        port = u.port || (u.protocol === 'https:' ? '443' : '80')
      } catch {
        // the provider already said why
      }
      const cmd = { 'vault.network-reach': [`curl -sS ${s.address}/v1/sys/health`] }
      if (e.kind === 'dns')
        return found('dns', { host, code: String(e.facts.code ?? 'ENOTFOUND') }, { commands: cmd })
      if (e.kind === 'refused') return found('refused', { host, port }, { commands: cmd })
      if (e.kind === 'invalid') return found('invalid', { reason: e.message })
      return found('unreachable', { host, port, reason: e.message }, { commands: cmd })
    }
  },
})
