import { describe, expect, it } from 'vitest'
import { findingKeys, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError } from '../../../test/fixtures/vault/fake-api.js'
import type { HealthInfo } from '../../providers/vault/provider.js'
import check from './health.js'

const ok: HealthInfo = {
  initialized: true,
  sealed: false,
  standby: false,
  performanceStandby: false,
  drSecondary: false,
  version: '1.18.1',
}
const h = (x: Partial<HealthInfo>) => fakeVault({ health: async () => ({ ...ok, ...x }) })

describe('vault.health', () => {
  it('passes an active node', async () => {
    expect((await runCheck(check, { vault: h({}) })).status).toBe('pass')
  })
  it.each<[string, Partial<HealthInfo>, string]>([
    ['uninitialized', { initialized: false, sealed: true }, 'fail'],
    ['sealed', { sealed: true, standby: true }, 'fail'],
    ['dr-secondary', { drSecondary: true }, 'fail'],
    ['standby', { standby: true }, 'warn'],
  ])('reports %s', async (key, x, status) => {
    const r = await runCheck(check, { vault: h(x) })
    expect(findingKeys(r)).toEqual([key])
    expect(r.status).toBe(status)
  })
  it('turns a timeout into unreachable and a foreign answer into not-vault', async () => {
    const t = await runCheck(check, {
      vault: fakeVault({ health: () => Promise.reject(vaultError('timeout', 'no answer')) }),
    })
    expect(findingKeys(t)).toEqual(['unreachable'])
    const n = await runCheck(check, {
      vault: fakeVault({ health: () => Promise.reject(vaultError('unexpected', 'no initialized field')) }),
    })
    expect(findingKeys(n)).toEqual(['not-vault'])
  })
})
