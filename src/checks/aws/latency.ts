import { defineCheck, found, pass } from '../define.js'
import { isProviderError } from '../../core/provider.js'
import { endpointRegion, parseArn } from '../../providers/aws/provider.js'
import { percentile } from '../../core/latency.js'

export default defineCheck({
  id: 'aws.latency',
  title: 'Secrets Manager answers within the latency threshold',
  description:
    'Every agent start (and every refresh of an init-container setup) waits for these reads. p50/p95 over ' +
    'latencySamples GetSecretValue calls against latencyP95; a slow endpoint is often one in another region.',
  provider: 'aws',
  category: 'latency',
  needs: ['aws.identity'],
  network: true,
  findings: {
    slow: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'p95 {{p95}} ms over {{samples}} reads of {{target}} (threshold {{max}} ms; p50 {{p50}} ms)',
      remedies: ['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'],
    },
    'slow-cross-region': {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message:
        'p95 {{p95}} ms over {{samples}} reads (threshold {{max}} ms): the endpoint {{endpoint}} is in {{endpointRegion}}, the secret in {{secretRegion}}',
      remedies: ['latency.regional-endpoints', 'latency.cache-locally'],
    },
    throttled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'AWS throttled the reads after {{done}} of {{samples}} ({{code}})',
      remedies: ['latency.retry-backoff', 'latency.cache-locally'],
    },
  },
  async run({ aws, config }) {
    const samples = Math.max(1, config.thresholds.latencySamples)
    const max = config.thresholds.latencyP95Ms
    // Time the read the agent makes; fall back to STS when no configured secret is readable.
    let target: string | undefined
    for (const s of config.aws.secrets) {
      const ok = await aws.secretValue(s.id).then(
        () => true,
        () => false,
      )
      if (ok) {
        target = s.id
        break
      }
    }
    const times: number[] = []
    for (let i = 0; i < samples; i++) {
      try {
        times.push(await aws.timeRead(target))
      } catch (e) {
        if (isProviderError(e) && e.kind === 'throttled') {
          return found('throttled', { done: i, samples, code: String(e.facts.code ?? 'throttled') })
        }
        throw e
      }
    }
    const sorted = [...times].sort((a, b) => a - b)
    const p50 = Math.round(percentile(sorted, 50))
    const p95 = Math.round(percentile(sorted, 95))
    const label = target ?? 'sts GetCallerIdentity'
    if (p95 <= max) return pass(`p50 ${p50} ms, p95 ${p95} ms over ${samples} reads of ${label}`)
    const endpoint = (await aws.secretsEndpoint()) ?? ''
    const epRegion = endpointRegion(endpoint)
    const secretRegion = (target && parseArn(target)?.region) || (await aws.region()).region
    if (epRegion && secretRegion && epRegion !== secretRegion) {
      return found('slow-cross-region', {
        p95,
        samples,
        max,
        endpoint,
        endpointRegion: epRegion,
        secretRegion,
      })
    }
    return found('slow', { p95, p50, samples, max, target: label }, { details: [`endpoint ${endpoint}`] })
  },
})
