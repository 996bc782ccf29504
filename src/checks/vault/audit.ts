import { defineCheck, found, pass, skip } from '../define.js'
import { isProviderError } from '../../core/provider.js'

export default defineCheck({
  id: 'vault.audit',
  title: 'Vault has at least one audit device',
  description:
    'Without an audit device nobody can answer who read a secret, or see why a request was denied.',
  provider: 'vault',
  category: 'audit',
  needs: ['vault.auth'],
  network: true,
  findings: {
    'no-audit-device': {
      status: 'warn',
      severity: 'medium',
      message: 'no audit device is enabled: secret access is not recorded',
      remedies: ['bp.audit-logging', 'bp.monitor-access'],
    },
  },
  async run({ vault }) {
    try {
      const devices = await vault.audits()
      if (devices.length === 0)
        return found(
          'no-audit-device',
          {},
          { commands: { 'bp.audit-logging': ['vault audit enable file file_path=/vault/logs/audit.log'] } },
        )
      return pass(
        `${devices.length} audit device(s): ${devices.map((d) => `${d.path} (${d.type})`).join(', ')}`,
      )
    } catch (e) {
      if (isProviderError(e) && !e.fault && (e.kind === 'denied' || e.kind === 'unauthenticated'))
        return skip(
          'not-permitted',
          'sys/audit needs sudo, which an edge token should not have; an operator can run `vault audit list`',
        )
      throw e
    }
  },
})
