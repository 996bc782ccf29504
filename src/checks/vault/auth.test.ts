import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault, vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
import check from './auth.js'

const REMEDIES: Record<string, string[]> = {
  'no-credentials': ['vault.fix-login', 'auth.check-sa-annotations'],
  'role-not-found': ['vault.fix-login', 'vault.fix-auth-mount'],
  'sa-not-authorized': ['vault.fix-login', 'auth.check-sa-annotations'],
  'jwt-claims': ['vault.fix-login'],
  'login-denied': ['vault.fix-login', 'auth.review-audit-logs'],
  'auth-mount-missing': ['vault.fix-auth-mount'],
}

const loginFails = (e: Error) => fakeVault({ login: () => Promise.reject(e) })

describe('vault.auth', () => {
  it('passes and names the identity', async () => {
    const r = await runCheck(check, { vault: fakeVault() })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('kubernetes-expanso-system-expanso-edge')
  })
  it.each([
    ['no-credentials', vaultError('invalid', 'cannot read the service-account token /var/run/x')],
    ['role-not-found', vaultError('invalid', 'login', { status: 400, error: 'invalid role name "nope"' })],
    ['role-not-found', vaultError('invalid', 'login', { status: 400, error: 'invalid role or secret ID' })],
    ['sa-not-authorized', vaultError('denied', 'login', { status: 403, error: 'namespace not authorized' })],
    [
      'sa-not-authorized',
      vaultError('denied', 'login', { status: 403, error: 'service account name not authorized' }),
    ],
    ['jwt-claims', vaultError('denied', 'login', { status: 403, error: 'claim "iss" is invalid' })],
    [
      'jwt-claims',
      vaultError('denied', 'login', {
        status: 403,
        error: 'invalid audience (aud) claim: audience claim does not match any expected audience',
      }),
    ],
    ['login-denied', vaultError('denied', 'login', { status: 403, error: 'permission denied' })],
    [
      'auth-mount-missing',
      vaultError('not-found', 'login', {
        status: 404,
        error: 'no handler for route "auth/k8s/login". route entry not found.',
      }),
    ],
  ])('reports %s', async (key, err) => {
    const r = await runCheck(check, { vault: loginFails(err) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(REMEDIES[key])
  })
  it('tells a dead token (lookup-self refused with invalid token) from a policy problem', async () => {
    const dead = await runCheck(check, {
      vault: fakeVault({
        tokenSelf: () =>
          Promise.reject(
            vaultError('unauthenticated', 'x', { status: 403, error: 'permission denied; invalid token' }),
          ),
      }),
    })
    expect(findingKeys(dead)).toEqual(['token-invalid'])
    expect(remedyIds(dead)).toEqual(['vault.renew-token'])
    const noLookup = await runCheck(check, {
      vault: fakeVault({
        tokenSelf: () =>
          Promise.reject(vaultError('denied', 'x', { status: 403, error: 'permission denied' })),
      }),
    })
    expect(noLookup.status).toBe('warn')
    expect(findingKeys(noLookup)).toEqual(['lookup-denied'])
    expect(remedyIds(noLookup)).toEqual(['auth.verify-iam'])
  })
  it('leaves a network fault on the login to the runner (vault.health owns reaching Vault)', async () => {
    const r = await runCheck(check, {
      vault: loginFails(
        vaultFault(
          'redirect',
          'POST auth/kubernetes/login: v:8200 redirected (HTTP 307) to another host, w:1',
        ),
      ),
    })
    expect(r.status).toBe('error')
    expect(r.summary).toContain('redirected (HTTP 307) to another host')
  })
})

describe('vault.auth with the JWT method', () => {
  const jwtSettings = async () => ({
    address: 'https://vault.example.com:8200',
    skipVerify: false,
    auth: {
      method: 'jwt',
      methodSource: 'config' as const,
      role: 'edge',
      mount: 'jwt',
      jwtPath: '/run/edge.jwt',
    },
  })
  it("reads the JWT plugin's unknown role as role-not-found, and fills the login to repeat", async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        settings: jwtSettings,
        login: () =>
          Promise.reject(
            vaultError('invalid', 'login', { status: 400, error: 'role "edge" could not be found' }),
          ),
      }),
    })
    expect(findingKeys(r)).toEqual(['role-not-found'])
    expect(remedyIds(r)).toEqual(REMEDIES['role-not-found'])
    expect(r.remedies.find((x) => x.id === 'vault.fix-login')?.commands).toEqual([
      'vault write auth/jwt/login role=edge jwt=@/run/edge.jwt',
      'vault read auth/jwt/role/edge',
    ])
  })
})
