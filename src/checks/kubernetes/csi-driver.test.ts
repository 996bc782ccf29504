import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { csiDriver, secretProviderClass } from '../../../test/fixtures/kubernetes/objects.js'
import check from './csi-driver.js'

const spc = secretProviderClass('kv', ['a'], [])

describe('k8s.csi-driver', () => {
  it('passes when the CSIDriver exists', async () => {
    expect((await runCheck(check, { kubernetes: liveKube([spc, csiDriver()]) })).status).toBe('pass')
  })
  it('skips when nothing uses CSI', async () => {
    expect((await runCheck(check, { kubernetes: liveKube([]) })).skipReason).toBe('not-applicable')
  })
  it('skips not-permitted when csidrivers may not be listed', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([spc], { kinds: { CSIDriver: { state: 'forbidden' } } }),
    })
    expect(r.skipReason).toBe('not-permitted')
  })
  it('missing', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([spc]) })
    expect(findingKeys(r)).toEqual(['missing'])
    expect(remedyIds(r)).toEqual(['k8s.install-csi-driver'])
  })
})
