import { defineCheck, found, pass, skip } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'
import { percentile } from '../../core/latency.js'

export default defineCheck({
  id: 'azure.latency',
  title: 'Azure Key Vault reads are fast enough for agent startup',
  description:
    'An agent that fetches its secrets at startup waits for each read; a distant region, a proxy or throttling ' +
    'turns that into a slow start. This check times latencySamples reads of one configured secret (token ' +
    'already cached, as for an agent in steady state) and compares the p95 with latencyP95.',
  provider: 'azure',
  category: 'latency',
  needs: ['azure.secret-access'],
  network: true,
  findings: {
    slow: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'p95 read latency {{p95}} is above {{threshold}} ({{samples}} reads of {{name}}, p50 {{p50}})',
      remedies: ['latency.regional-endpoints', 'latency.cache-locally', 'latency.use-sidecar'],
    },
    throttled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: '{{failed}} of {{samples}} reads of {{name}} failed: {{reason}}',
      remedies: ['latency.retry-backoff', 'latency.cache-locally'],
    },
  },
  async run({ azure, config }) {
    const name = config.azure.secrets[0]?.name
    if (!name) return skip('not-applicable', 'no secrets listed under azure.secrets')
    const samples = Math.max(1, config.thresholds.latencySamples)
    const threshold = config.thresholds.latencyP95Ms
    const times: number[] = []
    const failures: string[] = []
    for (let i = 0; i < samples; i++) {
      try {
        times.push(await azure.timeSecretRead(name))
      } catch (e) {
        if (
          !isProviderError(e) ||
          (e.kind !== 'throttled' && e.kind !== 'unavailable' && e.kind !== 'timeout')
        )
          throw e
        failures.push(e.message)
      }
    }
    const sorted = [...times].sort((a, b) => a - b)
    const p50 = percentile(sorted, 50)
    const p95 = percentile(sorted, 95)
    const details = [
      `${times.length} timed reads of ${name}: ${sorted.map((t) => formatDuration(t)).join(', ') || 'none'}`,
    ]
    if (failures.length > 0) {
      return found(
        'throttled',
        { failed: failures.length, samples, name, reason: failures[0] ?? '' },
        { details: [...details, ...failures] },
      )
    }
    const vars = {
      p50: formatDuration(p50),
      p95: formatDuration(p95),
      threshold: formatDuration(threshold),
      samples,
      name,
    }
    if (p95 > threshold) return found('slow', vars, { details })
    return pass(`p95 ${vars.p95} over ${samples} reads (threshold ${vars.threshold})`, [
      ...details,
      `p50 ${vars.p50}`,
    ])
  },
})
