import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  at,
  fakeJobspec,
  JWT_FILE,
  ROLE_ID_FILE,
  setup,
  type FakeJobspecOptions,
} from '../../../test/fixtures/jobspec/fake.js'
import { vaultError, vaultFault } from '../../../test/fixtures/vault/fake-api.js'
import type { VaultApi } from '../../providers/jobspec/api.js'
import check from './vault-login.js'

const only = (entry: string, over: Partial<VaultApi>): FakeJobspecOptions => ({
  vault: (t) => (t.entry === `secret_providers.${entry}` ? over : {}),
})
const refuse = (entry: string, e: Error) => only(entry, { login: () => Promise.reject(e) })
const run = (o: FakeJobspecOptions = {}, s = setup()) => runCheck(check, { jobspec: fakeJobspec(o), ...s })

describe('jobspec.vault-login', () => {
  it('logs in with each entry’s own method and sources', async () => {
    const api = fakeJobspec()
    const r = await runCheck(check, { jobspec: api, ...setup() })
    expect(r.status).toBe('pass')
    expect(api.targets.map((t) => [t.entry, t.login, t.role, t.sources])).toEqual([
      [
        'secret_providers.corp_vault',
        'approle',
        undefined,
        {
          roleId: { kind: 'file', path: ROLE_ID_FILE },
          secretId: { kind: 'env', name: 'EDGE_VAULT_SECRET_ID' },
        },
      ],
      ['secret_providers.ci_vault', 'jwt', 'edge-pipeline', { jwt: { kind: 'file', path: JWT_FILE } }],
    ])
  })

  it('maps static and file tokens, and kubernetes to its default token file', async () => {
    const api = fakeJobspec()
    const s = setup({
      change: (spec) => {
        at(spec, 'secret_providers', 'corp_vault').auth = { method: 'static', token_env: 'EDGE_VAULT_TOKEN' }
        at(spec, 'secret_providers', 'ci_vault').auth = { method: 'kubernetes', role: 'expanso-edge' }
        at(spec, 'secret_providers').file_vault = {
          provider: 'hashicorp_vault',
          address: 'https://vault.internal:8200',
          auth: { method: 'file', path: '/run/vault/token' },
        }
        at(spec, 'secrets').DB = { from: 'file_vault', mount: 'kv', secret_path: 'db', field: 'password' }
      },
      env: { EDGE_VAULT_TOKEN: 'hvs.x' },
    })
    await runCheck(check, { jobspec: api, ...s })
    expect(api.targets.map((t) => [t.method, t.login, t.sources])).toEqual([
      ['static', 'token', { token: { kind: 'env', name: 'EDGE_VAULT_TOKEN' } }],
      [
        'kubernetes',
        'kubernetes',
        { jwt: { kind: 'file', path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
      ],
      ['file', 'token', { token: { kind: 'file', path: '/run/vault/token' } }],
    ])
  })

  it.each<[string, FakeJobspecOptions, string, string[]]>([
    [
      'an old secret_id',
      refuse(
        'corp_vault',
        vaultError('invalid', 'POST auth/approle/login: HTTP 400', {
          status: 400,
          error: 'invalid role or secret ID',
        }),
      ),
      'bad-credentials',
      ['vault.fix-login', 'auth.review-audit-logs'],
    ],
    [
      'a JWT role that does not exist',
      refuse(
        'ci_vault',
        vaultError('invalid', 'HTTP 400', { status: 400, error: 'role "edge-pipeline" could not be found' }),
      ),
      'role-not-found',
      ['vault.fix-login', 'vault.fix-auth-mount'],
    ],
    [
      'an audience the role does not accept',
      refuse(
        'ci_vault',
        vaultError('invalid', 'HTTP 400', {
          status: 400,
          error: 'error validating claims: aud claim does not match any bound audience',
        }),
      ),
      'jwt-claims',
      ['vault.fix-login'],
    ],
    [
      'a service account the role is not bound to',
      refuse(
        'ci_vault',
        vaultError('denied', 'HTTP 403', { status: 403, error: 'service account name not authorized' }),
      ),
      'sa-not-authorized',
      ['auth.check-sa-annotations', 'vault.fix-login'],
    ],
    [
      'no AppRole at auth/approle',
      refuse(
        'corp_vault',
        vaultError('not-found', 'HTTP 404', {
          status: 404,
          error: 'no handler for route "auth/approle/login". route entry not found.',
        }),
      ),
      'auth-mount-missing',
      ['vault.fix-auth-mount'],
    ],
    [
      'an unset variable at login time',
      refuse(
        'corp_vault',
        vaultError('invalid', 'the AppRole secret_id variable EDGE_VAULT_SECRET_ID is not set'),
      ),
      'no-credentials',
      ['jobspec.credential-source'],
    ],
    [
      'a bare permission denied',
      refuse('ci_vault', vaultError('denied', 'HTTP 403', { status: 403, error: 'permission denied' })),
      'login-denied',
      ['vault.fix-login', 'auth.review-audit-logs'],
    ],
    [
      'a token about to end',
      only('corp_vault', {
        tokenSelf: async () => ({
          displayName: 'approle',
          policies: ['default'],
          identityPolicies: [],
          ttlSec: 120,
          creationTtlSec: 3600,
          renewable: true,
        }),
      }),
      'token-expiring',
      ['vault.renew-token'],
    ],
    [
      'a token that may not look itself up',
      only('corp_vault', {
        tokenSelf: () =>
          Promise.reject(vaultError('denied', 'HTTP 403', { status: 403, error: 'permission denied' })),
      }),
      'lookup-denied',
      ['auth.verify-iam'],
    ],
  ])('%s', async (_name, o, key, remedies) => {
    const r = await run(o)
    expect(findingKeys(r)).toEqual([key])
    expect(r.findings?.[0]?.items?.[0]?.name).toMatch(/^secret_providers\.(corp|ci)_vault\.auth$/)
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('a static token Vault no longer knows, and one that cannot be renewed', async () => {
    const s = setup({
      change: (spec) => {
        at(spec, 'secret_providers', 'corp_vault').auth = { method: 'static', token_file: '/run/vault/token' }
        at(spec, 'secret_providers', 'ci_vault').auth = { method: 'file', path: '/run/vault/token' }
      },
      files: { '/run/vault/token': 'hvs.x' },
    })
    const r = await run(
      {
        vault: (t) =>
          t.method === 'static'
            ? {
                login: () =>
                  Promise.reject(
                    vaultError('unauthenticated', 'HTTP 403', {
                      status: 403,
                      error: 'permission denied; invalid token',
                    }),
                  ),
              }
            : {
                tokenSelf: async () => ({
                  displayName: 'token',
                  policies: ['default'],
                  identityPolicies: [],
                  ttlSec: 7200,
                  creationTtlSec: 7200,
                  renewable: false,
                }),
              },
      },
      s,
    )
    expect(findingKeys(r)).toEqual(['token-invalid', 'token-not-renewable'])
    expect(r.findings?.[0]?.message).toContain(
      'the token from file /run/vault/token is expired, revoked or unknown',
    )
    expect(remedyIds(r)).toEqual(['vault.renew-token'])
  })

  it('fills the login to reproduce by hand', async () => {
    const r = await run(
      refuse('ci_vault', vaultError('invalid', 'HTTP 400', { status: 400, error: 'missing role' })),
    )
    expect(r.remedies.find((x) => x.id === 'vault.fix-login')?.commands).toEqual([
      'vault write auth/approle/login role_id=<role_id> secret_id=<secret_id>',
      'vault write auth/jwt/login role=edge-pipeline jwt=@<jwt file>',
      'vault read auth/jwt/role/edge-pipeline',
    ])
  })

  it('lets a fault on the way through to the runner', async () => {
    const r = await run(
      refuse('corp_vault', vaultFault('not-the-service', 'answered HTTP 502 (text/html), not Vault')),
    )
    expect(r.status).toBe('error')
  })
})
