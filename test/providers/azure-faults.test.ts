// The doctor's Azure checks, on the real SDKs over real sockets, when the way to Key Vault or to Entra
// misbehaves (CONTRACT §7, issue 10 items 3 and 4): each fault ends within one call limit as the reaching
// check's finding — azure.secret-access for the vault, azure.credentials for the authority — worded by the
// shared classifier, with the HTTP status and content type of whatever answered instead of the service.
// Never a pass, never the runner's `error`, never a raw library text.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { azureChecks } from '../../src/checks/azure/index.js'
import type { CheckResult } from '../../src/core/report.js'
import { runChecks } from '../../src/core/run.js'
import azureProvider from '../../src/providers/azure/provider.js'
import {
  projectedServiceAccountToken,
  startAzureSimulator,
  type AzureSimulator,
} from '../../src/sandbox/azure.js'
import {
  closedPort,
  startLoopbackServer,
  startSilentServer,
  type Fault,
  type LoopbackServer,
} from '../../src/sandbox/server.js'
import { edgeIdentity, warmAzureSdks } from '../fixtures/azure/sandbox.js'

const CANARY = 'canary-azure-faults-3e9d1b'
const ISSUER = 'https://oidc.prod-aks.azure.com/faults/'
const CLIENT = '5e7c1d2a-0000-4000-8000-00000000fa17'
const OBJECT = '9a1b2c3d-0000-4000-8000-00000000fa17'
/** --timeout of these runs; one call's limit is 2 s (src/core/net.ts callTimeoutMs). */
const TIMEOUT_MS = 3000

const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-azure-faults-'))
let sim: AzureSimulator
let elsewhere: LoopbackServer

interface Run {
  readonly ms: number
  readonly credentials: CheckResult
  readonly access: CheckResult
  readonly all: string
}

async function doctor(
  over: { vaultUrl?: string; authority?: string; retries?: string; tenant?: string } = {},
): Promise<Run> {
  const env = {
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: over.tenant ?? sim.state.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: join(dir, 'token'),
    AZURE_AUTHORITY_HOST: over.authority ?? sim.authorityHost,
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    ...(over.retries ? { EDGE_SECRETS_AZURE_MAX_RETRIES: over.retries } : {}),
  }
  const config = defaultConfig(
    {
      azure: {
        vaultUrl: over.vaultUrl ?? sim.vaultUrl,
        secrets: [{ name: 'kafka-username' }, { name: 'api-token' }],
      },
      thresholds: { latencySamples: 2 },
    },
    { env },
  )
  const t0 = performance.now()
  const report = await runChecks({
    checks: azureChecks,
    providers: [azureProvider],
    config,
    env,
    timeoutMs: TIMEOUT_MS,
  })
  const byId = (id: string) => report.checks.find((c) => c.id === id) as CheckResult
  return {
    ms: performance.now() - t0,
    credentials: byId('azure.credentials'),
    access: byId('azure.secret-access'),
    all: JSON.stringify(report),
  }
}

const finding = (r: CheckResult) => [r.status, ...(r.findings ?? []).map((f) => f.key)]

/** What no finding may contain: library texts that name nothing an operator can act on. */
const RAW =
  /Unknown: Unknown|UND_ERR_|Deserialization|\$response|Error: aborted|Cannot read properties|reading response as text|SyntaxError|Unexpected status code|endpoints_resolution_error/

beforeAll(async () => {
  await warmAzureSdks()
  sim = await startAzureSimulator({
    identities: [edgeIdentity(CLIENT, OBJECT, ISSUER)],
    grants: [{ objectId: OBJECT }],
    secrets: { 'kafka-username': { value: CANARY }, 'api-token': { value: `${CANARY}-2` } },
  })
  elsewhere = await startLoopbackServer(({ res }) => void res.writeHead(200).end('{}'))
  writeFileSync(join(dir, 'ca.pem'), sim.ca.certPem)
  writeFileSync(
    join(dir, 'token'),
    await projectedServiceAccountToken({
      issuer: ISSUER,
      namespace: 'expanso-system',
      serviceAccount: 'expanso-edge',
    }),
  )
})
afterAll(async () => {
  await Promise.all([sim?.close(), elsewhere?.close()])
})
afterEach(() => {
  for (const s of [sim.vault, sim.login]) {
    s.knobs.fault = undefined
    s.knobs.faultWhen = undefined
    s.knobs.blackHole = false
  }
})

