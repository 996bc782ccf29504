import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import type { TlsInfo } from '../../providers/vault/provider.js'
import check from './tls.js'

const DAY = 86_400_000
const base: TlsInfo = {
  scheme: 'https',
  authorized: true,
  subject: 'CN=vault',
  issuer: 'CN=ca',
  validFrom: new Date(Date.now() - DAY),
  validTo: new Date(Date.now() + 90 * DAY),
  trust: 'system roots',
  skipVerify: false,
}
const withTls = (t: Partial<TlsInfo>) => fakeVault({ tlsInfo: async () => ({ ...base, ...t }) })

describe('vault.tls', () => {
  it('passes a trusted, valid certificate', async () => {
    expect((await runCheck(check, { vault: withTls({}) })).status).toBe('pass')
  })
  it('passes plain HTTP (vault.address owns that warning)', async () => {
    expect((await runCheck(check, { vault: withTls({ scheme: 'http' }) })).status).toBe('pass')
  })
  it.each<[string, Partial<TlsInfo>]>([
    ['unknown-authority', { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }],
    [
      'hostname-mismatch',
      {
        authorized: false,
        hostnameError: "Hostname/IP does not match certificate's altnames",
        altNames: 'DNS:other',
      },
    ],
    [
      'expired',
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', validTo: new Date(Date.now() - 2 * DAY) },
    ],
    ['not-yet-valid', { authorized: false, authorizationError: 'CERT_NOT_YET_VALID' }],
    ['expiring', { validTo: new Date(Date.now() + 3 * DAY) }],
    [
      'ca-unreadable',
      {
        caError: 'cannot read CA file /x',
        authorized: false,
        authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    ],
  ])('reports %s', async (key, t) => {
    const r = await runCheck(check, { vault: withTls(t) })
    expect(findingKeys(r)).toEqual([key])
    expect(r.details?.join('\n')).toContain('subject: CN=vault')
  })
  it('warns when verification is off, naming what it would find', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        tlsInfo: async () => ({
          ...base,
          skipVerify: true,
          authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        }),
        settings: async () => ({
          address: 'https://v:8200',
          skipVerify: true,
          skipVerifySource: 'env',
          auth: { method: 'token', methodSource: 'env', mount: 'token' },
        }),
      }),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['skip-verify'])
    expect(remedyIds(r)).toContain('vault.no-skip-verify')
    expect(r.summary).toContain('VAULT_SKIP_VERIFY')
  })
})
