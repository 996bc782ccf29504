import { defineCheck, found, pass, skip } from '../define.js'
import {
  latencyDetails,
  latencySummaryLine,
  latencyVars,
  sampleLatency,
  SLOW_MESSAGE,
  slowFinding,
} from '../../core/latency.js'
import { isProviderError } from '../../core/provider.js'
import type { AwsApi } from '../../providers/aws/api.js'
import { endpointRegion, parseArn } from '../../providers/aws/model.js'

/** The first configured secret that can be read, or undefined. */
async function readableSecret(aws: AwsApi, ids: readonly string[]): Promise<string | undefined> {
  for (const id of ids) {
    const ok = await aws.secretValue(id).then(
      () => true,
      () => false,
    )
    if (ok) return id
  }
  return undefined
}

export default defineCheck({
  id: 'aws.latency',
  title: 'Secrets Manager answers within the latency threshold',
  description:
    'Every agent start (and every refresh of an init-container setup) waits for these reads. p50/p95 over ' +
    'latencySamples GetSecretValue calls against latencyP95; a slow endpoint is often one in another region. ' +
    'Without configured secrets, STS GetCallerIdentity is timed instead.',
  provider: 'aws',
  category: 'latency',
  needs: ['aws.identity'],
  network: true,
  findings: {
    slow: slowFinding(['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff']),
    'slow-cross-region': {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: `${SLOW_MESSAGE}: the endpoint {{endpoint}} is in {{endpointRegion}}, the secret in {{secretRegion}}`,
      remedies: ['latency.regional-endpoints', 'latency.cache-locally'],
    },
    throttled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'AWS throttled the reads of {{target}} after {{done}} of {{samples}} calls ({{code}})',
      remedies: ['latency.retry-backoff', 'latency.cache-locally'],
    },
  },
  async run({ aws, config }) {
    const n = Math.max(1, config.thresholds.latencySamples)
    const limit = config.thresholds.latencyP95Ms
    const ids = config.aws.secrets.map((s) => s.id)
    // Time the read the agent makes. A Secrets Manager that cannot be read is aws.secret-access's finding;
    // timing STS in its place would pass a broken endpoint.
    const id = await readableSecret(aws, ids)
    if (ids.length && !id)
      return skip(
        'dependency-failed',
        'aws.secret-access did not pass: no configured secret can be read to time',
      )
    const target = id ?? 'sts GetCallerIdentity'
    let done = 0
    let sample
    try {
      sample = await sampleLatency(n, async () => {
        const ms = await aws.timeRead(id)
        done++
        return ms
      })
    } catch (e) {
      if (isProviderError(e) && e.kind === 'throttled' && !e.fault)
        return found('throttled', { target, done, samples: n, code: String(e.facts.code ?? 'throttled') })
      throw e
    }
    const details = latencyDetails(sample, target)
    if (sample.p95 <= limit) return pass(latencySummaryLine(sample), details)
    const vars = latencyVars(sample, limit, target)
    const endpoint = (await aws.secretsEndpoint()) ?? ''
    const epRegion = endpointRegion(endpoint)
    const secretRegion = (id && parseArn(id)?.region) || (await aws.region()).region
    if (id && epRegion && secretRegion && epRegion !== secretRegion)
      return found(
        'slow-cross-region',
        { ...vars, endpoint, endpointRegion: epRegion, secretRegion },
        { details },
      )
    return found('slow', vars, { details: [...details, `endpoint ${endpoint}`] })
  },
})
