import { defineCheck, found, pass, skip } from '../define.js'
import {
  latencyDetails,
  latencySummaryLine,
  latencyVars,
  sampleLatency,
  slowFinding,
} from '../../core/latency.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import { withoutCall } from '../../providers/azure/model.js'

/** A read that failed for a reason that passes: throttling, a server error, no answer in time. */
const transient = (e: unknown): e is ProviderError =>
  isProviderError(e) && (e.kind === 'throttled' || e.kind === 'unavailable' || isNetworkFault(e))

/** Ends the sampling: one more read of a vault that stopped answering would outlast the check's limit. */
class Stop extends Error {}

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
    slow: slowFinding(['latency.regional-endpoints', 'latency.cache-locally', 'latency.use-sidecar']),
    throttled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: '{{failed}} of {{samples}} calls of {{target}} failed: {{reason}}',
      remedies: ['latency.retry-backoff', 'latency.cache-locally'],
    },
  },
  async run({ azure, config }) {
    const name = config.azure.secrets[0]?.name
    if (!name) return skip('not-applicable', 'no secrets listed under azure.secrets')
    const samples = Math.max(1, config.thresholds.latencySamples)
    const target = `GET secrets/${name}`
    const failures: ProviderError[] = []
    let sample
    try {
      sample = await sampleLatency(samples, async () => {
        try {
          return await azure.timeSecretRead(name)
        } catch (e) {
          if (!transient(e)) throw e
          failures.push(e)
          if (e.kind === 'timeout') throw new Stop()
          return 0
        }
      })
    } catch (e) {
      if (!(e instanceof Stop)) throw e
    }
    const first = failures[0]
    if (first || !sample) {
      const details = [
        ...failures.map((f) => f.message),
        ...(sample ? [] : ['sampling stopped at the first read that got no answer']),
      ]
      const reason = first ? withoutCall(first.message) : 'no answer'
      return found('throttled', { failed: failures.length, samples, target, reason }, { details })
    }
    const limit = config.thresholds.latencyP95Ms
    if (sample.p95 > limit)
      return found('slow', latencyVars(sample, limit, target), { details: latencyDetails(sample, target) })
    return pass(latencySummaryLine(sample), latencyDetails(sample, target))
  },
})
