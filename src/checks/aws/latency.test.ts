import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, config, fakeAws, notAws } from '../../../test/fixtures/aws/fake-api.js'
import check from './latency.js'

describe('aws.latency', () => {
  it('passes fast reads', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws() })
    expect(r.status).toBe('pass')
  })

  it('warns about slow reads', async () => {
    const r = await runCheck(check, { config: config(), aws: fakeAws({ timeRead: async () => 900 }) })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['slow'])
    expect(r.symptom).toBe('slow-startup')
    expect(r.summary).toBe(
      'p95 latency 900 ms over 5 calls of expanso/pipeline/credentials is above the 500 ms threshold',
    )
    expect(remedyIds(r)).toEqual(['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'])
  })

  it('hints at regional endpoints when the endpoint is in another region', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        timeRead: async () => 900,
        secretsEndpoint: async () => 'https://secretsmanager.eu-west-1.amazonaws.com',
      }),
    })
    expect(findingKeys(r)).toEqual(['slow-cross-region'])
    expect(r.summary).toContain(
      'the endpoint https://secretsmanager.eu-west-1.amazonaws.com is in eu-west-1, the secret in us-east-1',
    )
    expect(remedyIds(r)).toEqual(['latency.regional-endpoints', 'latency.cache-locally'])
  })

  it('warns when throttled while sampling', async () => {
    let n = 0
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        timeRead: async () => {
          if (++n > 2) throw awsError('throttled', 'ThrottlingException', 'Rate exceeded')
          return 10
        },
      }),
    })
    expect(findingKeys(r)).toEqual(['throttled'])
    expect(r.summary).toBe(
      'AWS throttled the reads of expanso/pipeline/credentials after 2 of 5 calls (ThrottlingException)',
    )
    expect(remedyIds(r)).toEqual(['latency.retry-backoff', 'latency.cache-locally'])
  })

  it('times STS when no secret is configured, and never STS in place of a secret it cannot read', async () => {
    const sts = await runCheck(check, { config: config({ secrets: [] }), aws: fakeAws() })
    expect(sts.status).toBe('pass')
    expect(sts.details).toContain('5 calls of sts GetCallerIdentity')
    const unreadable = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        secretValue: async () => {
          throw awsError('denied', 'AccessDeniedException', 'denied')
        },
      }),
    })
    expect(unreadable.status).toBe('skip')
    expect(unreadable.skipReason).toBe('dependency-failed')
  })

  it('is no pass when a sample meets something that is not AWS', async () => {
    const r = await runCheck(check, {
      config: config(),
      aws: fakeAws({
        timeRead: async () => {
          throw notAws(200, 'text/html', 'secretsmanager:GetSecretValue')
        },
      }),
    })
    expect(r.status).toBe('error')
    expect(r.summary).toContain('answered HTTP 200 (text/html), not AWS Secrets Manager')
  })
})
