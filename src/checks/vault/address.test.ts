import { describe, expect, it } from 'vitest'
import { findingKeys, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError } from '../../../test/fixtures/vault/fake-api.js'
import check from './address.js'

describe('vault.address', () => {
  it('passes when the address accepts connections', async () => {
    const r = await runCheck(check, { vault: fakeVault() })
    expect(r.status).toBe('pass')
  })
  it('fails without any address', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        settings: async () => ({
          skipVerify: false,
          auth: { method: 'token', methodSource: 'default', mount: 'token' },
        }),
      }),
    })
    expect(findingKeys(r)).toEqual(['no-address'])
  })
  it.each([
    ['dns', vaultError('dns', 'cannot resolve', { code: 'ENOTFOUND' })],
    ['refused', vaultError('refused', 'connection refused')],
    ['unreachable', vaultError('timeout', 'no TCP answer')],
    ['invalid', vaultError('invalid', 'not a URL')],
  ])('turns %s into its finding', async (key, err) => {
    const r = await runCheck(check, { vault: fakeVault({ probeAddress: async () => Promise.reject(err) }) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
  })
  it('warns about plain HTTP to a remote host', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        probeAddress: async () => ({
          url: 'http://vault.example.com:8200',
          scheme: 'http',
          host: 'vault.example.com',
          port: 8200,
          addresses: ['10.0.0.5'],
          connectMs: 1,
        }),
      }),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['plaintext'])
  })
})
