import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError } from '../../../test/fixtures/vault/fake-api.js'
import check from './audit.js'

describe('vault.audit', () => {
  it('passes with a device', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).status).toBe('pass')
  })
  it('warns without devices', async () => {
    const r = await runCheck(check, { vault: fakeVault({ audits: async () => [] }) })
    expect(findingKeys(r)).toEqual(['no-audit-device'])
    expect(remedyIds(r)).toEqual(['bp.audit-logging', 'bp.monitor-access'])
    expect(r.status).toBe('warn')
  })
  it('skips as not-permitted without sudo', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ audits: () => Promise.reject(vaultError('denied', 'x', { status: 403 })) }),
    })
    expect(r.status).toBe('skip')
    expect(r.skipReason).toBe('not-permitted')
  })
})
