import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { awsStore, externalSecret, secretStore } from '../../../test/fixtures/kubernetes/objects.js'
import check from './refresh-interval.js'

const store = secretStore('aws-secrets-manager', awsStore())
const run = (es: ReturnType<typeof externalSecret>, config?: Record<string, unknown>) =>
  runCheck(check, { kubernetes: liveKube([es, store]), config })

describe('k8s.refresh-interval', () => {
  it.each(['1h', '15m0s', '1h30m'])('passes for %s', async (v) => {
    expect((await run(externalSecret('p', { refreshInterval: v }))).status).toBe('pass')
  })
  it('passes for the ESO default (absent)', async () => {
    const r = await run(externalSecret('p'))
    expect(r.status).toBe('pass')
    expect(r.details?.join()).toContain('ESO default')
  })
  it.each(['0', '0s'])('never: refreshInterval %s', async (v) => {
    const r = await run(externalSecret('p', { refreshInterval: v }))
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['never'])
    expect(remedyIds(r)).toEqual(['refresh.check-interval'])
  })
  it('never: refreshPolicy CreatedOnce', async () => {
    const es = externalSecret('p', { refreshInterval: '1h' })
    expect(findingKeys(await run({ ...es, spec: { ...es.spec, refreshPolicy: 'CreatedOnce' } }))).toEqual([
      'never',
    ])
  })
  it.each(['1d', 'hourly', '5'])('unparsable: %s', async (v) => {
    const r = await run(externalSecret('p', { refreshInterval: v }))
    expect(findingKeys(r)).toEqual(['unparsable'])
    expect(remedyIds(r)).toEqual(['refresh.check-interval'])
  })
  it('longer-than-rotation: beyond aws.maxRotationDays', async () => {
    const r = await run(externalSecret('p', { refreshInterval: '1000h' }), {
      aws: { region: 'us-east-1', maxRotationDays: 30 },
      pipeline: { maxStaleness: '90d' },
    })
    expect(findingKeys(r)).toEqual(['longer-than-rotation'])
    expect(r.summary).toContain('aws.maxRotationDays 30d')
    expect(remedyIds(r)).toEqual(['refresh.check-interval', 'refresh.monitor-rotation'])
  })
  it('longer-than-rotation: beyond pipeline.maxStaleness', async () => {
    const r = await run(externalSecret('p', { refreshInterval: '4h' }), { pipeline: { maxStaleness: '2h' } })
    expect(findingKeys(r)).toEqual(['longer-than-rotation'])
    expect(r.status).toBe('warn')
  })
  it('on-change-only', async () => {
    const es = externalSecret('p', { refreshInterval: '1h' })
    const r = await run({ ...es, spec: { ...es.spec, refreshPolicy: 'OnChange' } })
    expect(findingKeys(r)).toEqual(['on-change-only'])
    expect(remedyIds(r)).toEqual(['refresh.check-interval'])
  })
})
