import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, SECRET } from '../../../test/fixtures/vault/fake-api.js'
import check from './secret-keys.js'

const templated = async () => ({
  refs: [
    {
      path: SECRET,
      keys: ['kafka_username', 'db_password'],
      source: 'template' as const,
      file: '/etc/vault/templates/pipeline.env.tpl',
      keyRefs: [
        { path: SECRET, key: 'kafka_username', line: 2 },
        { path: SECRET, key: 'db_password', line: 5 },
      ],
    },
  ],
  unreadableTemplates: [],
})

describe('vault.secret-keys', () => {
  it('passes when every key is set', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).status).toBe('pass')
  })
  it('reports a key a template uses but the secret lacks, with its template line', async () => {
    const r = await runCheck(check, { vault: fakeVault({ secretRefs: templated }) })
    expect(findingKeys(r)).toEqual(['key-missing'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'vault.error-on-missing-key'])
    expect(r.findings?.[0]?.items?.[0]).toMatchObject({
      name: `${SECRET}#db_password`,
      location: { file: '/etc/vault/templates/pipeline.env.tpl', line: 5 },
    })
  })
  it('reports empty and <no value> keys', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        readSecret: async () => ({
          state: 'ok',
          keys: { kafka_username: 'empty', kafka_password: 'no-value' },
          leaseDurationSec: 0,
          renewable: false,
          leased: false,
        }),
      }),
    })
    expect(findingKeys(r)).toEqual(['key-empty'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'refresh.monitor-rotation'])
    expect(r.findings?.[0]?.items).toHaveLength(2)
  })
  it('skips without keys', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        secretRefs: async () => ({
          refs: [{ path: SECRET, keys: [], source: 'config' }],
          unreadableTemplates: [],
        }),
      }),
    })
    expect(r.skipReason).toBe('not-applicable')
  })
})
