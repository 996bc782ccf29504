import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
import type { HealthInfo } from '../../providers/vault/api.js'
import check from './health.js'

const ok: HealthInfo = {
  initialized: true,
  sealed: false,
  standby: false,
  performanceStandby: false,
  drSecondary: false,
  version: '1.18.1',
}
const h = (x: Partial<HealthInfo>) => fakeVault({ health: async () => ({ ...ok, ...x }) })
const fails = (e: Error) => fakeVault({ health: () => Promise.reject(e) })

describe('vault.health', () => {
  it('passes an active node', async () => {
    expect((await runCheck(check, { vault: h({}) })).status).toBe('pass')
  })
  it.each<[string, Partial<HealthInfo>, string, string[]]>([
    ['uninitialized', { initialized: false, sealed: true }, 'fail', ['vault.initialize']],
    ['sealed', { sealed: true, standby: true }, 'fail', ['vault.unseal']],
    ['dr-secondary', { drSecondary: true }, 'fail', ['vault.route-to-active']],
    ['standby', { standby: true }, 'warn', ['vault.route-to-active']],
  ])('reports %s', async (key, x, status, remedies) => {
    const r = await runCheck(check, { vault: h(x) })
    expect(findingKeys(r)).toEqual([key])
    expect(r.status).toBe(status)
    expect(remedyIds(r)).toEqual(remedies)
  })
  it.each<[string, Error, string[], string]>([
    [
      'unreachable',
      vaultFault('no-answer', 'GET sys/health: no answer from vault.example.com:8200 within 4s (timeout)'),
      ['vault.network-reach', 'latency.retry-backoff'],
      'cannot reach Vault: GET sys/health: no answer from vault.example.com:8200 within 4s (timeout)',
    ],
    [
      'unreachable',
      vaultFault(
        'reset',
        'GET sys/health: vault.example.com:8200 closed the connection before the answer was complete (ECONNRESET)',
      ),
      ['vault.network-reach', 'latency.retry-backoff'],
      'cannot reach Vault: GET sys/health: vault.example.com:8200 closed the connection before the answer was complete (ECONNRESET)',
    ],
    [
      'not-vault',
      vaultFault(
        'not-the-service',
        'GET sys/health: vault.example.com:8200 answered HTTP 502 (text/html), not Vault',
        {
          status: 502,
        },
      ),
      ['vault.fix-address', 'vault.network-reach'],
      'what answers at https://vault.example.com:8200 is not Vault: GET sys/health: vault.example.com:8200 answered HTTP 502 (text/html), not Vault',
    ],
    [
      'redirect',
      vaultFault(
        'redirect',
        'GET sys/health: vault.example.com:8200 redirected (HTTP 307) to another host, vault-2:8200; the doctor sends no credentials there',
      ),
      ['vault.fix-address', 'vault.route-to-active'],
      'Vault sends the doctor elsewhere: GET sys/health: vault.example.com:8200 redirected (HTTP 307) to another host, vault-2:8200; the doctor sends no credentials there',
    ],
    [
      'server-error',
      vaultError('throttled', 'GET sys/health: HTTP 429 rate limit quota exceeded (Retry-After 7)', {
        status: 429,
        retryAfter: '7',
      }),
      ['latency.retry-backoff', 'vault.route-to-active'],
      'Vault answered sys/health with an error: GET sys/health: HTTP 429 rate limit quota exceeded (Retry-After 7)',
    ],
  ])('turns %s into its finding', async (key, e, remedies, summary) => {
    const r = await runCheck(check, { vault: fails(e) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies)
    expect(r.summary).toBe(summary)
  })
  it('leaves an error without an HTTP status or network fault to the runner', async () => {
    const r = await runCheck(check, { vault: fails(vaultError('unexpected', 'odd')) })
    expect(r.status).toBe('error')
  })
})
