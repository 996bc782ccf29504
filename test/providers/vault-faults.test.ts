// Vault under network faults: the real node-vault client over real sockets against the simulator's fault
// knobs (or a silent listener, or a closed port). For each fault, the check whose job is to reach Vault
// (vault.address → vault.tls → vault.health, in their `needs` order) fails with core/net's wording, within
// the call limit — never a pass, never the runner's `error`. A redirect to another host is reported and no
// X-Vault-Token reaches that host.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../src/core/report.js'
import addressCheck from '../../src/checks/vault/address.js'
import healthCheck from '../../src/checks/vault/health.js'
import tlsCheck from '../../src/checks/vault/tls.js'
import {
  closedPort,
  startLoopbackServer,
  startSilentServer,
  type Fault,
  type LoopbackServer,
} from '../../src/sandbox/server.js'
import { healthyVaultState, startVaultSim, type VaultSim } from '../../src/sandbox/vault.js'
import { findingKeys, runCheck } from '../helpers/check-harness.js'
import { vaultSession } from '../fixtures/vault/session.js'

const APP = 'hvs.fault-app-token-0000000000001'
const TIMEOUT_MS = 2000
// callTimeoutMs(2000): every call gives up after one second, well inside the check's own limit.
const CALL_LIMIT = '1s'
const dir = mkdtempSync(join(tmpdir(), 'vault-faults-'))
let sim: VaultSim
let other: LoopbackServer
let caFile: string
/** What reached the other host: method, path and whether an X-Vault-Token came along. */
const otherSeen: { method: string; path: string; token: boolean }[] = []

beforeAll(async () => {
  // Loading node-vault counts against a call's limit (it does in a run too); these tests time the network.
  await import('node-vault')
  sim = await startVaultSim(healthyVaultState({ appToken: APP }), { tls: 'valid' })
  caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, sim.caPem ?? '')
  other = await startLoopbackServer(({ req, res }) => {
    otherSeen.push({ method: req.method ?? '', path: req.url ?? '', token: 'x-vault-token' in req.headers })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"initialized": true, "sealed": false, "standby": false}')
  })
})
afterAll(async () => {
  await sim.close()
  await other.close()
})

const api = (address: string) =>
  vaultSession({ vault: { address, caCert: caFile } }, { env: { VAULT_TOKEN: APP }, timeoutMs: TIMEOUT_MS })

/** The reaching checks in their `needs` order: the first that does not pass, or the last. */
async function reach(address: string): Promise<{ r: CheckResult; ms: number }> {
  const { api: vault, session } = api(address)
  const t0 = performance.now()
  let r: CheckResult | undefined
  for (const check of [addressCheck, tlsCheck, healthCheck]) {
    r = await runCheck(check, { vault, config: session.config })
    if (r.status !== 'pass') break
  }
  return { r: r as CheckResult, ms: performance.now() - t0 }
}

async function withFault<T>(fault: Fault | undefined, fn: () => Promise<T>): Promise<T> {
  sim.knobs.fault = fault
  try {
    return await fn()
  } finally {
    sim.knobs.fault = undefined
    sim.knobs.faultWhen = undefined
    sim.knobs.blackHole = false
  }
}

const port = () => sim.port

