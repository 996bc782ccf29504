import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redact } from '../../src/core/redact.js'
import {
  healthyVaultState,
  isReadOnlyRequest,
  makeServiceAccountJwt,
  startVaultSim,
  type VaultSim,
} from '../../src/sandbox/vault.js'
import { vaultSession } from '../fixtures/vault/session.js'

const ROOT = 'hvs.root-token-canary-0001'
const APP = 'hvs.app-token-canary-00000001'
const CANARY = 'canary-secret-value-91c2'
const dir = mkdtempSync(join(tmpdir(), 'vault-provider-'))
let sim: VaultSim
let caFile: string

beforeAll(async () => {
  sim = await startVaultSim(
    healthyVaultState({
      rootToken: ROOT,
      appToken: APP,
      secretData: { kafka_username: 'u', kafka_password: CANARY, api_token: '', db_password: '<no value>' },
    }),
    { tls: 'valid' },
  )
  caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, sim.caPem ?? '')
})
afterAll(() => sim.close())

const cfg = (extra: Record<string, unknown> = {}) => ({
  vault: { address: sim.url, caCert: caFile, ...extra },
})

describe('vault provider over HTTPS against the simulator', () => {
  it('probes, verifies TLS and reads health', async () => {
    const { api, session } = vaultSession(cfg(), { env: { VAULT_TOKEN: APP } })
    expect((await api.probeAddress()).scheme).toBe('https')
    const tls = await api.tlsInfo()
    expect(tls).toMatchObject({ scheme: 'https', authorized: true })
    expect(tls.validTo!.getTime()).toBeGreaterThan(Date.now())
    expect(await api.health()).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      version: '1.18.1',
    })
    expect(session.recorder.clock[0]?.source).toBe('vault')
  })

  it('looks up the token, capabilities, mounts and key states without values', async () => {
    const { api, session } = vaultSession(cfg(), { env: { VAULT_TOKEN: APP } })
    const t = await api.tokenSelf()
    expect(t).toMatchObject({
      displayName: 'token-expanso-edge',
      renewable: true,
      policies: ['default', 'expanso-edge'],
    })
    expect(t.ttlSec).toBeGreaterThan(3000)
    expect(session.recorder.identities[0]).toMatchObject({
      provider: 'vault',
      principal: 'token-expanso-edge',
    })
    const caps = await api.capabilities(['secret/data/expanso/prod/pipeline', 'secret/data/other'])
    expect(caps).toEqual({ 'secret/data/expanso/prod/pipeline': ['read'], 'secret/data/other': ['deny'] })
    expect(await api.mountInfo('secret/expanso/prod/pipeline')).toEqual({
      mount: 'secret/',
      type: 'kv',
      kvVersion: 2,
    })
    expect(await api.mountInfo('kv/expanso/prod/x')).toEqual({ mount: 'kv/', type: 'kv', kvVersion: 1 })
    expect(await api.mountInfo('nope/x')).toBeUndefined()
    const s = await api.readSecret('secret/data/expanso/prod/pipeline')
    expect(s).toMatchObject({
      state: 'ok',
      version: 3,
      keys: { kafka_username: 'set', kafka_password: 'set', api_token: 'empty', db_password: 'no-value' },
    })
    expect(JSON.stringify(s)).not.toContain(CANARY)
    expect(redact(`leak ${CANARY} ${APP}`)).toBe('leak [REDACTED] [REDACTED]')
    expect(await api.readSecret('secret/data/expanso/prod/missing')).toEqual({
      state: 'denied',
      message: 'permission denied',
      invalidToken: false,
    })
  })

  it('tells a KV v2 path without data/ and a missing secret apart (root token)', async () => {
    const { api } = vaultSession(cfg(), { env: { VAULT_TOKEN: ROOT } })
    expect((await api.readSecret('secret/expanso/prod/pipeline')).state).toBe('kv2-path-without-data')
    expect(await api.readSecret('secret/data/expanso/prod/nothing')).toEqual({ state: 'not-found' })
    expect(await api.audits()).toEqual([{ path: 'file/', type: 'file' }])
  })

  it('reports an invalid token as unauthenticated', async () => {
    const { api } = vaultSession(cfg(), { env: { VAULT_TOKEN: 'hvs.not-a-real-token-000000000' } })
    await expect(api.tokenSelf()).rejects.toMatchObject({ kind: 'unauthenticated', facts: { status: 403 } })
  })

  it('denies sys/audit to a token without sudo', async () => {
    const { api } = vaultSession(cfg(), { env: { VAULT_TOKEN: APP } })
    await expect(api.audits()).rejects.toMatchObject({ kind: 'denied' })
  })

  it('logs in with kubernetes auth from the agent config and reports login errors', async () => {
    const jwt = join(dir, 'jwt')
    writeFileSync(jwt, makeServiceAccountJwt({ namespace: 'expanso-system', serviceAccount: 'expanso-edge' }))
    const hcl = join(dir, 'agent.hcl')
    writeFileSync(
      hcl,
      `auto_auth {\n  method "kubernetes" {\n    mount_path = "auth/kubernetes"\n    config = {\n      role = "expanso-edge"\n      token_path = "${jwt}"\n    }\n  }\n}\n`,
    )
    const { api } = vaultSession(cfg({ agentConfig: hcl }))
    expect(await api.login()).toMatchObject({
      method: 'kubernetes',
      mount: 'kubernetes',
      role: 'expanso-edge',
    })
    expect((await api.tokenSelf()).displayName).toBe('kubernetes-expanso-system-expanso-edge')

    const bad = vaultSession(cfg({ agentConfig: hcl, auth: { role: 'nope' } })).api
    await expect(bad.login()).rejects.toMatchObject({
      kind: 'invalid',
      facts: { status: 400, error: 'invalid role name "nope"' },
    })

    writeFileSync(jwt, makeServiceAccountJwt({ namespace: 'default', serviceAccount: 'expanso-edge' }))
    const ns = vaultSession(cfg({ agentConfig: hcl })).api
    await expect(ns.login()).rejects.toMatchObject({
      kind: 'denied',
      facts: { error: 'namespace not authorized' },
    })
  })

  it("looks up the agent's sink token separately from the doctor's own", async () => {
    const jwt = join(dir, 'jwt2')
    writeFileSync(jwt, makeServiceAccountJwt({ namespace: 'expanso-system', serviceAccount: 'expanso-edge' }))
    const sink = join(dir, 'sink-token')
    const hcl = join(dir, 'agent-sink.hcl')
    writeFileSync(
      hcl,
      `auto_auth {\n  method "kubernetes" {\n    config = {\n      role = "expanso-edge"\n      token_path = "${jwt}"\n    }\n  }\n  sink "file" {\n    config = {\n      path = "${sink}"\n    }\n  }\n}\n`,
    )
    writeFileSync(sink, `${APP}\n`)
    const ok = await vaultSession(cfg({ agentConfig: hcl })).api.agentToken()
    expect(ok).toMatchObject({ path: sink, state: 'ok', info: { displayName: 'token-expanso-edge' } })
    writeFileSync(sink, 'hvs.revoked-token-0000000000000\n')
    expect(await vaultSession(cfg({ agentConfig: hcl })).api.agentToken()).toEqual({
      path: sink,
      state: 'invalid',
    })
  })

  it('logs in with approle', async () => {
    sim.state.approle = {
      mount: 'approle',
      roles: {
        edge: {
          roleId: 'role-id-1',
          secretId: 'secret-id-canary-1',
          policies: ['expanso-edge'],
          ttlSec: 600,
        },
      },
    }
    writeFileSync(join(dir, 'role_id'), 'role-id-1\n')
    writeFileSync(join(dir, 'secret_id'), 'secret-id-canary-1\n')
    const { api } = vaultSession(
      cfg({
        auth: { method: 'approle', roleIdFile: join(dir, 'role_id'), secretIdFile: join(dir, 'secret_id') },
      }),
    )
    expect(await api.login()).toMatchObject({ method: 'approle' })
    expect((await api.tokenSelf()).ttlSec).toBeGreaterThan(500)
    writeFileSync(join(dir, 'secret_id'), 'wrong\n')
    const bad = vaultSession(
      cfg({
        auth: { method: 'approle', roleIdFile: join(dir, 'role_id'), secretIdFile: join(dir, 'secret_id') },
      }),
    ).api
    await expect(bad.login()).rejects.toMatchObject({ facts: { error: 'invalid role or secret ID' } })
  })

  it('sees a sealed Vault through sys/health', async () => {
    sim.state.sealed = true
    try {
      const { api } = vaultSession(cfg(), { env: { VAULT_TOKEN: APP } })
      expect(await api.health()).toMatchObject({ sealed: true })
      await expect(api.tokenSelf()).rejects.toMatchObject({
        kind: 'unavailable',
        facts: { error: 'Vault is sealed' },
      })
    } finally {
      sim.state.sealed = false
    }
  })

  it('made no writes', () => {
    expect(sim.requests.filter((r) => !isReadOnlyRequest(r))).toEqual([])
  })
})

