import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import {
  CANARY,
  deployment,
  externalSecret,
  secret,
  secretProviderClass,
} from '../../../test/fixtures/kubernetes/objects.js'
import check from './target-secret.js'

const full = {
  KAFKA_USERNAME: CANARY.username,
  KAFKA_PASSWORD: CANARY.kafkaPassword,
  API_TOKEN: CANARY.apiToken,
}
const es = externalSecret('pipeline-credentials')

describe('k8s.target-secret', () => {
  it('passes with every key set, and never shows a value', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([es, secret('pipeline-credentials', full, '2026-11-27T08:00:00Z')]),
    })
    expect(r.status).toBe('pass')
    expect(JSON.stringify(r)).not.toContain(CANARY.kafkaPassword)
  })
  it('skips when nothing produces or consumes a Secret', async () => {
    expect((await runCheck(check, { kubernetes: liveKube([]) })).skipReason).toBe('not-applicable')
  })
  it('missing', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([es]) })
    expect(findingKeys(r)).toEqual(['missing'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths'])
    expect(JSON.stringify(r)).toContain(
      'kubectl -n expanso-system describe externalsecret pipeline-credentials',
    )
  })
  it('missing-keys', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([
        es,
        secret('pipeline-credentials', { KAFKA_USERNAME: 'u-1234' }, '2026-11-27T08:00:00Z'),
      ]),
    })
    expect(findingKeys(r)).toEqual(['missing-keys'])
    expect(r.summary).toContain('KAFKA_PASSWORD, API_TOKEN')
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths'])
  })
  it('empty-keys', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([
        es,
        secret('pipeline-credentials', { ...full, API_TOKEN: '' }, '2026-11-27T08:00:00Z'),
      ]),
    })
    expect(findingKeys(r)).toEqual(['empty-keys'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'refresh.monitor-rotation'])
  })
  it('empty-keys: a template that rendered `<no value>` or `null` counts as empty, and says which', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([
        es,
        secret(
          'pipeline-credentials',
          { ...full, API_TOKEN: '<no value>', KAFKA_PASSWORD: 'null' },
          '2026-11-27T08:00:00Z',
        ),
      ]),
    })
    expect(findingKeys(r)).toEqual(['empty-keys'])
    expect(r.summary).toContain(
      'KAFKA_PASSWORD (rendered from a missing key), API_TOKEN (rendered from a missing key)',
    )
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'refresh.monitor-rotation'])
  })
  it('key-not-produced: a secretKeyRef the SecretProviderClass does not sync', async () => {
    const spc = secretProviderClass(
      'kv',
      ['kafka-username'],
      [{ secretName: 'creds', data: [{ objectName: 'kafka-username', key: 'KAFKA_USERNAME' }] }],
    )
    const dep = deployment('expanso-edge', {
      containers: [
        { name: 'a', env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'creds', key: 'API_TOKEN' } } }] },
      ],
    })
    const r = await runCheck(check, {
      kubernetes: liveKube([spc, dep, secret('creds', { KAFKA_USERNAME: 'u-1234' }, '2026-11-27T08:00:00Z')]),
    })
    expect(findingKeys(r)).toEqual(['key-not-produced', 'missing-keys'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths'])
  })
})
