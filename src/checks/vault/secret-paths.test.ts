import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import type { SecretShape } from '../../providers/vault/api.js'
import check from './secret-paths.js'

const refs = (path: string) => async () => ({
  refs: [{ path, keys: ['a'], source: 'config' as const }],
  unreadableTemplates: [],
})
const read = (s: SecretShape) => fakeVault({ readSecret: async () => s })

describe('vault.secret-paths', () => {
  it('passes an existing KV v2 path', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).status).toBe('pass')
  })
  it('names the corrected path for KV v2 without data/', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ secretRefs: refs('secret/expanso/prod/pipeline') }),
    })
    expect(findingKeys(r)).toEqual(['kv2-missing-data'])
    expect(remedyIds(r)).toEqual(['vault.kv2-data-path', 'auth.confirm-secret-paths'])
    expect(r.summary).toContain('secret/data/expanso/prod/pipeline')
    expect(r.remedies.find((x) => x.id === 'auth.confirm-secret-paths')?.commands).toEqual([
      'vault kv get -mount=secret expanso/prod/pipeline',
    ])
  })
  it('names the corrected path for KV v1 given data/', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        secretRefs: refs('kv/data/app'),
        mountInfo: async () => ({ mount: 'kv/', type: 'kv', kvVersion: 1 }),
      }),
    })
    expect(findingKeys(r)).toEqual(['kv1-given-data'])
    expect(remedyIds(r)).toEqual(['vault.kv1-path', 'auth.confirm-secret-paths'])
    expect(r.summary).toContain('the path is kv/app')
  })
  it.each<[string, SecretShape, string[]]>([
    ['missing', { state: 'not-found' }, ['auth.confirm-secret-paths']],
    ['deleted', { state: 'deleted', version: 4 }, ['vault.undelete-secret', 'auth.confirm-secret-paths']],
    [
      'forbidden',
      { state: 'denied', message: 'permission denied', invalidToken: false },
      ['vault.grant-read', 'auth.verify-iam', 'auth.confirm-secret-paths'],
    ],
  ])('tells %s apart', async (key, s, remedies) => {
    const r = await runCheck(check, { vault: read(s) })
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies)
  })
  it('reports a mount the token cannot see', async () => {
    const r = await runCheck(check, { vault: fakeVault({ mountInfo: async () => undefined }) })
    expect(findingKeys(r)).toEqual(['mount-not-visible'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'auth.verify-iam'])
  })
  it('does not read dynamic engines', async () => {
    let reads = 0
    const r = await runCheck(check, {
      vault: fakeVault({
        mountInfo: async () => ({ mount: 'database/', type: 'database' }),
        readSecret: async () => {
          reads++
          return { state: 'not-found' }
        },
      }),
    })
    expect(r.status).toBe('pass')
    expect(reads).toBe(0)
  })
})
