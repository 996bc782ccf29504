import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { deployment } from '../../../test/fixtures/kubernetes/objects.js'
import check from './secrets-volume-tmpfs.js'

const spec = (emptyDir: Record<string, unknown>, name = 'secrets') => ({
  initContainers: [
    {
      name: 'fetch',
      command: ['sh', '-c', 'gcloud secrets versions access latest --secret=x > /secrets/c.json'],
      volumeMounts: [{ name, mountPath: '/secrets' }],
    },
  ],
  containers: [{ name: 'a', volumeMounts: [{ name, mountPath: '/secrets' }] }],
  volumes: [{ name, emptyDir }],
})

describe('k8s.secrets-volume-tmpfs', () => {
  it('passes with medium: Memory', async () => {
    expect(
      (await runCheck(check, { kubernetes: liveKube([deployment('e', spec({ medium: 'Memory' }))]) })).status,
    ).toBe('pass')
  })
  it('skips when no emptyDir holds secrets', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([
        deployment('e', { containers: [{ name: 'a' }], volumes: [{ name: 'cache', emptyDir: {} }] }),
      ]),
    })
    expect(r.skipReason).toBe('not-applicable')
  })
  it('on-disk: recognised by the fetching init container even with a neutral name', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([deployment('e', spec({}, 'data'))]) })
    expect(findingKeys(r)).toEqual(['on-disk'])
    expect(remedyIds(r)).toEqual(['pattern.tmpfs'])
  })
})
