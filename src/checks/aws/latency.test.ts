import { describe, expect, it } from 'vitest'
import { findingKeys, runCheck } from '../../../test/helpers/check-harness.js'
import { awsError, config, fakeAws } from '../../../test/fixtures/aws/fake-api.js'
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
    expect(r.remedies.map((x) => x.id)).toContain('latency.regional-endpoints')
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
  })
})
