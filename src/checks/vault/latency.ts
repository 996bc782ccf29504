import { defineCheck, found, pass } from '../define.js'
import { kvPathCheck } from '../../providers/vault/model.js'
import {
  latencyDetails,
  latencySummaryLine,
  latencyVars,
  sampleLatency,
  slowFinding,
} from '../../core/latency.js'

export default defineCheck({
  id: 'vault.latency',
  title: 'Vault answers reads quickly',
  description:
    'Every agent start and every render waits on Vault; a slow Vault (distant region, overloaded storage) delays pipeline start-up.',
  provider: 'vault',
  category: 'latency',
  needs: ['vault.auth'],
  network: true,
  findings: {
    slow: slowFinding(['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff']),
  },
  async run({ vault, config }) {
    const { refs } = await vault.secretRefs()
    let target = 'auth/token/lookup-self'
    for (const r of refs) {
      const m = await vault.mountInfo(r.path)
      if (m && (m.type === 'kv' || m.type === 'generic')) {
        target = kvPathCheck(r.path, m).corrected ?? r.path
        break
      }
    }
    // Each sample is one timed read (the provider's own clock, without the token lookup around it).
    const sample = await sampleLatency(config.thresholds.latencySamples, () => vault.sampleRead(target))
    const limit = config.thresholds.latencyP95Ms
    const details = latencyDetails(sample, target)
    if (sample.p95 > limit) return found('slow', latencyVars(sample, limit, target), { details })
    return pass(latencySummaryLine(sample), details)
  },
})
