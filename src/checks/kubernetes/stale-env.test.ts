import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { deployment, externalSecret, podOf, secret } from '../../../test/fixtures/kubernetes/objects.js'
import check from './stale-env.js'

const dep = (annotations?: Record<string, string>) =>
  deployment(
    'expanso-edge',
    { containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'pipeline-credentials' } }] }] },
    { annotations },
  )
const s = secret('pipeline-credentials', { A: 'value-1234' }, '2026-11-27T09:00:00Z')

describe('k8s.stale-env', () => {
  it('passes: pod started after the change, Reloader restarts on the next', async () => {
    const d = dep({ 'reloader.stakater.com/auto': 'true' })
    const r = await runCheck(check, {
      kubernetes: liveKube([d, podOf(d, '2026-11-27T10:00:00Z'), s, externalSecret('pipeline-credentials')]),
    })
    expect(r.status).toBe('pass')
  })
  it('skips without env-consumed secrets', async () => {
    expect(
      (await runCheck(check, { kubernetes: liveKube([deployment('x', { containers: [{ name: 'a' }] })]) }))
        .skipReason,
    ).toBe('not-applicable')
  })
  it('stale: the pod is older than the Secret', async () => {
    const d = dep()
    const r = await runCheck(check, { kubernetes: liveKube([d, podOf(d, '2026-11-27T08:00:00Z'), s]) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['stale'])
    expect(remedyIds(r)).toEqual(['refresh.restart-agent', 'refresh.verify-restarts', 'k8s.reload-on-change'])
    expect(JSON.stringify(r)).toContain('kubectl -n expanso-system rollout restart deployment/expanso-edge')
  })
  it('env-not-refreshed: a refreshed Secret read through env, nothing restarts the pod', async () => {
    const d = dep()
    const r = await runCheck(check, {
      kubernetes: liveKube([d, podOf(d, '2026-11-27T10:00:00Z'), s, externalSecret('pipeline-credentials')]),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['env-not-refreshed'])
    expect(remedyIds(r)).toEqual(['refresh.restart-agent', 'k8s.reload-on-change'])
  })
})
