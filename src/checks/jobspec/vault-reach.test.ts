import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { at, CA, fakeJobspec, setup, type FakeJobspecOptions } from '../../../test/fixtures/jobspec/fake.js'
import { vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
import type { TlsInfo } from '../../providers/jobspec/api.js'
import check from './vault-reach.js'

const DAY = 86_400_000
const tls = (over: Partial<TlsInfo>): TlsInfo => ({
  scheme: 'https',
  authorized: true,
  validFrom: new Date(Date.now() - DAY),
  validTo: new Date(Date.now() + 90 * DAY),
  trust: `${CA} (jobspec)`,
  skipVerify: false,
  ...over,
})

/** Only corp_vault (the AppRole entry) answers badly. */
const corp = (over: ReturnType<NonNullable<FakeJobspecOptions['vault']>>): FakeJobspecOptions => ({
  vault: (t) => (t.entry === 'secret_providers.corp_vault' ? over : {}),
})

const run = (o: FakeJobspecOptions = {}, s = setup()) => runCheck(check, { jobspec: fakeJobspec(o), ...s })

describe('jobspec.vault-reach', () => {
  it("probes each entry with its own address and CA, none of the doctor's Vault settings", async () => {
    const api = fakeJobspec()
    const r = await runCheck(check, { jobspec: api, ...setup() })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('2 Vaults reachable, trusted and active')
    expect(api.targets.map((t) => [t.entry, t.address, t.caCert, t.login])).toEqual([
      ['secret_providers.corp_vault', 'https://vault.internal:8200', CA, 'approle'],
      ['secret_providers.ci_vault', 'https://vault.internal:8200', undefined, 'jwt'],
    ])
  })

  it.each<[string, FakeJobspecOptions, string, string[]]>([
    [
      'a refused connection',
      corp({
        probeAddress: () =>
          Promise.reject(vaultFault('refused', 'connect: 10.0.0.5:8200 refused the connection')),
      }),
      'unreachable',
      ['vault.network-reach', 'vault.fix-address'],
    ],
    [
      'a proxy page instead of Vault',
      corp({
        health: () =>
          Promise.reject(
            vaultFault('not-the-service', 'GET sys/health: answered HTTP 502 (text/html), not Vault'),
          ),
      }),
      'not-vault',
      ['vault.fix-address', 'vault.network-reach'],
    ],
    [
      'a certificate from another CA',
      corp({
        tlsInfo: async () =>
          tls({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      }),
      'tls-untrusted',
      ['vault.trust-ca'],
    ],
    [
      'a certificate for another host',
      corp({
        tlsInfo: async () =>
          tls({ authorized: false, hostnameError: 'mismatch', altNames: 'DNS:vault.other' }),
      }),
      'tls-hostname',
      ['vault.fix-cert-hostname'],
    ],
    [
      'an expired certificate',
      corp({
        tlsInfo: async () =>
          tls({
            authorized: false,
            authorizationError: 'CERT_HAS_EXPIRED',
            validTo: new Date(Date.now() - DAY),
          }),
      }),
      'tls-expired',
      ['vault.renew-certificate'],
    ],
    [
      'a certificate expiring within certMinValidity',
      corp({ tlsInfo: async () => tls({ validTo: new Date(Date.now() + 3 * DAY) }) }),
      'tls-expiring',
      ['vault.renew-certificate'],
    ],
    [
      'a CA file that holds no certificate',
      corp({
        tlsInfo: async () =>
          tls({
            caError: `the CA file ${CA} (from tls.ca_cert in the pipeline JobSpec) holds no PEM certificate`,
          }),
      }),
      'tls-files',
      ['vault.trust-ca', 'jobspec.pair-client-cert'],
    ],
    [
      'a sealed Vault',
      corp({
        health: async () => ({
          initialized: true,
          sealed: true,
          standby: false,
          performanceStandby: false,
          drSecondary: false,
        }),
      }),
      'sealed',
      ['vault.unseal'],
    ],
    [
      'a DR secondary',
      corp({
        health: async () => ({
          initialized: true,
          sealed: false,
          standby: false,
          performanceStandby: false,
          drSecondary: true,
        }),
      }),
      'not-serving',
      ['vault.initialize', 'vault.route-to-active'],
    ],
    [
      'a standby',
      corp({
        health: async () => ({
          initialized: true,
          sealed: false,
          standby: true,
          performanceStandby: true,
          drSecondary: false,
        }),
      }),
      'standby',
      ['vault.route-to-active'],
    ],
  ])('%s', async (_name, o, key, remedies) => {
    const r = await run(o)
    expect(findingKeys(r)).toEqual([key])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['secret_providers.corp_vault'])
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('an uninitialized Vault serves nothing, and a 429 from Vault is named as not serving sys/health', async () => {
    const r = await run({
      vault: (t) =>
        t.entry === 'secret_providers.corp_vault'
          ? {
              health: async () => ({
                initialized: false,
                sealed: true,
                standby: false,
                performanceStandby: false,
                drSecondary: false,
              }),
            }
          : {
              health: () =>
                Promise.reject(
                  vaultError('throttled', 'GET sys/health: HTTP 429 rate limit quota exceeded', {
                    status: 429,
                  }),
                ),
            },
    })
    expect(findingKeys(r)).toEqual(['not-serving', 'not-vault'])
  })

  it('with skip_verify the agent accepts any certificate: only jobspec.providers warns', async () => {
    const s = setup({
      change: (spec) => (at(spec, 'secret_providers', 'corp_vault').tls = { skip_verify: true }),
    })
    const r = await run(
      corp({
        tlsInfo: async () =>
          tls({ authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN', skipVerify: true }),
      }),
      s,
    )
    expect(r.status).toBe('pass')
  })

  it('leaves an entry the file shows to be broken to jobspec.providers', async () => {
    const s = setup({ change: (spec) => delete at(spec, 'secret_providers', 'corp_vault').address })
    const api = fakeJobspec()
    const r = await runCheck(check, { jobspec: api, ...s })
    expect(r.status).toBe('pass')
    expect(api.targets.map((t) => t.entry)).toEqual(['secret_providers.ci_vault'])
  })

  it('skips when no Vault entry is in use', async () => {
    const s = setup({ change: (spec) => delete spec.secret_providers })
    const r = await run({}, s)
    expect(r.skipReason).toBe('not-applicable')
  })

  it('lets an unexpected error through to the runner', async () => {
    const r = await run(corp({ health: () => Promise.reject(new Error('boom')) }))
    expect(r.status).toBe('error')
  })
})
