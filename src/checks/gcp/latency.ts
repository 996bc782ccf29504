import { defineCheck, found, pass, skip } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { percentile } from '../../core/latency.js'

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
    slow: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'AccessSecretVersion p95 is {{p95}} (p50 {{p50}}, {{n}} samples), above the {{limit}} budget',
      remedies: ['latency.regional-endpoints', 'latency.cache-locally', 'latency.use-sidecar'],
    },
  },
  async run({ gcp, config }) {
    const first = config.gcp.secrets[0]
    if (!first) return skip('not-applicable', 'no gcp.secrets configured')
    const n = Math.max(1, config.thresholds.latencySamples)
    const samples: number[] = []
    for (let i = 0; i < n; i++) samples.push(await gcp.timeAccess(first.name))
    const sorted = [...samples].sort((a, b) => a - b)
    const p50 = percentile(sorted, 50)
    const p95 = percentile(sorted, 95)
    const vars = {
      p50: formatDuration(p50),
      p95: formatDuration(p95),
      n,
      limit: formatDuration(config.thresholds.latencyP95Ms),
    }
    const details = [
      `endpoint ${gcp.endpoint}`,
      `samples (ms): ${samples.map((s) => Math.round(s)).join(', ')}`,
    ]
    if (p95 > config.thresholds.latencyP95Ms)
      return found('slow', vars, {
        details,
        commands: {
          'latency.regional-endpoints': [
            `gcloud secrets describe ${first.name} --format="value(replication)"`,
            'set gcp.endpoint to https://secretmanager.LOCATION.rep.googleapis.com for regional secrets',
          ],
        },
      })
    return pass(`p95 ${vars.p95}, p50 ${vars.p50} over ${n} samples`, details)
  },
})
