import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { at, fakeJobspec, setup, type Setup, type Spec } from '../../../test/fixtures/jobspec/fake.js'
import check from './refresh.js'

const run = (o: Setup = {}) => runCheck(check, { jobspec: fakeJobspec(), ...setup(o) })
const kafka = (s: Spec) => at(s, 'secrets', 'KAFKA_PASSWORD')

describe('jobspec.refresh', () => {
  it('passes refreshes well within maxStaleness', async () => {
    const r = await run()
    expect(r.status).toBe('pass')
    expect(r.details).toEqual([
      'maxStaleness: 1h 30m',
      'secrets.KAFKA_PASSWORD: refresh 30m',
      'secrets.API_TOKEN: refresh 15m',
    ])
  })

  it('warns about a refresh slower than maxStaleness, naming the entry and its line', async () => {
    const r = await run({ change: (s) => (kafka(s).refresh = '2h') })
    expect(findingKeys(r)).toEqual(['slower-than-max'])
    expect(r.summary).toBe(
      'refreshed less often than maxStaleness 1h 30m: secrets.KAFKA_PASSWORD.refresh: refresh 2h (line 39)',
    )
    expect(r.symptom).toBe('stale-secrets')
    expect(remedyIds(r)).toEqual(['refresh.check-interval', 'jobspec.set-refresh'])
  })

  it('names an entry without refresh: the default is not confirmed', async () => {
    const r = await run({ change: (s) => delete at(s, 'secrets', 'API_TOKEN').refresh })
    expect(findingKeys(r)).toEqual(['default-unknown'])
    expect(r.summary).toContain('not understood by this version of edge-secrets')
    expect(remedyIds(r)).toEqual(['refresh.check-interval', 'jobspec.set-refresh'])
  })

  it('warns about a pinned version, which never follows rotation', async () => {
    const r = await run({ change: (s) => (kafka(s).version = 4) })
    expect(findingKeys(r)).toEqual(['pinned-version'])
    expect(r.findings?.[0]?.items?.[0]).toMatchObject({
      name: 'secrets.KAFKA_PASSWORD.version',
      detail: 'version 4',
    })
    expect(remedyIds(r)).toEqual(['jobspec.fix-secret-entry', 'bp.rotation'])
  })

  it('follows the configured maxStaleness', async () => {
    const r = await run({ maxStaleness: '20m' })
    expect(findingKeys(r)).toEqual(['slower-than-max'])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['secrets.KAFKA_PASSWORD.refresh'])
  })

  it('skips without secrets', async () => {
    const r = await run({ change: (s) => delete s.secrets })
    expect(r.skipReason).toBe('not-applicable')
  })
})
