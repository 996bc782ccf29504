// The Vault provider as a pipeline JobSpec's hashicorp_vault entry uses it: settings given outright (no
// VAULT_* variables, no agent config), AppRole and JWT logins from files, variables and inline values, and the
// simulator's JWT auth refusing what Vault's JWT plugin refuses — real node-vault over HTTPS.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import type { ProviderSession } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import type { JobspecVaultTarget } from '../../src/providers/jobspec/api.js'
import jobspecProvider, { vaultSettingsOf } from '../../src/providers/jobspec/provider.js'
import type { CredentialSources } from '../../src/providers/vault/api.js'
import { createVaultFor } from '../../src/providers/vault/provider.js'
import {
  healthyVaultState,
  isReadOnlyRequest,
  makeJwt,
  startVaultSim,
  type VaultSim,
} from '../../src/sandbox/vault.js'
import { vaultSession } from '../fixtures/vault/session.js'

const ROLE_ID = 'role-id-4b1f'
const SECRET_ID = 'secret-id-canary-7e21'
const ISSUER = 'https://issuer.example.com'
const dir = mkdtempSync(join(tmpdir(), 'vault-jobspec-'))
let sim: VaultSim
let ca: string

beforeAll(async () => {
  const s = healthyVaultState({ appToken: 'hvs.app-token-jobspec-000001' })
  s.approle = {
    mount: 'approle',
    roles: { pipeline: { roleId: ROLE_ID, secretId: SECRET_ID, policies: ['expanso-edge'], ttlSec: 1800 } },
  }
  s.jwt = {
    mount: 'jwt',
    boundIssuer: ISSUER,
    roles: {
      'edge-pipeline': {
        boundAudiences: ['vault'],
        boundSubject: 'repo:expanso/edge:environment:prod',
        boundClaims: { environment: ['prod', 'staging'] },
        policies: ['expanso-edge'],
        ttlSec: 900,
      },
    },
  }
  sim = await startVaultSim(s, { tls: 'valid' })
  ca = join(dir, 'ca.pem')
  writeFileSync(ca, sim.caPem ?? '')
  writeFileSync(join(dir, 'role-id'), `${ROLE_ID}\n`)
})
afterAll(() => sim.close())

const session = (env: NodeJS.ProcessEnv = {}): ProviderSession => ({
  config: defaultConfig({}, { env: {} }),
  signal: new AbortController().signal,
  timeoutMs: 3000,
  offline: false,
  recorder: new RunRecorder(),
  now: () => new Date(),
  env,
})

const target = (over: Partial<JobspecVaultTarget> & { sources: CredentialSources }): JobspecVaultTarget => ({
  entry: 'secret_providers.corp_vault',
  address: sim.url,
  caCert: ca,
  skipVerify: false,
  login: 'approle',
  method: 'approle',
  ...over,
})

const GOOD_CLAIMS = {
  iss: ISSUER,
  aud: 'vault',
  sub: 'repo:expanso/edge:environment:prod',
  environment: 'prod',
}
const jwtFile = (name: string, claims: Record<string, unknown>) => {
  const p = join(dir, name)
  writeFileSync(p, makeJwt(claims))
  return p
}

