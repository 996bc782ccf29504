// The real @azure/identity and @azure/keyvault-secrets clients against the loopback simulator: the
// workload-identity token flow through AZURE_AUTHORITY_HOST, the Key Vault 401 challenge, and every error
// body the checks classify. Nothing here may reach anything but 127.0.0.1 (the network guard fails the run).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { isProviderError, type ProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import { credentialPlan } from '../../src/providers/azure/plan.js'
import { createAzureApi } from '../../src/providers/azure/provider.js'
import { closedPort } from '../../src/sandbox/server.js'
import {
  projectedServiceAccountToken,
  startAzureSimulator,
  type AzureSimulator,
} from '../../src/sandbox/azure.js'
import { edgeIdentity, warmAzureSdks } from '../fixtures/azure/sandbox.js'

const CANARY = 'canary-azure-kv-7f3a9c'
const ISSUER = 'https://oidc.prod-aks.azure.com/1111-2222/'
const CLIENT = '5e7c1d2a-0000-4000-8000-00000000c11e'
const OBJECT = '9a1b2c3d-0000-4000-8000-0000000000b1'

const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-azure-'))
let sim: AzureSimulator
const caFile = join(dir, 'ca.pem')
const tokenFile = join(dir, 'azure-identity-token')

async function writeToken(opts: Partial<Parameters<typeof projectedServiceAccountToken>[0]> = {}) {
  writeFileSync(
    tokenFile,
    await projectedServiceAccountToken({
      issuer: ISSUER,
      namespace: 'expanso-system',
      serviceAccount: 'expanso-edge',
      ...opts,
    }),
  )
}

function api(env: Record<string, string | undefined> = {}, raw: Record<string, unknown> = {}) {
  const fullEnv = {
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: sim.state.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    AZURE_AUTHORITY_HOST: sim.authorityHost,
    NODE_EXTRA_CA_CERTS: caFile,
    EDGE_SECRETS_AZURE_MAX_RETRIES: '0',
    ...env,
  }
  const config = defaultConfig({ azure: { vaultUrl: sim.vaultUrl, ...raw } }, { env: fullEnv })
  const recorder = new RunRecorder()
  const session = {
    config,
    signal: new AbortController().signal,
    timeoutMs: 2000,
    offline: false,
    recorder,
    now: () => new Date(),
    env: fullEnv,
  }
  return { api: createAzureApi(session), recorder, session }
}

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p
  } catch (e) {
    expect(isProviderError(e)).toBe(true)
    return e as ProviderError
  }
  throw new Error('expected a rejection')
}

beforeAll(async () => {
  await warmAzureSdks()
  sim = await startAzureSimulator({
    identities: [edgeIdentity(CLIENT, OBJECT, ISSUER)],
    grants: [{ objectId: OBJECT }],
    secrets: {
      'kafka-username': { value: CANARY, expiresOn: new Date(Date.now() + 90 * 86_400_000) },
      'api-token': { value: JSON.stringify({ token: `${CANARY}-json` }) },
      empty: { value: '' },
      off: { value: CANARY, enabled: false },
    },
  })
  writeFileSync(caFile, sim.ca.certPem)
})
afterAll(async () => sim.close())
afterEach(async () => {
  await writeToken()
  sim.state.permissionModel = 'rbac'
  sim.state.grants = [{ objectId: OBJECT }]
  sim.state.firewallClientAddress = undefined
  sim.vault.knobs.blackHole = false
  sim.login.knobs.blackHole = false
})

