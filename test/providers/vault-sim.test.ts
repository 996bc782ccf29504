// Wire fidelity of the Vault simulator against research/wire-protocols.md §1, with plain fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capabilitiesFor, healthyVaultState, startVaultSim, type VaultSim } from '../../src/sandbox/vault.js'

const ROOT = 'hvs.sim-root-token-000000001'
const APP = 'hvs.sim-app-token-0000000001'
let sim: VaultSim
beforeAll(async () => {
  sim = await startVaultSim(healthyVaultState({ rootToken: ROOT, appToken: APP }))
})
afterAll(() => sim.close())

const get = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${sim.url}/v1/${path}`, {
    ...init,
    headers: { ...(token ? { 'X-Vault-Token': token } : {}), ...init.headers },
  })

describe('vault simulator wire format', () => {
  it('answers sys/health with the real status codes and query overrides', async () => {
    const active = await get('sys/health')
    expect(active.status).toBe(200)
    expect(active.headers.get('cache-control')).toBe('no-store')
    const text = await active.text()
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.parse(text)).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      server_time_utc: expect.any(Number),
    })
    sim.state.standby = true
    expect((await get('sys/health')).status).toBe(429)
    expect((await get('sys/health?standbyok=true')).status).toBe(200)
    sim.state.standby = false
    sim.state.sealed = true
    expect((await get('sys/health')).status).toBe(503)
    expect((await get('sys/health?sealedcode=200')).status).toBe(200)
    expect((await get('sys/health', undefined, { method: 'HEAD' })).status).toBe(503)
    const sealed = await get('secret/data/expanso/prod/pipeline', ROOT)
    expect(sealed.status).toBe(503)
    expect(await sealed.json()).toEqual({ errors: ['Vault is sealed'] })
    expect(await (await get('sys/seal-status')).json()).toMatchObject({ sealed: true, type: 'shamir' })
    sim.state.sealed = false
    sim.state.initialized = false
    expect((await get('sys/health')).status).toBe(501)
    sim.state.initialized = true
    expect((await get('sys/health?activecode=abc')).status).toBe(400)
  })

  it('uses the exact error strings', async () => {
    const denied = await get('secret/data/expanso/prod/other', APP)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ errors: ['1 error occurred:\n\t* permission denied\n\n'] })
    const bad = await get('auth/token/lookup-self', 'hvs.nope-nope-nope-nope-nope')
    expect(await bad.json()).toEqual({
      errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'],
    })
    const noRoute = await get('nope/data/x', ROOT)
    expect(noRoute.status).toBe(404)
    expect(await noRoute.json()).toEqual({
      errors: ['no handler for route "nope/data/x". route entry not found.'],
    })
    const missing = await get('secret/data/expanso/prod/none', ROOT)
    expect(await missing.json()).toEqual({ errors: [] })
    const v1style = await get('secret/expanso/prod/pipeline', ROOT)
    expect(v1style.status).toBe(404)
    expect((await v1style.json()).warnings[0]).toMatch(/^Invalid path for a versioned K\/V secrets engine/)
    const pre = await get('sys/internal/ui/mounts/nope/x', APP)
    expect(await pre.json()).toEqual({
      errors: [
        'preflight capability check returned 403, please ensure client\'s policies grant access to path "nope/x/"',
      ],
    })
  })

  it('returns KV v1 and v2 envelopes, soft deletes and injected sys responses', async () => {
    const v2 = await (await get('secret/data/expanso/prod/pipeline', ROOT)).json()
    expect(v2).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      mount_type: 'kv',
      data: { metadata: { version: 3, deletion_time: '' } },
    })
    sim.state.secrets['kv/expanso/prod/x'] = { data: { a: 'b' } }
    expect(await (await get('kv/expanso/prod/x', ROOT)).json()).toMatchObject({
      lease_duration: 2764800,
      data: { a: 'b' },
    })
    expect((await get('kv/data/expanso/prod/x', ROOT)).status).toBe(404)
    const secret = sim.state.secrets['secret/expanso/prod/pipeline']
    if (secret) secret.deleted = true
    const del = await get('secret/data/expanso/prod/pipeline', ROOT)
    expect(del.status).toBe(404)
    expect((await del.json()).data).toMatchObject({ data: null, metadata: { version: 3 } })
    if (secret) secret.deleted = false
    const caps = await (
      await get('sys/capabilities-self', APP, {
        method: 'POST',
        body: JSON.stringify({ paths: ['secret/data/expanso/prod/pipeline'] }),
      })
    ).json()
    expect(caps).toMatchObject({
      capabilities: ['read'],
      'secret/data/expanso/prod/pipeline': ['read'],
      data: { capabilities: ['read'] },
    })
    sim.state.audit = {}
    const audit = await (await get('sys/audit', ROOT)).json()
    expect(audit.data).toEqual({})
    expect(Object.keys(audit)).not.toContain('file/')
  })

  it('decides capabilities like Vault ACLs (exact beats glob, longest prefix, + segments, deny wins)', () => {
    const s = healthyVaultState()
    s.policies.p = [
      { path: 'secret/data/*', capabilities: ['read'] },
      { path: 'secret/data/team/+/db', capabilities: ['read', 'list'] },
      { path: 'secret/data/locked', capabilities: ['deny'] },
      { path: 'secret/data/exact', capabilities: ['update'] },
    ]
    expect(capabilitiesFor(s, ['p'], 'secret/data/anything')).toEqual(['read'])
    expect(capabilitiesFor(s, ['p'], 'secret/data/team/a/db')).toEqual(['list', 'read'])
    expect(capabilitiesFor(s, ['p'], 'secret/data/locked')).toEqual(['deny'])
    expect(capabilitiesFor(s, ['p'], 'secret/data/exact')).toEqual(['update'])
    expect(capabilitiesFor(s, ['p'], 'kv/x')).toEqual(['deny'])
    expect(capabilitiesFor(s, ['root'], 'kv/x')).toEqual(['root'])
  })

  it('offsets the Date header with the clock knob', async () => {
    sim.knobs.clockOffsetMs = 10 * 60_000
    const r = await get('sys/health')
    sim.knobs.clockOffsetMs = 0
    const skew = new Date(r.headers.get('date') ?? '').getTime() - Date.now()
    expect(skew).toBeGreaterThan(9 * 60_000)
  })
})
