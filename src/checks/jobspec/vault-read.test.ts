import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { at, fakeJobspec, setup, type FakeJobspecOptions } from '../../../test/fixtures/jobspec/fake.js'
import type { SecretShape, VaultApi } from '../../providers/jobspec/api.js'
import check from './vault-read.js'

/** Only corp_vault (which serves KAFKA_PASSWORD at kv/kafka/prod) answers differently. */
const corp = (over: Partial<VaultApi>): FakeJobspecOptions => ({
  vault: (t) => (t.entry === 'secret_providers.corp_vault' ? over : {}),
})
const shape = (s: SecretShape) => corp({ readSecret: async () => s })
const ok = (keys: Record<string, 'set' | 'empty' | 'null' | 'no-value'>, lease = 0): SecretShape => ({
  state: 'ok',
  keys,
  version: 2,
  leaseDurationSec: lease,
  renewable: lease > 0,
  leased: lease > 0,
})
const run = (o: FakeJobspecOptions = {}, s = setup()) => runCheck(check, { jobspec: fakeJobspec(o), ...s })

describe('jobspec.vault-read', () => {
  it('reads mount + data/ + secret_path on KV v2 and finds every field set', async () => {
    const paths: string[] = []
    const r = await run({
      vault: () => ({
        readSecret: async (p) => {
          paths.push(p)
          return ok({ password: 'set', api_token: 'set' })
        },
      }),
    })
    expect(r.status).toBe('pass')
    expect(paths.sort()).toEqual(['kv/data/kafka/prod', 'secret/data/expanso/prod/pipeline'])
    expect(r.details).toEqual([
      'secrets.API_TOKEN: secret/data/expanso/prod/pipeline#api_token (version 2)',
      'secrets.KAFKA_PASSWORD: kv/data/kafka/prod#password (version 2)',
    ])
  })

  it('reads a KV v1 mount without data/', async () => {
    const paths: string[] = []
    await run(
      corp({
        mountInfo: async () => ({ mount: 'kv/', type: 'kv', kvVersion: 1 }),
        readSecret: async (p) => (paths.push(p), ok({ password: 'set' })),
      }),
    )
    expect(paths).toEqual(['kv/kafka/prod'])
  })

  it.each<[string, FakeJobspecOptions, string, string[]]>([
    [
      'a policy without the path',
      corp({ capabilities: async (ps) => Object.fromEntries(ps.map((p) => [p, ['deny']])) }),
      'no-read',
      ['vault.grant-read', 'auth.confirm-secret-paths'],
    ],
    [
      'a path with no secret',
      shape({ state: 'not-found' }),
      'not-found',
      ['auth.confirm-secret-paths', 'jobspec.fix-secret-entry'],
    ],
    [
      'a deleted current version',
      shape({ state: 'deleted', version: 4 }),
      'deleted',
      ['vault.undelete-secret', 'auth.confirm-secret-paths'],
    ],
    [
      'a field the secret does not have',
      shape(ok({ username: 'set', passwd: 'set' })),
      'field-missing',
      ['jobspec.fix-secret-entry', 'auth.confirm-secret-paths'],
    ],
    [
      'an empty field',
      shape(ok({ password: 'empty' })),
      'field-empty',
      ['auth.confirm-secret-paths', 'refresh.monitor-rotation'],
    ],
    [
      'a lease shorter than the refresh',
      shape(ok({ password: 'set' }, 600)),
      'lease-shorter',
      ['refresh.check-interval', 'jobspec.set-refresh'],
    ],
    [
      'a database mount',
      corp({ mountInfo: async () => ({ mount: 'kv/', type: 'database' }) }),
      'not-kv',
      ['jobspec.unconfirmed-format', 'auth.confirm-secret-paths'],
    ],
  ])('%s', async (_name, o, key, remedies) => {
    const r = await run(o)
    expect(findingKeys(r)).toEqual([key])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['secrets.KAFKA_PASSWORD'])
    expect(r.findings?.[0]?.location?.line).toBe(34)
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('says which fields the secret has (names only) and fills the policy to grant', async () => {
    const missing = await run(shape(ok({ username: 'set', passwd: 'set' })))
    expect(missing.findings?.[0]?.items?.[0]?.detail).toBe(
      'kv/data/kafka/prod has no field password (fields: username, passwd)',
    )
    const denied = await run(
      corp({ capabilities: async (ps) => Object.fromEntries(ps.map((p) => [p, ['list']])) }),
    )
    expect(denied.findings?.[0]?.items?.[0]?.detail).toBe(
      'no read on kv/data/kafka/prod (capabilities: list; policies: default, expanso-edge)',
    )
    expect(denied.remedies.find((x) => x.id === 'vault.grant-read')?.commands).toEqual([
      'path "kv/data/kafka/prod" { capabilities = ["read"] }',
    ])
  })

  it('a token that cannot see the mount: the readable layout is tried, else the KV v2 one is named', async () => {
    const r = await run(
      corp({
        mountInfo: async () => undefined,
        capabilities: async (ps) =>
          Object.fromEntries(ps.map((p) => [p, p === 'kv/kafka/prod' ? ['read'] : ['deny']])),
        readSecret: async (p) => (p === 'kv/kafka/prod' ? ok({ password: 'set' }) : { state: 'not-found' }),
      }),
    )
    expect(r.status).toBe('pass')
    const denied = await run(
      corp({
        mountInfo: async () => undefined,
        capabilities: async (ps) => Object.fromEntries(ps.map((p) => [p, ['deny']])),
      }),
    )
    expect(denied.findings?.[0]?.items?.[0]?.detail).toMatch(/^no read on kv\/data\/kafka\/prod /)
  })

  it('a read Vault denies despite the capabilities is no-read, with its words', async () => {
    const r = await run(shape({ state: 'denied', message: 'permission denied', invalidToken: false }))
    expect(findingKeys(r)).toEqual(['no-read'])
    expect(r.findings?.[0]?.items?.[0]?.detail).toBe('kv/data/kafka/prod: permission denied')
  })

  it('names a secret_path that carries data/ itself on KV v2', async () => {
    const s = setup({
      change: (spec) => (at(spec, 'secrets', 'KAFKA_PASSWORD').secret_path = 'data/kafka/prod'),
    })
    const r = await run({}, s)
    expect(findingKeys(r)).toEqual(['data-prefix'])
    expect(remedyIds(r)).toEqual(['vault.kv2-data-path', 'jobspec.unconfirmed-format'])
  })

  it('skips when no secret is served by a usable Vault entry', async () => {
    const s = setup({ change: (spec) => delete spec.secrets })
    expect((await run({}, s)).skipReason).toBe('not-applicable')
  })
})
