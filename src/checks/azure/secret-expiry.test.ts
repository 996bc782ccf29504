import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { azureError, fakeAzure, type FakeAzure } from '../../../test/fixtures/azure/fake-api.js'
import check from './secret-expiry.js'

const NOW = new Date('2026-11-27T10:00:00Z')
const DAY = 86_400_000
const at = (days: number) => new Date(NOW.getTime() + days * DAY)
const run = (f: FakeAzure, names = ['a']) =>
  runCheck(check, {
    config: {
      azure: {
        vaultUrl: 'https://expanso-secrets.vault.azure.net',
        secrets: names.map((name) => ({ name })),
      },
    },
    azure: fakeAzure(f),
    now: NOW,
  })

describe('azure.secret-expiry', () => {
  it('passes when every secret expires after certMinValidity (default 14d)', async () => {
    const r = await run({ secrets: { a: { expiresOn: at(60) } } })
    expect(r.status).toBe('pass')
    expect(r.details?.[0]).toContain('a: expires 2027-01-26')
  })

  it('fails an expired secret, which Key Vault still serves', async () => {
    const r = await run({ secrets: { a: { expiresOn: at(-2) } } })
    expect([r.status, ...findingKeys(r)]).toEqual(['fail', 'expired'])
    expect(r.symptom).toBe('stale-secrets')
    expect(remedyIds(r)).toEqual(['azure.set-expiry', 'bp.rotation', 'refresh.monitor-rotation'])
    expect(r.remedies[0]?.commands).toContain(
      'az keyvault secret set-attributes --vault-name expanso-secrets --name a --expires <YYYY-MM-DDThh:mm:ssZ>',
    )
  })

  it('warns about a secret expiring within certMinValidity', async () => {
    const r = await run({ secrets: { a: { expiresOn: at(3) } } })
    expect([r.status, ...findingKeys(r)]).toEqual(['warn', 'expiring-soon'])
    expect(r.summary).toBe('expire within 14d: a')
    expect(remedyIds(r)).toEqual(['azure.set-expiry', 'bp.rotation', 'bp.monitor-access'])
  })

  it('warns about a secret that is not active yet, and about one without expiry', async () => {
    const r = await run({ secrets: { a: { notBefore: at(1), expiresOn: at(90) }, b: {} } }, ['a', 'b'])
    expect(findingKeys(r)).toEqual(['not-yet-valid', 'no-expiry'])
    expect(r.status).toBe('warn')
    expect(remedyIds(r)).toEqual([
      'auth.confirm-secret-paths',
      'azure.set-expiry',
      'bp.rotation',
      'bp.short-lived-credentials',
    ])
  })

  it('leaves unreadable secrets to azure.secret-access and skips when none is readable', async () => {
    const r = await run({ secrets: { a: azureError('denied', 'x', { innerCode: 'ForbiddenByRbac' }) } })
    expect(r.skipReason).toBe('not-applicable')
    const mixed = await run({ secrets: { a: azureError('not-found', 'x'), b: { expiresOn: at(30) } } }, [
      'a',
      'b',
    ])
    expect(mixed.status).toBe('pass')
  })
})
