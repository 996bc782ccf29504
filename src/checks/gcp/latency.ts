import { defineCheck, found, pass, skip } from '../define.js'
import {
  latencyDetails,
  latencySummaryLine,
  latencyVars,
  sampleLatency,
  slowFinding,
} from '../../core/latency.js'

export default defineCheck({
  id: 'gcp.latency',
  title: 'Secret Manager answers within the latency budget',
  description:
    "The documentation's init container fetches every secret before the agent starts, so each round trip to " +
    'Secret Manager is start-up time. The check times `latencySamples` AccessSecretVersion calls on the first ' +
    'configured secret and compares their p95 with `latencyP95`.',
  provider: 'gcp',
  category: 'latency',
  needs: ['gcp.secret-access'],
  network: true,
  findings: {
    slow: slowFinding(['latency.regional-endpoints', 'latency.cache-locally', 'latency.use-sidecar']),
  },
  async run({ gcp, config }) {
    const first = config.gcp.secrets[0]
    if (!first) return skip('not-applicable', 'no gcp.secrets configured')
    const target = `AccessSecretVersion on ${first.name}`
    // gcp.secret-access has already made the first call (client loaded, connection open): no warm-up needed.
    const sample = await sampleLatency(config.thresholds.latencySamples, () => gcp.timeAccess(first.name))
    const details = [`endpoint ${gcp.endpoint}`, ...latencyDetails(sample, target)]
    if (sample.p95 > config.thresholds.latencyP95Ms)
      return found('slow', latencyVars(sample, config.thresholds.latencyP95Ms, target), {
        details,
        commands: {
          'latency.regional-endpoints': [
            `gcloud secrets describe ${first.name} --format="value(replication)"`,
            'set gcp.endpoint to https://secretmanager.LOCATION.rep.googleapis.com for regional secrets',
          ],
        },
      })
    return pass(latencySummaryLine(sample), details)
  },
})