describe('vault: the reaching check under network faults', () => {
  it('a healthy Vault passes all three', async () => {
    const { r } = await reach(sim.url)
    expect(r).toMatchObject({ id: 'vault.health', status: 'pass' })
  })

  it('refused: vault.address fails with the classifier words', async () => {
    const p = await closedPort()
    const { r, ms } = await reach(`http://127.0.0.1:${p}`)
    expect(r).toMatchObject({ id: 'vault.address', status: 'fail' })
    expect(findingKeys(r)).toEqual(['refused'])
    expect(r.summary).toBe(
      `cannot reach Vault: connect: 127.0.0.1:${p} refused the connection (ECONNREFUSED); nothing listens there`,
    )
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('black hole: vault.health fails as no answer within the call limit', async () => {
    sim.knobs.blackHole = true
    const { r, ms } = await withFault(undefined, () => reach(sim.url))
    expect(r).toMatchObject({ id: 'vault.health', status: 'fail' })
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(r.summary).toBe(
      `cannot reach Vault: GET sys/health: no answer from 127.0.0.1:${port()} within ${CALL_LIMIT} (timeout)`,
    )
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('TLS handshake stall: vault.tls fails within the call limit', async () => {
    const silent = await startSilentServer()
    try {
      const { r, ms } = await reach(`https://127.0.0.1:${silent.port}`)
      expect(r).toMatchObject({ id: 'vault.tls', status: 'fail' })
      expect(findingKeys(r)).toEqual(['no-handshake'])
      expect(r.summary).toBe(
        `no TLS session with Vault: TLS handshake: 127.0.0.1:${silent.port} accepted the connection but did not complete the TLS handshake within ${CALL_LIMIT}`,
      )
      expect(ms).toBeLessThan(TIMEOUT_MS)
    } finally {
      await silent.close()
    }
  })

  it('plain HTTP on the https port: vault.tls names the protocol failure', async () => {
    const plain = await startVaultSim(healthyVaultState())
    try {
      const { r } = await reach(`https://127.0.0.1:${plain.port}`)
      expect(r).toMatchObject({ id: 'vault.tls', status: 'fail' })
      expect(findingKeys(r)).toEqual(['no-handshake'])
      // Node's HTTP server drops the connection on a ClientHello; another may answer bytes TLS cannot read.
      expect(r.summary).toMatch(
        /^no TLS session with Vault: TLS handshake: 127\.0\.0\.1:\d+ (closed the connection|.*is it serving plain HTTP on this port)/,
      )
    } finally {
      await plain.close()
    }
  })

  it('slow headers (an answer later than the call limit): vault.health fails as no answer', async () => {
    sim.knobs.latencyMs = 1500
    try {
      const { r, ms } = await reach(sim.url)
      expect(r).toMatchObject({ id: 'vault.health', status: 'fail' })
      expect(findingKeys(r)).toEqual(['unreachable'])
      expect(r.summary).toBe(
        `cannot reach Vault: GET sys/health: no answer from 127.0.0.1:${port()} within ${CALL_LIMIT} (timeout)`,
      )
      expect(ms).toBeLessThan(TIMEOUT_MS)
    } finally {
      sim.knobs.latencyMs = 0
    }
  })

  it.each<[string, 'untrusted' | 'expired', string, RegExp]>([
    [
      'an untrusted certificate',
      'untrusted',
      'unknown-authority',
      /is not signed by a trusted CA \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    ],
    [
      'an expired certificate',
      'expired',
      'expired',
      /^the certificate of 127\.0\.0\.1 expired 2d( \d+[hms])? ago \(/,
    ],
  ])('%s: vault.tls fails naming it', async (_name, tls, key, wording) => {
    const bad = await startVaultSim(healthyVaultState(), { tls })
    try {
      const { r, ms } = await reach(bad.url)
      expect(r).toMatchObject({ id: 'vault.tls', status: 'fail' })
      expect(findingKeys(r)).toEqual([key])
      expect(r.summary).toMatch(wording)
      expect(ms).toBeLessThan(TIMEOUT_MS)
    } finally {
      await bad.close()
    }
  })

  it.each<[string, Fault, string, RegExp]>([
    [
      'reset mid-body',
      { kind: 'reset-mid-body' },
      'unreachable',
      /^cannot reach Vault: GET sys\/health: 127\.0\.0\.1:\d+ closed the connection before the answer was complete \(ECONNRESET\)$/,
    ],
    [
      'drip then stall',
      { kind: 'drip-stall' },
      'unreachable',
      /^cannot reach Vault: GET sys\/health: no answer from 127\.0\.0\.1:\d+ within 1s \(timeout\)$/,
    ],
    [
      '502 with a proxy page',
      { kind: 'html', status: 502 },
      'not-vault',
      /^what answers at https:\/\/127\.0\.0\.1:\d+ is not Vault: GET sys\/health: 127\.0\.0\.1:\d+ answered HTTP 502 \(text\/html\), not Vault$/,
    ],
    [
      '503 with a proxy page',
      { kind: 'html', status: 503 },
      'not-vault',
      /answered HTTP 503 \(text\/html\), not Vault$/,
    ],
    [
      '200 with a login page',
      { kind: 'html', status: 200 },
      'not-vault',
      /answered HTTP 200 \(text\/html\), not Vault$/,
    ],
    [
      'malformed JSON',
      { kind: 'malformed-json' },
      'not-vault',
      /answered HTTP 200 \(application\/json\), not Vault$/,
    ],
    [
      '429 + Retry-After from a proxy',
      {
        kind: 'status',
        status: 429,
        body: 'slow down',
        contentType: 'text/plain',
        headers: { 'retry-after': '30' },
      },
      'not-vault',
      /answered HTTP 429 \(text\/plain, Retry-After 30\), not Vault$/,
    ],
    [
      "429 + Retry-After from Vault's rate-limit quota",
      {
        kind: 'status',
        status: 429,
        body: '{"errors":["request path \\"sys/health\\": rate limit quota exceeded"]}\n',
        headers: { 'retry-after': '7' },
      },
      'server-error',
      /^Vault answered sys\/health with an error: GET sys\/health: HTTP 429 request path "sys\/health": rate limit quota exceeded \(Retry-After 7\)$/,
    ],
    [
      '500 from Vault itself',
      { kind: 'status', status: 500, body: '{"errors":["1 error occurred:\\n\\t* internal error\\n\\n"]}\n' },
      'server-error',
      /GET sys\/health: HTTP 500 internal error$/,
    ],
    [
      '50 MB body',
      { kind: 'huge-body', bytes: 50 << 20 },
      'not-vault',
      /GET sys\/health: 127\.0\.0\.1:\d+: answered with more than 8 MiB, not Vault$/,
    ],
  ])('%s: vault.health fails naming it', async (_name, fault, key, wording) => {
    const { r, ms } = await withFault(fault, () => reach(sim.url))
    expect(r).toMatchObject({ id: 'vault.health', status: 'fail' })
    expect(findingKeys(r)).toEqual([key])
    expect(r.summary).toMatch(wording)
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })
})

describe('vault: a redirect to another host', () => {
  it('is the reaching check’s finding, and the other host sees nothing', async () => {
    otherSeen.length = 0
    const to = `${other.url}/v1/sys/health`
    const { r, ms } = await withFault({ kind: 'redirect', location: to }, () => reach(sim.url))
    expect(r).toMatchObject({ id: 'vault.health', status: 'fail' })
    expect(findingKeys(r)).toEqual(['redirect'])
    expect(r.summary).toBe(
      `Vault sends the doctor elsewhere: GET sys/health: 127.0.0.1:${port()} redirected (HTTP 307) to another host, 127.0.0.1:${other.port}; the doctor sends no credentials there`,
    )
    expect(ms).toBeLessThan(TIMEOUT_MS)
    expect(otherSeen).toEqual([])
  })

  it('never carries X-Vault-Token to the other host on token-bearing calls', async () => {
    otherSeen.length = 0
    const seenBefore = sim.requests.length
    const { api: vault } = api(sim.url)
    // sys/health answers; every authenticated call is redirected.
    await withFault(
      { kind: 'redirect', location: `${other.url}/v1/secret/data/x`, status: 302 },
      async () => {
        sim.knobs.faultWhen = (_m, path) => path !== '/v1/sys/health'
        expect((await vault.health()).initialized).toBe(true)
        await expect(vault.tokenSelf()).rejects.toMatchObject({ fault: 'redirect', facts: { status: 302 } })
        await expect(vault.readSecret('secret/data/expanso/prod/pipeline')).rejects.toMatchObject({
          fault: 'redirect',
        })
        await expect(vault.capabilities(['secret/data/x'])).rejects.toMatchObject({ fault: 'redirect' })
      },
    )
    // Vault itself saw the token-bearing calls; the other host saw none of them.
    expect(sim.requests.slice(seenBefore).map((x) => `${x.method} ${x.path} ${x.status}`)).toContain(
      'GET /v1/auth/token/lookup-self 302',
    )
    expect(otherSeen).toEqual([])
  })
})

describe('vault: answers that are not Vault never pass a call that needs Vault', () => {
  it('a 200 HTML page on lookup-self and on a secret read is an error naming it, not data', async () => {
    const { api: vault } = api(sim.url)
    await withFault({ kind: 'html', status: 200 }, async () => {
      await expect(vault.tokenSelf()).rejects.toMatchObject({
        fault: 'not-the-service',
        message: expect.stringMatching(
          /^GET auth\/token\/lookup-self: 127\.0\.0\.1:\d+ answered HTTP 200 \(text\/html\), not Vault$/,
        ),
      })
    })
    const fresh = api(sim.url).api
    await withFault({ kind: 'html', status: 404 }, async () => {
      sim.knobs.faultWhen = (_m, path) => path.startsWith('/v1/secret/')
      await expect(fresh.readSecret('secret/data/expanso/prod/pipeline')).rejects.toMatchObject({
        fault: 'not-the-service',
        facts: { status: 404, contentType: 'text/html' },
      })
      await expect(fresh.mountInfo('secret/expanso/prod/pipeline')).resolves.toMatchObject({ kvVersion: 2 })
    })
  })
})
