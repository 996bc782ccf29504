import { defineCheck, found, pass } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { roughDuration } from '../../providers/aws/model.js'

export default defineCheck({
  id: 'aws.credentials',
  title: 'AWS credentials resolve from one source the SDK will use',
  description:
    'The SDK tries environment keys, the shared profile, web identity (IRSA), container credentials and instance ' +
    'metadata in turn and reports only "Could not load credentials from any providers" when all fail. This check ' +
    'walks the chain source by source, names the one that failed, and says when the credentials expire.',
  provider: 'aws',
  category: 'auth',
  network: true,
  findings: {
    none: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'no AWS credentials: {{tried}}',
      remedies: ['aws.credential-chain', 'auth.verify-iam'],
    },
    'source-failed': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the {{source}} credential source is set up but failed: {{reason}}',
      remedies: ['aws.credential-chain', 'auth.check-sa-annotations'],
    },
    expired: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the {{source}} credentials ({{accessKeyId}}) expired {{ago}} ago and nothing renews them',
      remedies: ['aws.refresh-credentials'],
    },
    'expiring-soon': {
      status: 'warn',
      severity: 'high',
      message: 'the {{source}} credentials ({{accessKeyId}}) expire in {{left}} and nothing renews them',
      remedies: ['aws.refresh-credentials'],
    },
    'long-lived': {
      status: 'warn',
      severity: 'low',
      message: 'long-lived access key {{accessKeyId}} from {{source}}: it never expires and is never rotated',
      remedies: ['bp.short-lived-credentials'],
    },
  },
  async run({ aws, config, now }) {
    const report = await aws.credentials()
    const details = report.attempts.map((a) => `${a.source}: ${a.outcome} — ${a.detail}`)
    const r = report.resolved
    if (!r) {
      const failed = report.attempts.find((a) => a.outcome === 'failed')
      if (failed) return found('source-failed', { source: failed.source, reason: failed.detail }, { details })
      return found(
        'none',
        { tried: report.attempts.map((a) => `${a.source} ${a.outcome}`).join(', ') },
        { details },
      )
    }
    const vars = { source: r.source, accessKeyId: r.accessKeyId }
    if (r.expiresAt && !r.refreshable) {
      const left = r.expiresAt.getTime() - now().getTime()
      if (left <= 0)
        return found('expired', { ...vars, ago: roughDuration(-left, formatDuration) }, { details })
      if (left < config.thresholds.tokenMinTtlMs) {
        return found('expiring-soon', { ...vars, left: roughDuration(left, formatDuration) }, { details })
      }
    }
    if (!r.temporary) return found('long-lived', vars, { details })
    const expiry = r.expiresAt
      ? `, expire ${r.expiresAt.toISOString()}${r.refreshable ? ' (renewed by the SDK)' : ''}`
      : r.refreshable
        ? ', renewed by the SDK'
        : ''
    return pass(`${r.source} credentials (${r.accessKeyId})${expiry}`, details)
  },
})
