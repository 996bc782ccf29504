import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import type { TokenInfo } from '../../providers/vault/api.js'
import check from './token-ttl.js'

const tok = (t: Partial<TokenInfo>, source = 'VAULT_TOKEN') =>
  fakeVault({
    tokenSelf: async () => ({
      displayName: 't',
      policies: ['default', 'p'],
      identityPolicies: [],
      ttlSec: 3600,
      creationTtlSec: 3600,
      renewable: true,
      ...t,
    }),
    login: async () => ({ method: 'token', source }),
  })

describe('vault.token-ttl', () => {
  it('passes a renewable token with time left', async () => {
    const r = await runCheck(check, { vault: tok({}) })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('policies default, p')
  })
  it('warns below tokenMinTtl', async () => {
    const r = await runCheck(check, {
      vault: tok({ ttlSec: 120 }),
      config: { thresholds: { tokenMinTtl: '10m' } },
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['expiring-soon'])
    expect(remedyIds(r)).toEqual(['vault.renew-token'])
  })
  it('warns about a static non-renewable token, not about an agent-managed one', async () => {
    const r = await runCheck(check, { vault: tok({ renewable: false }) })
    expect(findingKeys(r)).toEqual(['not-renewable'])
    expect(remedyIds(r)).toEqual(['vault.renew-token'])
    expect((await runCheck(check, { vault: tok({ renewable: false }, 'agent sink /x') })).status).toBe('pass')
  })
  it('warns about a token that never expires', async () => {
    const r = await runCheck(check, { vault: tok({ ttlSec: 0, policies: ['root'], renewable: false }) })
    expect(findingKeys(r)).toEqual(['never-expires'])
    expect(remedyIds(r)).toEqual(['bp.short-lived-credentials', 'bp.least-privilege'])
  })
  it("fails when the agent's sink token is dead, warns when it runs low", async () => {
    const dead = await runCheck(check, {
      vault: {
        ...tok({}),
        agentToken: async () => ({ path: '/etc/expanso/secrets.env', state: 'invalid' as const }),
      },
    })
    expect(dead.status).toBe('fail')
    expect(findingKeys(dead)).toEqual(['agent-token-invalid'])
    expect(remedyIds(dead)).toEqual(['refresh.verify-restarts', 'vault.renew-token'])
    const low = await runCheck(check, {
      vault: {
        ...tok({}),
        agentToken: async () => ({
          path: '/etc/expanso/secrets.env',
          state: 'ok' as const,
          info: {
            displayName: 'a',
            policies: [],
            identityPolicies: [],
            ttlSec: 60,
            creationTtlSec: 3600,
            renewable: true,
            expireTime: '2026-11-28T00:00:00Z',
          },
        }),
      },
    })
    expect(findingKeys(low)).toEqual(['agent-token-expiring'])
    expect(remedyIds(low)).toEqual(['refresh.verify-restarts', 'vault.renew-token'])
  })
})