describe('a Vault API for a JobSpec entry', () => {
  it('logs in with AppRole: role_id from a file, secret_id from a variable, and reads', async () => {
    const s = session({
      EDGE_SECRET_ID: SECRET_ID,
      VAULT_ADDR: 'https://elsewhere.invalid',
      VAULT_TOKEN: 'hvs.no',
    })
    const t = target({
      sources: {
        roleId: { kind: 'file', path: join(dir, 'role-id') },
        secretId: { kind: 'env', name: 'EDGE_SECRET_ID' },
      },
    })
    const v = createVaultFor(s, vaultSettingsOf(t))
    expect(await v.login()).toMatchObject({ method: 'approle', source: 'approle login (auth/approle)' })
    expect(await v.tokenSelf()).toMatchObject({
      policies: ['default', 'expanso-edge'],
      ttlSec: expect.any(Number),
    })
    expect((await v.readSecret('secret/data/expanso/prod/pipeline')).state).toBe('ok')
    // The secret_id is registered with the redactor as it is read.
    expect(redact(`x ${SECRET_ID} y`)).not.toContain(SECRET_ID)
  })

  it('an inline secret_id works too, and a wrong one is Vault’s 400', async () => {
    const ok = createVaultFor(
      session(),
      vaultSettingsOf(
        target({
          sources: {
            roleId: { kind: 'value', value: ROLE_ID },
            secretId: { kind: 'value', value: SECRET_ID },
          },
        }),
      ),
    )
    expect((await ok.login()).method).toBe('approle')
    const bad = createVaultFor(
      session(),
      vaultSettingsOf(
        target({
          sources: { roleId: { kind: 'value', value: ROLE_ID }, secretId: { kind: 'value', value: 'old' } },
        }),
      ),
    )
    await expect(bad.login()).rejects.toMatchObject({
      kind: 'invalid',
      facts: { status: 400, error: 'invalid role or secret ID' },
    })
  })

  it('an unset or empty variable is an invalid error naming it, before any request', async () => {
    const before = sim.requests.length
    const t = target({
      sources: { roleId: { kind: 'value', value: ROLE_ID }, secretId: { kind: 'env', name: 'NOPE' } },
    })
    await expect(createVaultFor(session(), vaultSettingsOf(t)).login()).rejects.toMatchObject({
      kind: 'invalid',
      message: 'the AppRole secret_id variable NOPE is not set',
    })
    await expect(createVaultFor(session({ NOPE: ' ' }), vaultSettingsOf(t)).login()).rejects.toMatchObject({
      message: 'the AppRole secret_id variable NOPE is empty',
    })
    expect(sim.requests.slice(before).filter((r) => r.path.endsWith('/login'))).toEqual([])
  })

  it('logs in with a JWT from a file, and records the identity under the entry', async () => {
    const s = session()
    const api = jobspecProvider.create(s as Parameters<typeof jobspecProvider.create>[0])
    const v = api.vault(
      target({
        entry: 'secret_providers.ci_vault',
        login: 'jwt',
        method: 'jwt',
        role: 'edge-pipeline',
        sources: { jwt: { kind: 'file', path: jwtFile('good.jwt', GOOD_CLAIMS) } },
      }),
    )
    expect(await v.login()).toMatchObject({
      method: 'jwt',
      source: 'jwt login (auth/jwt, role edge-pipeline)',
    })
    const t = await v.tokenSelf()
    expect(t.displayName).toBe('jwt-repo:expanso/edge:environment:prod')
    expect(s.recorder.identities).toEqual([
      expect.objectContaining({
        provider: 'jobspec',
        entry: 'secret_providers.ci_vault',
        source: 'secret_providers.ci_vault: jwt login (auth/jwt, role edge-pipeline)',
      }),
    ])
  })

  it.each<[string, Record<string, unknown> | 'unbound', string]>([
    [
      'another audience',
      { aud: 'sts.amazonaws.com' },
      'error validating claims: aud claim does not match any bound audience',
    ],
    [
      'another subject',
      { sub: 'repo:other/x' },
      'error validating claims: square/go-jose/jwt: validation failed, invalid subject claim (sub)',
    ],
    [
      'another issuer',
      { iss: 'https://evil.example.com' },
      'error validating claims: square/go-jose/jwt: validation failed, invalid issuer claim (iss)',
    ],
    [
      'an expired JWT',
      { exp: Math.floor(Date.now() / 1000) - 60 },
      'error validating claims: square/go-jose/jwt: validation failed, token is expired (exp)',
    ],
    [
      'a bound claim it lacks',
      { environment: 'dev' },
      'error validating claims: claim "environment" does not match any associated bound claim values',
    ],
    [
      'no audience bound but one sent',
      'unbound',
      'audience claim found in JWT but no audiences bound to the role',
    ],
  ])('the simulator refuses a JWT with %s, in the plugin’s words', async (_n, claims, error) => {
    const role = claims === 'unbound' ? 'no-aud' : 'edge-pipeline'
    if (claims === 'unbound') sim.state.jwt!.roles['no-aud'] = { policies: ['expanso-edge'], ttlSec: 60 }
    const c = claims === 'unbound' ? GOOD_CLAIMS : { ...GOOD_CLAIMS, ...claims }
    const v = createVaultFor(
      session(),
      vaultSettingsOf(
        target({ login: 'jwt', method: 'jwt', role, sources: { jwt: { kind: 'value', value: makeJwt(c) } } }),
      ),
    )
    await expect(v.login()).rejects.toMatchObject({ kind: 'invalid', facts: { status: 400, error } })
  })

  it('a role the JWT mount does not have, a missing role and a JWT that is not one', async () => {
    const login = (role: string | undefined, jwt: string) =>
      createVaultFor(
        session(),
        vaultSettingsOf(
          target({ login: 'jwt', method: 'jwt', role, sources: { jwt: { kind: 'value', value: jwt } } }),
        ),
      ).login()
    await expect(login('nope', makeJwt(GOOD_CLAIMS))).rejects.toMatchObject({
      facts: { error: 'role "nope" could not be found' },
    })
    await expect(login(undefined, makeJwt(GOOD_CLAIMS))).rejects.toMatchObject({
      kind: 'invalid',
      message: 'JWT auth needs a role (vault.auth.role or auto_auth config.role)',
    })
    await expect(login('edge-pipeline', 'not-a-jwt')).rejects.toMatchObject({
      facts: { error: 'error parsing token: square/go-jose: compact JWS format must have three parts' },
    })
  })

  it('static and file tokens are read from their sources', async () => {
    const tokenFile = join(dir, 'token')
    writeFileSync(tokenFile, 'hvs.app-token-jobspec-000001\n')
    const v = createVaultFor(
      session(),
      vaultSettingsOf(
        target({ login: 'token', method: 'file', sources: { token: { kind: 'file', path: tokenFile } } }),
      ),
    )
    expect(await v.login()).toMatchObject({ method: 'token', source: `token from file ${tokenFile}` })
    expect((await v.tokenSelf()).displayName).toBe('token-expanso-edge')
  })

  it('names a client certificate without its key, and one that is no PEM', async () => {
    const half = createVaultFor(session(), { ...vaultSettingsOf(target({ sources: {} })), clientCert: ca })
    expect((await half.tlsInfo()).clientCertError).toBe('a client certificate without its key')
    const notPem = join(dir, 'key.pem')
    writeFileSync(notPem, 'not a key')
    const bad = createVaultFor(session(), {
      ...vaultSettingsOf(target({ sources: {} })),
      clientCert: ca,
      clientKey: notPem,
    })
    expect(await bad.tlsInfo()).toMatchObject({
      clientCert: ca,
      clientCertError: `the client key ${notPem} holds no PEM private key`,
    })
  })

  it("the doctor's own Vault logs in with method jwt (vault.auth.jwtPath)", async () => {
    const { api } = vaultSession({
      vault: {
        address: sim.url,
        caCert: ca,
        auth: { method: 'jwt', role: 'edge-pipeline', jwtPath: jwtFile('own.jwt', GOOD_CLAIMS) },
      },
    })
    expect(await api.login()).toMatchObject({ method: 'jwt', mount: 'jwt', role: 'edge-pipeline' })
  })

  it('every request was read-only', () => {
    expect(sim.requests.filter((r) => !isReadOnlyRequest(r))).toEqual([])
  })
})
