import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeGcp, jsonPayload, type FakeGcp } from '../../../test/fixtures/gcp/fake-api.js'
import check from './secret-keys.js'

const S = 'expanso-pipeline-credentials'
const keys = ['kafka_username', 'kafka_password', 'api_token']
const run = (access: FakeGcp['access'], secretKeys: string[] = keys) =>
  runCheck(check, {
    config: { gcp: { project: 'my-project', secrets: [{ name: S, keys: secretKeys }] } },
    gcp: fakeGcp({ access }),
  })

describe('gcp.secret-keys', () => {
  it('passes when every key is set', async () => {
    const r = await run({
      [S]: jsonPayload({ kafka_username: 'set', kafka_password: 'set', api_token: 'set', extra: 'set' }),
    })
    expect(r.status).toBe('pass')
    expect(r.details).toEqual([`${S} v3: kafka_username, kafka_password, api_token`])
  })

  it('skips when no keys are expected', async () => {
    const r = await run({}, [])
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
  })

  it('not-json: a plain-text payload', async () => {
    const r = await run({ [S]: { name: 'x/versions/2', version: '2', bytes: 10, format: 'text' } })
    expect(findingKeys(r)).toEqual(['not-json'])
    expect(r.summary).toContain('is plain text, not a JSON object')
    expect(r.remedies[0]?.commands).toEqual([
      `gcloud secrets versions access 2 --secret ${S} --project my-project | jq -r 'keys[]'`,
    ])
    expect(remedyIds(r)).toEqual(['gcp.fix-payload', 'auth.confirm-secret-paths'])
  })

  it('missing-keys: names the keys jq would render as null', async () => {
    const r = await run({ [S]: jsonPayload({ kafka_username: 'set', kafka_password: 'set' }) })
    expect(findingKeys(r)).toEqual(['missing-keys'])
    expect(r.summary).toBe(`${S} (version 3) lacks api_token: jq renders them as "null" in the env file`)
    expect(remedyIds(r)).toEqual(['gcp.fix-payload', 'pattern.interpolation'])
  })

  it('empty-values: present but empty or null', async () => {
    const r = await run({
      [S]: jsonPayload({ kafka_username: 'set', kafka_password: 'null', api_token: 'empty' }),
    })
    expect(findingKeys(r)).toEqual(['empty-values'])
    expect(r.summary).toContain('kafka_password (null), api_token (empty)')
    expect(remedyIds(r)).toEqual(['gcp.fix-payload'])
  })

  it("empty-values: a template's <no value> is no credential either", async () => {
    const r = await run({
      [S]: jsonPayload({ kafka_username: 'set', kafka_password: 'no-value', api_token: 'set' }),
    })
    expect(findingKeys(r)).toEqual(['empty-values'])
    expect(r.summary).toContain('kafka_password (no-value)')
    expect(remedyIds(r)).toEqual(['gcp.fix-payload'])
  })
})
