import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
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
    expect(remedyIds(r)).toEqual(['vault.fix-address'])
  })
  it.each([
    [
      'dns',
      vaultFault('dns', 'connect: cannot resolve vault.example.com (ENOTFOUND)', { code: 'ENOTFOUND' }),
      ['vault.network-reach', 'vault.fix-address'],
      'cannot reach Vault: connect: cannot resolve vault.example.com (ENOTFOUND)',
    ],
    [
      'refused',
      vaultFault('refused', 'connect: vault.example.com:8200 refused the connection (ECONNREFUSED)'),
      ['vault.fix-address', 'vault.network-reach'],
      'cannot reach Vault: connect: vault.example.com:8200 refused the connection (ECONNREFUSED); nothing listens there',
    ],
    [
      'unreachable',
      vaultFault('no-answer', 'connect: no answer from vault.example.com:8200 within 4s (timeout)'),
      ['vault.network-reach'],
      'cannot reach Vault: connect: no answer from vault.example.com:8200 within 4s (timeout)',
    ],
    [
      'unreachable',
      vaultFault('unreachable', 'connect: no route to vault.example.com:8200 (EHOSTUNREACH)'),
      ['vault.network-reach'],
      'cannot reach Vault: connect: no route to vault.example.com:8200 (EHOSTUNREACH)',
    ],
    [
      'invalid',
      vaultError('invalid', 'not a URL: vault'),
      ['vault.fix-address'],
      'the Vault address is not usable: not a URL: vault',
    ],
  ])('turns %s into its finding, in the classifier words', async (key, err, remedies, summary) => {
    const r = await runCheck(check, { vault: fakeVault({ probeAddress: async () => Promise.reject(err) }) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies)
    expect(r.summary).toBe(summary)
  })
  it('leaves an error that is not a network fault to the runner', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ probeAddress: async () => Promise.reject(vaultError('unexpected', 'odd')) }),
    })
    expect(r.status).toBe('error')
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
    expect(remedyIds(r)).toEqual(['vault.fix-address'])
  })
})
