import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
import type { TlsInfo } from '../../providers/vault/api.js'
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
  it.each<[string, Partial<TlsInfo>, string[]]>([
    [
      'unknown-authority',
      { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      ['vault.trust-ca'],
    ],
    [
      'hostname-mismatch',
      {
        authorized: false,
        hostnameError: "Hostname/IP does not match certificate's altnames",
        altNames: 'DNS:other',
      },
      ['vault.fix-cert-hostname'],
    ],
    [
      'expired',
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', validTo: new Date(Date.now() - 2 * DAY) },
      ['vault.renew-certificate'],
    ],
    [
      'not-yet-valid',
      { authorized: false, authorizationError: 'CERT_NOT_YET_VALID' },
      ['vault.renew-certificate'],
    ],
    ['expiring', { validTo: new Date(Date.now() + 3 * DAY) }, ['vault.renew-certificate']],
    [
      'ca-unreadable',
      {
        caError: 'the CA file /x (from VAULT_CACERT) holds no PEM certificate',
        authorized: false,
        authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
      ['vault.trust-ca'],
    ],
  ])('reports %s', async (key, t, remedies) => {
    const r = await runCheck(check, { vault: withTls(t) })
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies)
    expect(r.details?.join('\n')).toContain('subject: CN=vault')
  })
  it('fails a handshake that never completes, in the classifier words', async () => {
    const reason =
      'TLS handshake: vault.example.com:8200 accepted the connection but did not complete the TLS handshake within 4s'
    const r = await runCheck(check, {
      vault: fakeVault({ tlsInfo: () => Promise.reject(vaultFault('tls-handshake', reason)) }),
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['no-handshake'])
    expect(remedyIds(r)).toEqual(['vault.network-reach', 'vault.fix-address'])
    expect(r.summary).toBe(`no TLS session with Vault: ${reason}`)
  })
  it('leaves an error that is not a network fault to the runner', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ tlsInfo: () => Promise.reject(vaultError('unexpected', 'odd')) }),
    })
    expect(r.status).toBe('error')
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
