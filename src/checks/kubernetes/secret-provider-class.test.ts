import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { deployment, podOf, secretProviderClass } from '../../../test/fixtures/kubernetes/objects.js'
import check from './secret-provider-class.js'

const objs = ['kafka-username', 'kafka-password', 'api-token']
const sync = [
  {
    secretName: 'pipeline-credentials',
    data: objs.map((o) => ({ objectName: o, key: o.toUpperCase().replace(/-/g, '_') })),
  },
]
const spc = secretProviderClass('expanso-azure-keyvault', objs, sync, {
  clientID: '0b6f8c3e-6a3e-4b9e-9f1a-3c2d1e0f9a8b',
})
const mounting = deployment('expanso-edge', {
  containers: [
    {
      name: 'a',
      envFrom: [{ secretRef: { name: 'pipeline-credentials' } }],
      volumeMounts: [{ name: 'ss', mountPath: '/mnt/secrets-store' }],
    },
  ],
  volumes: [
    {
      name: 'ss',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: 'expanso-azure-keyvault' },
      },
    },
  ],
})
const envOnly = deployment('expanso-edge', {
  containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'pipeline-credentials' } }] }],
})

describe('k8s.secret-provider-class', () => {
  it('passes when the class is consistent and a pod mounts it', async () => {
    expect(
      (
        await runCheck(check, {
          kubernetes: liveKube([spc, mounting, podOf(mounting, '2026-11-27T10:00:00Z')]),
        })
      ).status,
    ).toBe('pass')
  })
  it('skips without CSI', async () => {
    expect((await runCheck(check, { kubernetes: liveKube([]) })).skipReason).toBe('not-applicable')
  })
  it('missing: the pod mounts a class that is not there', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([mounting]) })
    expect(findingKeys(r)).toEqual(['missing'])
    expect(remedyIds(r)).toEqual(['k8s.fix-secret-provider-class', 'auth.confirm-secret-paths'])
  })
  it('object-not-fetched: objectName mismatch, with a suggestion', async () => {
    const bad = secretProviderClass('expanso-azure-keyvault', objs, [
      { secretName: 'pipeline-credentials', data: [{ objectName: 'kafka_username', key: 'KAFKA_USERNAME' }] },
    ])
    const r = await runCheck(check, {
      kubernetes: liveKube([bad, mounting, podOf(mounting, '2026-11-27T10:00:00Z')]),
    })
    expect(findingKeys(r)).toEqual(['object-not-fetched'])
    expect(r.summary).toContain('did you mean "kafka-username"')
    expect(remedyIds(r)).toEqual(['k8s.fix-secret-provider-class', 'auth.confirm-secret-paths'])
  })
  it('objects-invalid', async () => {
    const bad = secretProviderClass('expanso-azure-keyvault', [], sync)
    bad.spec.parameters.objects = 'array: [unclosed'
    const r = await runCheck(check, {
      kubernetes: liveKube([bad, mounting, podOf(mounting, '2026-11-27T10:00:00Z')]),
    })
    expect(findingKeys(r)).toEqual(['objects-invalid'])
    expect(remedyIds(r)).toEqual(['k8s.fix-secret-provider-class'])
  })
  it('not-mounted: the consumer only uses envFrom, so nothing syncs', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([spc, envOnly, podOf(envOnly, '2026-11-27T10:00:00Z')]),
    })
    expect(findingKeys(r)).toEqual(['not-mounted'])
    expect(r.summary).toContain('Deployment/expanso-system/expanso-edge wait(s) for it')
    expect(remedyIds(r)).toEqual(['k8s.mount-csi-volume'])
  })
  it('pod-identity: usePodIdentity is deprecated (warn)', async () => {
    const old = secretProviderClass('expanso-azure-keyvault', objs, sync, { usePodIdentity: 'true' })
    const r = await runCheck(check, {
      kubernetes: liveKube([old, mounting, podOf(mounting, '2026-11-27T10:00:00Z')]),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['pod-identity'])
    expect(remedyIds(r)).toEqual(['k8s.migrate-workload-identity', 'bp.short-lived-credentials'])
  })
})