describe('azure provider against the simulator', () => {
  beforeAll(() => writeToken())

  it('plans workload identity from the three variables, and names what a half-injected pod lacks', () => {
    expect(api().api.credentialPlan()).toMatchObject({
      source: 'workload-identity',
      clientId: CLIENT,
      missing: [],
    })
    const half = api({ AZURE_FEDERATED_TOKEN_FILE: undefined })
    expect(half.api.credentialPlan()).toMatchObject({
      source: 'managed-identity',
      missing: ['AZURE_FEDERATED_TOKEN_FILE'],
    })
    expect(
      credentialPlan(
        api({ AZURE_CLIENT_SECRET: 'x', AZURE_FEDERATED_TOKEN_FILE: undefined }).session.config.azure,
        { AZURE_CLIENT_SECRET: 'x' },
      ),
    ).toMatchObject({
      source: 'client-secret',
    })
  })

  it('acquires a token through the loopback authority host and names the identity', async () => {
    const { api: a, recorder } = api()
    const t = await a.token()
    expect(t).toMatchObject({
      source: 'workload-identity',
      clientId: CLIENT,
      objectId: OBJECT,
      tenantId: sim.state.tenantId,
    })
    expect(t.expiresAt.getTime()).toBeGreaterThan(Date.now())
    expect(recorder.clock.some((c) => c.source === 'azure entra')).toBe(true)
    const paths = sim.login.requests.map((r) => `${r.method} ${r.path}`)
    expect(paths).toContain(`POST /${sim.state.tenantId}/oauth2/v2.0/token`)
  })

  it('reads the projected token claims without exposing the token', async () => {
    const info = await api().api.federatedToken()
    expect(info).toMatchObject({
      issuer: ISSUER,
      subject: 'system:serviceaccount:expanso-system:expanso-edge',
      audience: ['api://AzureADTokenExchange'],
    })
  })

  it('reads secret metadata through the 401 challenge, never returning the value', async () => {
    const { api: a, recorder } = api()
    const s = await a.secret('kafka-username')
    expect(s).toMatchObject({ name: 'kafka-username', enabled: true, value: 'set' })
    expect(s.expiresOn).toBeInstanceOf(Date)
    expect(JSON.stringify(s)).not.toContain(CANARY)
    expect(redact(`leak ${CANARY}`)).not.toContain(CANARY)
    const json = await a.secret('api-token')
    expect(json.keys).toEqual({ token: 'set' })
    expect(redact(`${CANARY}-json`)).not.toContain(CANARY)
    expect((await a.secret('empty')).value).toBe('empty')
    expect(a.vaultName()).toBe('expanso-secrets')
    expect(recorder.clock.some((c) => c.source === 'azure key vault')).toBe(true)
    const statuses = sim.vault.requests.filter((r) => r.operation === 'challenge').map((r) => r.status)
    expect(statuses).toContain(401)
    expect(typeof (await a.timeSecretRead('kafka-username'))).toBe('number')
  })

  it('classifies 403 by permission model, 404, disabled and firewall', async () => {
    sim.state.grants = []
    const rbac = await rejection(api().api.secret('kafka-username'))
    expect(rbac.kind).toBe('denied')
    expect(rbac.facts).toMatchObject({ status: 403, innerCode: 'ForbiddenByRbac', callerObjectId: OBJECT })
    expect(String(rbac.facts.resource)).toMatch(/vaults\/expanso-secrets\/secrets\/kafka-username$/)

    sim.state.permissionModel = 'access-policy'
    const policy = await rejection(api().api.secret('kafka-username'))
    expect(policy.facts).toMatchObject({
      innerCode: 'AccessDenied',
      callerObjectId: OBJECT,
      vault: 'expanso-secrets',
    })

    sim.state.grants = [{ objectId: OBJECT }]
    const missing = await rejection(api().api.secret('nope'))
    expect(missing).toMatchObject({ kind: 'not-found' })
    expect(missing.facts.code).toBe('SecretNotFound')

    const disabled = await rejection(api().api.secret('off'))
    expect(disabled.facts).toMatchObject({ status: 403, innerCode: 'SecretDisabled' })

    sim.state.firewallClientAddress = '203.0.113.7'
    const fw = await rejection(api().api.secret('kafka-username'))
    expect(fw.facts).toMatchObject({ innerCode: 'ForbiddenByFirewall', clientAddress: '203.0.113.7' })
  })

  it('names the AADSTS code of a federated credential mismatch and of an expired assertion', async () => {
    await writeToken({ serviceAccount: 'default' })
    const mismatch = await rejection(api().api.token())
    expect(mismatch.kind).toBe('unauthenticated')
    expect(mismatch.facts.aadsts).toBe('AADSTS70021')
    expect(mismatch.message).toContain("Assertion Subject: 'system:serviceaccount:expanso-system:default'")
    expect(mismatch.message).not.toContain('Trace ID')

    await writeToken({ issuer: 'https://elsewhere.example/' })
    expect((await rejection(api().api.token())).facts.aadsts).toBe('AADSTS700211')

    await writeToken({ issuedAt: new Date(Date.now() - 2 * 3600_000) })
    expect((await rejection(api().api.token())).facts.aadsts).toBe('AADSTS700024')

    expect((await rejection(api({ AZURE_CLIENT_ID: 'not-a-client' }).api.token())).facts.aadsts).toBe(
      'AADSTS700016',
    )
    expect((await rejection(api({ AZURE_TENANT_ID: 'other-tenant' }).api.token())).facts.aadsts).toBe(
      'AADSTS90002',
    )
  })

  it('turns a black-holed or refused endpoint into a bounded timeout/refused error', async () => {
    sim.login.knobs.blackHole = true
    const t0 = Date.now()
    const hole = await rejection(api().api.token())
    expect(['timeout', 'unreachable']).toContain(hole.kind)
    expect(Date.now() - t0).toBeLessThan(5000)
    sim.login.knobs.blackHole = false

    const refused = await rejection(api({ AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9' }).api.token())
    expect(['refused', 'unreachable']).toContain(refused.kind)
  })

  it('reports an untrusted certificate as a TLS failure, for Entra and for Key Vault', async () => {
    const untrusted = await rejection(api({ NODE_EXTRA_CA_CERTS: undefined }).api.token())
    expect(untrusted.kind).toBe('tls')
    // Key Vault alone untrusted: a token from a trusted Entra, then the vault's certificate is refused.
    const { api: a } = api()
    await a.token()
    const other = await startAzureSimulator({}, {})
    try {
      const vaultOnly = createAzureApi({
        ...api().session,
        config: defaultConfig(
          { azure: { vaultUrl: other.vaultUrl } },
          { env: { ...api().session.env, AZURE_AUTHORITY_HOST: sim.authorityHost } },
        ),
      })
      expect((await rejection(vaultOnly.secret('kafka-username'))).kind).toBe('tls')
    } finally {
      await other.close()
    }
  })

  it('reports throttling, a vault of another tenant, and signs in with a client secret', async () => {
    sim.state.throttleNext = 1
    const throttled = await rejection(api().api.secret('kafka-username'))
    expect(throttled).toMatchObject({ kind: 'throttled' })
    expect(throttled.facts).toMatchObject({ status: 429, code: 'Throttled' })

    sim.state.challengeTenantId = '11111111-2222-3333-4444-555555555555'
    const otherTenant = await rejection(api().api.secret('kafka-username'))
    sim.state.challengeTenantId = undefined
    expect(otherTenant.kind).toBe('unauthenticated')
    expect(otherTenant.message).toContain('11111111-2222-3333-4444-555555555555')

    const id = sim.state.identities[0]
    if (id) id.clientSecret = 'sandbox-client-secret-value'
    const viaSecret = api({
      AZURE_FEDERATED_TOKEN_FILE: undefined,
      AZURE_CLIENT_SECRET: 'sandbox-client-secret-value',
    })
    expect(await viaSecret.api.token()).toMatchObject({ source: 'client-secret', objectId: OBJECT })
    const wrong = api({ AZURE_FEDERATED_TOKEN_FILE: undefined, AZURE_CLIENT_SECRET: 'not-the-secret' })
    expect((await rejection(wrong.api.token())).facts.aadsts).toBe('AADSTS7000215')
  })

  it('refuses a token file that is not a regular file, and an azure.caCert that holds no certificate', async () => {
    const fifo = join(dir, 'token-fifo')
    execFileSync('mkfifo', [fifo])
    const info = await api({ AZURE_FEDERATED_TOKEN_FILE: fifo }).api.federatedToken()
    expect(info).toEqual({ path: fifo, error: 'is a FIFO (named pipe), not a regular file: not read' })

    const junk = join(dir, 'junk.pem')
    writeFileSync(junk, 'not a certificate\n')
    const bad = await rejection(api({}, { caCert: junk }).api.token())
    expect(bad).toMatchObject({ kind: 'invalid', facts: { caCert: junk } })
    expect(bad.message).toBe(`azure.caCert: ${junk} holds no PEM certificate`)
  })

  it('a managed identity whose endpoint refuses is no credential, reached over plain HTTP', async () => {
    // The identity library reads the App Service variables from the process, not from the doctor's session.
    const port = await closedPort()
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${port}/msi/token`
    process.env.IDENTITY_HEADER = 'sandbox-header'
    try {
      const mi = api({
        AZURE_FEDERATED_TOKEN_FILE: undefined,
        AZURE_TENANT_ID: undefined,
        IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
      })
      expect(mi.api.credentialPlan()).toMatchObject({ source: 'managed-identity', missing: [] })
      const e = await rejection(mi.api.token())
      expect(e.message).not.toMatch(/Protocol "http:" not supported/)
      // The identity library puts its own retry policy in place of ours: MSAL's network_error is all it says.
      expect(e).toMatchObject({ kind: 'unauthenticated', facts: { credentialUnavailable: 1 } })
      expect(e.message).toMatch(
        new RegExp(`^token from http://127.0.0.1:${port}/msi/token: ManagedIdentityCredential`),
      )
    } finally {
      delete process.env.IDENTITY_ENDPOINT
      delete process.env.IDENTITY_HEADER
    }
  })

  it('never writes: the log holds GETs and token POSTs only', () => {
    for (const r of sim.requestLog()) {
      if (r.method !== 'GET')
        expect(`${r.server} ${r.path}`).toMatch(/azure-entra \/[^/]+\/oauth2\/v2\.0\/token$/)
    }
  })
})
