import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, SECRET } from '../../../test/fixtures/vault/fake-api.js'
import check from './capabilities.js'

describe('vault.capabilities', () => {
  it('passes with read on every path', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).status).toBe('pass')
  })
  it('fails without read and lists the policies', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ capabilities: async (ps) => Object.fromEntries(ps.map((p) => [p, ['deny']])) }),
    })
    expect(findingKeys(r)).toEqual(['no-read'])
    expect(r.details?.[0]).toBe('token policies: default, expanso-edge')
    expect(remedyIds(r)).toEqual(['vault.grant-read', 'auth.confirm-secret-paths', 'auth.verify-iam'])
    expect(r.remedies.find((x) => x.id === 'auth.verify-iam')?.commands).toEqual([
      'vault policy read expanso-edge',
    ])
  })
  it('names a policy written for the CLI path', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        capabilities: async (ps) =>
          Object.fromEntries(ps.map((p) => [p, p === SECRET ? ['deny'] : ['read']])),
      }),
    })
    expect(findingKeys(r)).toEqual(['cli-path-policy'])
    expect(remedyIds(r)).toEqual(['vault.grant-read', 'auth.confirm-secret-paths'])
    expect(r.summary).toContain('secret/expanso/prod/pipeline')
  })
  it('skips without paths', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ secretRefs: async () => ({ refs: [], unreadableTemplates: [] }) }),
    })
    expect(r.skipReason).toBe('not-applicable')
  })
})