describe('vault provider failure modes', () => {
  it('classifies an untrusted, expired and wrong-host certificate', async () => {
    for (const mode of ['untrusted', 'expired', 'wrong-host'] as const) {
      const s = await startVaultSim(healthyVaultState(), { tls: mode })
      try {
        const f = join(dir, `ca-${mode}.pem`)
        writeFileSync(f, s.caPem ?? '')
        const { api } = vaultSession({ vault: { address: s.url, caCert: f } })
        const tls = await api.tlsInfo()
        expect(tls.authorized, mode).toBe(false)
        if (mode === 'untrusted') expect(tls.authorizationError).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED/)
        if (mode === 'expired') expect(tls.authorizationError).toBe('CERT_HAS_EXPIRED')
        if (mode === 'wrong-host') {
          expect(tls.hostnameError).toMatch(/does not match/)
          expect(tls.altNames).toMatch(/vault\.other\.example/)
        }
        await expect(api.health()).rejects.toMatchObject({ kind: 'tls' })
      } finally {
        await s.close()
      }
    }
  })

  it('times out on a black-holed Vault within the call timeout', async () => {
    const s = await startVaultSim(healthyVaultState(), { knobs: { blackHole: true } })
    try {
      const { api } = vaultSession({ vault: { address: s.url } }, { timeoutMs: 300 })
      const t0 = Date.now()
      expect((await api.probeAddress()).scheme).toBe('http')
      await expect(api.health()).rejects.toMatchObject({ kind: 'timeout' })
      expect(Date.now() - t0).toBeLessThan(1500)
    } finally {
      await s.close()
    }
  })

  it('reads no file that is not a regular file: a FIFO agent config, a directory as token file', async () => {
    const fifo = join(dir, 'agent.fifo')
    execFileSync('mkfifo', [fifo])
    const a = await vaultSession({ vault: { address: sim.url, agentConfig: fifo } }).api.agent()
    expect(a).toMatchObject({ status: 'unreadable', path: fifo })
    expect(a.status === 'unreadable' && a.message).toBe(
      `${fifo} is a FIFO (named pipe), not a regular file: not read`,
    )
    const tokenDir = join(dir, 'token-dir')
    mkdirSync(tokenDir)
    const { api } = vaultSession(cfg({ auth: { method: 'token', tokenFile: tokenDir } }))
    await expect(api.login()).rejects.toMatchObject({
      kind: 'invalid',
      message: `cannot read the token file: ${tokenDir} is a directory, not a regular file: not read`,
    })
  })

  it('says where a CA file that holds no certificate came from', async () => {
    const junk = join(dir, 'junk-ca.pem')
    writeFileSync(junk, 'not a certificate\n')
    const { api } = vaultSession({ vault: { address: sim.url } }, { env: { VAULT_CACERT: junk } })
    const tls = await api.tlsInfo()
    expect(tls.caError).toBe(`the CA file ${junk} (from VAULT_CACERT) holds no PEM certificate`)
    expect(tls.trust).toBe(`${junk} (env)`)
  })

  it('reports connection refused', async () => {
    const s = await startVaultSim(healthyVaultState())
    const url = s.url
    await s.close()
    const { api } = vaultSession({ vault: { address: url } })
    await expect(api.probeAddress()).rejects.toMatchObject({ kind: 'refused', fault: 'refused' })
  })
})