const REDIRECT = (): Fault => ({ kind: 'redirect', location: `${elsewhere.url}/moved` })

/** Each fault, the finding it must be, and how it must read (after `cannot reach … <url>: `). */
const answers: readonly (readonly [string, () => Fault, RegExp])[] = [
  [
    '502 with a proxy HTML page',
    () => ({ kind: 'html', status: 502 }),
    /answered HTTP 502 \(text\/html\), not /,
  ],
  ['200 with an HTML page', () => ({ kind: 'html', status: 200 }), /answered HTTP 200 \(text\/html\), not /],
  ['malformed JSON', () => ({ kind: 'malformed-json' }), /answered HTTP 200 \(application\/json\), not /],
  [
    'a reset mid-body',
    () => ({ kind: 'reset-mid-body' }),
    /closed the connection before the answer was complete \(ECONNRESET\)$/,
  ],
  [
    'a cross-host redirect',
    REDIRECT,
    /redirected \(HTTP 307\) to another host, 127\.0\.0\.1:\d+; the doctor sends no credentials there$/,
  ],
]

describe('azure faults: Key Vault (azure.secret-access reaches it)', () => {
  it.each(answers)('%s', async (_name, fault, wording) => {
    sim.vault.knobs.fault = fault()
    const r = await doctor()
    expect(r.credentials.status).toBe('pass')
    expect(finding(r.access)).toEqual(['fail', 'unreachable'])
    expect(r.access.summary).toMatch(
      new RegExp(
        `^cannot reach Key Vault ${sim.vaultUrl}: 127\\.0\\.0\\.1:${sim.vault.port} ${wording.source}`,
      ),
    )
    if (/answered/.test(wording.source)) expect(r.access.summary).toMatch(/not Azure Key Vault$/)
    expect(r.access.summary).not.toMatch(RAW)
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
    expect(r.all).not.toContain(CANARY)
  })

  it('a redirect to another host is not followed: that host sees no request, no token', async () => {
    sim.vault.knobs.fault = REDIRECT()
    const before = elsewhere.requests.length
    await doctor()
    expect(elsewhere.requests.length).toBe(before)
  })

  it.each([
    ['a black hole', undefined],
    ['a black hole, with SDK retries', '3'],
  ])('%s ends within one call limit as unreachable', async (_name, retries) => {
    sim.vault.knobs.blackHole = true
    const r = await doctor({ retries })
    expect(finding(r.access)).toEqual(['fail', 'unreachable'])
    expect(r.access.summary).toBe(
      `cannot reach Key Vault ${sim.vaultUrl}: no answer from 127.0.0.1:${sim.vault.port} within 2s (timeout)`,
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it('a TLS handshake that never completes', async () => {
    const silent = await startSilentServer()
    try {
      const r = await doctor({ vaultUrl: silent.url })
      expect(finding(r.access)).toEqual(['fail', 'unreachable'])
      expect(r.access.summary).toBe(
        `cannot reach Key Vault ${silent.url}: 127.0.0.1:${silent.port} accepted the connection but did not complete the TLS handshake within 2s`,
      )
      expect(r.ms).toBeLessThan(TIMEOUT_MS)
    } finally {
      await silent.close()
    }
  })

  it('a refused connection', async () => {
    const port = await closedPort()
    const r = await doctor({ vaultUrl: `https://127.0.0.1:${port}` })
    expect(finding(r.access)).toEqual(['fail', 'unreachable'])
    expect(r.access.summary).toBe(
      `cannot reach Key Vault https://127.0.0.1:${port}: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it('429 with Retry-After is throttling, answered at once rather than slept on', async () => {
    sim.vault.knobs.fault = { kind: 'status', status: 429, body: '', headers: { 'retry-after': '30' } }
    const r = await doctor()
    expect(finding(r.access)).toEqual(['warn', 'throttled'])
    expect(r.access.summary).toBe(
      'Key Vault throttled the reads of kafka-username, api-token: HTTP 429 (Retry-After 30)',
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it("Key Vault's own server error is named with its status and code", async () => {
    sim.vault.knobs.fault = {
      kind: 'status',
      status: 500,
      body: JSON.stringify({ error: { code: 'InternalServerError', message: 'Something went wrong.' } }),
    }
    const r = await doctor()
    expect(finding(r.access)).toEqual(['fail', 'unreachable'])
    expect(r.access.summary).toBe(
      `cannot reach Key Vault ${sim.vaultUrl}: HTTP 500 InternalServerError: Something went wrong.`,
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })
})

describe('azure faults: Microsoft Entra (azure.credentials reaches it)', () => {
  it.each(answers)('%s', async (_name, fault, wording) => {
    sim.login.knobs.fault = fault()
    const r = await doctor()
    expect(finding(r.credentials)).toEqual(['fail', 'unreachable'])
    expect(r.credentials.summary).toMatch(
      new RegExp(
        `^cannot reach the Entra authority ${sim.authorityHost}: 127\\.0\\.0\\.1:${sim.login.port} ${wording.source}`,
      ),
    )
    if (/answered/.test(wording.source)) expect(r.credentials.summary).toMatch(/not Microsoft Entra$/)
    expect(r.credentials.summary).not.toMatch(RAW)
    expect(r.access).toMatchObject({ status: 'skip', skipReason: 'dependency-failed' })
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it('the token request alone answered by a proxy page (discovery works)', async () => {
    sim.login.knobs.fault = { kind: 'html', status: 503 }
    sim.login.knobs.faultWhen = (method) => method === 'POST'
    const r = await doctor()
    expect(finding(r.credentials)).toEqual(['fail', 'unreachable'])
    expect(r.credentials.summary).toMatch(/answered HTTP 503 \(text\/html\), not Microsoft Entra$/)
  })

  it.each([
    ['a black hole', undefined],
    ['a black hole, with SDK retries', '3'],
  ])('%s ends within one call limit as unreachable', async (_name, retries) => {
    sim.login.knobs.blackHole = true
    const r = await doctor({ retries })
    expect(finding(r.credentials)).toEqual(['fail', 'unreachable'])
    expect(r.credentials.summary).toBe(
      `cannot reach the Entra authority ${sim.authorityHost}: no answer from 127.0.0.1:${sim.login.port} within 2s (timeout)`,
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it('a TLS handshake that never completes', async () => {
    const silent = await startSilentServer()
    try {
      const r = await doctor({ authority: silent.url })
      expect(finding(r.credentials)).toEqual(['fail', 'unreachable'])
      expect(r.credentials.summary).toBe(
        `cannot reach the Entra authority ${silent.url}: 127.0.0.1:${silent.port} accepted the connection but did not complete the TLS handshake within 2s`,
      )
      expect(r.ms).toBeLessThan(TIMEOUT_MS)
    } finally {
      await silent.close()
    }
  })

  it('a refused connection', async () => {
    const port = await closedPort()
    const r = await doctor({ authority: `https://127.0.0.1:${port}` })
    expect(finding(r.credentials)).toEqual(['fail', 'unreachable'])
    expect(r.credentials.summary).toBe(
      `cannot reach the Entra authority https://127.0.0.1:${port}: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
    )
  })

  it('429 with Retry-After is throttling, answered at once', async () => {
    sim.login.knobs.fault = { kind: 'status', status: 429, body: '', headers: { 'retry-after': '30' } }
    const r = await doctor()
    expect(finding(r.credentials)).toEqual(['fail', 'throttled'])
    expect(r.credentials.summary).toBe(
      `Entra throttled the token request to ${sim.authorityHost}: HTTP 429 (Retry-After 30)`,
    )
    expect(r.ms).toBeLessThan(TIMEOUT_MS)
  })

  it("Entra's own AADSTS answer to discovery is named (an unknown tenant), not hidden as a resolution error", async () => {
    const r = await doctor({ tenant: '00000000-0000-0000-0000-00000000dead' })
    expect(finding(r.credentials)).toEqual(['fail', 'unknown-tenant'])
    expect(r.credentials.summary).toBe(
      `tenant 00000000-0000-0000-0000-00000000dead is unknown to ${sim.authorityHost} (AADSTS90002)`,
    )
    expect(r.credentials.details).toContain(
      `token from ${sim.authorityHost}: AADSTS90002: Tenant '00000000-0000-0000-0000-00000000dead' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    )
  })
})
