import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { config, fakeAws, healthyValue } from '../../../test/fixtures/aws/fake-api.js'
import type { AwsSecretValueMeta } from '../../providers/aws/api.js'
import check from './secret-keys.js'

const run = (v: Partial<AwsSecretValueMeta>) =>
  runCheck(check, {
    config: config(),
    aws: fakeAws({ secretValue: async () => ({ ...healthyValue, ...v }) }),
  })

describe('aws.secret-keys', () => {
  it('passes when every key is set', async () => {
    const r = await run({})
    expect(r.status).toBe('pass')
  })

  it('fails a plain-text secret', async () => {
    const r = await run({ payload: 'text', keys: [] })
    expect(findingKeys(r)).toEqual(['not-json'])
    expect(r.summary).toContain('plain text')
    expect(remedyIds(r)).toEqual(['aws.secret-json', 'auth.confirm-secret-paths'])
    const empty = await run({ payload: 'empty', keys: [] })
    expect(empty.summary).toContain('holds an empty SecretString')
  })

  it('names missing and empty keys, never values', async () => {
    const r = await run({
      keys: [
        { name: 'kafka_username', state: 'set' },
        { name: 'kafka_password', state: 'empty' },
        { name: 'api_token', state: 'null' },
      ],
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['missing-keys', 'empty-keys'])
    expect(JSON.stringify(r)).toContain('db_password')
    expect(JSON.stringify(r)).toContain('kafka_password (empty)')
    expect(remedyIds(r)).toEqual(['aws.secret-json', 'auth.confirm-secret-paths'])
  })

  it('points at a near-miss key name', async () => {
    const r = await run({
      keys: [
        { name: 'kafka_username', state: 'set' },
        { name: 'kafka_password', state: 'set' },
        { name: 'api_token', state: 'set' },
        { name: 'db_pasword', state: 'set' },
      ],
    })
    expect(findingKeys(r)).toEqual(['missing-keys'])
    expect(JSON.stringify(r)).toContain('db_password: the secret has db_pasword')
    expect(remedyIds(r)).toEqual(['aws.secret-json', 'auth.confirm-secret-paths'])
  })

  it('takes a number as a value and a rendered <no value> as none', async () => {
    const r = await run({
      keys: [
        { name: 'kafka_username', state: 'not-string' },
        { name: 'kafka_password', state: 'set' },
        { name: 'api_token', state: 'no-value' },
        { name: 'db_password', state: 'set' },
      ],
    })
    expect(findingKeys(r)).toEqual(['empty-keys'])
    expect(r.summary).toContain('api_token (no-value)')
    expect(r.summary).not.toContain('kafka_username')
    expect(remedyIds(r)).toEqual(['aws.secret-json'])
  })

  it('skips without configured secrets', async () => {
    const r = await runCheck(check, { config: config({ secrets: [] }), aws: fakeAws() })
    expect(r.skipReason).toBe('not-applicable')
  })
})
