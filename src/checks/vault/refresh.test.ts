import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import { readAgentConfig } from '../../providers/vault/agent-config.js'
import check from './refresh.js'
import { example } from '../../../test/helpers/examples.js'

const EXAMPLE = example('vault-agent/vault-agent.hcl')

describe('vault.refresh', () => {
  it('passes the default 5m render interval against 90m', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ agent: async () => ({ status: 'ok', config: await readAgentConfig(EXAMPLE) }) }),
      config: { pipeline: { maxStaleness: '90m' } },
    })
    expect(r.status).toBe('pass')
  })
  it('warns when the render interval exceeds maxStaleness', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        agent: async () => ({
          status: 'ok',
          config: { ...(await readAgentConfig(EXAMPLE)), staticSecretRenderIntervalMs: 7_200_000 },
        }),
      }),
      config: { pipeline: { maxStaleness: '90m' } },
    })
    expect(findingKeys(r)).toEqual(['render-interval'])
    expect(remedyIds(r)).toEqual(['refresh.check-interval', 'vault.render-interval'])
    expect(r.symptom).toBe('stale-secrets')
  })
  it('warns about a KV v1 lease longer than maxStaleness', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        readSecret: async () => ({
          state: 'ok',
          keys: {},
          leaseDurationSec: 2_764_800,
          renewable: false,
          leased: false,
        }),
      }),
      config: { pipeline: { maxStaleness: '24h' } },
    })
    expect(findingKeys(r)).toEqual(['lease-too-long'])
    expect(remedyIds(r)).toEqual(['refresh.check-interval', 'bp.short-lived-credentials'])
  })
  it('skips with nothing to refresh', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({ secretRefs: async () => ({ refs: [], unreadableTemplates: [] }) }),
    })
    expect(r.skipReason).toBe('not-applicable')
  })
})
