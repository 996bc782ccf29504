import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import check from './path-layout.js'

const refs =
  (...paths: string[]) =>
  async () => ({
    refs: paths.map((path) => ({ path, keys: [], source: 'config' as const })),
    unreadableTemplates: [],
  })

describe('vault.path-layout', () => {
  it('passes paths under the environment', async () => {
    expect((await runCheck(check, { vault: fakeVault(), config: { environment: 'prod' } })).status).toBe(
      'pass',
    )
  })
  it('skips without an environment', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).skipReason).toBe('not-applicable')
  })
  it('fails on another environment and warns on none', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        secretRefs: refs('secret/data/expanso/staging/pipeline', 'secret/data/expanso/pipeline'),
      }),
      config: { environment: 'prod' },
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['other-environment', 'no-environment'])
    expect(remedyIds(r)).toEqual(['bp.namespaced-paths', 'auth.confirm-secret-paths'])
  })
})
