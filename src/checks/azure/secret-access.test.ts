import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { azureError, fakeAzure, OBJECT_ID, type FakeAzure } from '../../../test/fixtures/azure/fake-api.js'
import check from './secret-access.js'

const secrets = [{ name: 'kafka-username' }, { name: 'api-token' }]
const run = (f: FakeAzure, list: { name: string; keys?: string[] }[] = secrets) =>
  runCheck(check, {
    config: { azure: { vaultUrl: 'https://expanso-secrets.vault.azure.net', secrets: list } },
    azure: fakeAzure(f),
  })
const ok = { 'kafka-username': {}, 'api-token': {} }
const RESOURCE =
  '/subscriptions/0000/resourcegroups/expanso-rg/providers/microsoft.keyvault/vaults/expanso-secrets/secrets/api-token'

describe('azure.secret-access', () => {
  it('passes when every secret is readable and non-empty', async () => {
    const r = await run({ secrets: ok })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('2 secrets readable and non-empty')
  })

  it('skips without secrets or without a vault URL', async () => {
    expect((await run({ secrets: ok }, [])).skipReason).toBe('not-applicable')
    expect((await run({ secrets: ok, vaultUrl: undefined })).skipReason).toBe('not-applicable')
  })

  it('names the RBAC denial with a role assignment command at the scope Key Vault reported', async () => {
    const r = await run({
      secrets: {
        ...ok,
        'api-token': azureError(
          'denied',
          'secret api-token: Caller is not authorized to perform action on resource.',
          {
            status: 403,
            innerCode: 'ForbiddenByRbac',
            callerObjectId: OBJECT_ID,
            resource: RESOURCE,
          },
        ),
      },
    })
    expect(findingKeys(r)).toEqual(['denied-rbac'])
    expect(remedyIds(r)).toEqual(['azure.rbac-secrets-user', 'auth.verify-iam'])
    expect(r.symptom).toBe('permission-denied')
    expect(r.summary).toContain(`denies object ${OBJECT_ID} getSecret on api-token`)
    expect(r.remedies.find((x) => x.id === 'azure.rbac-secrets-user')?.commands).toEqual([
      `az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${OBJECT_ID} --assignee-principal-type ServicePrincipal --scope "${RESOURCE}"`,
    ])
  })

  it('names the access-policy denial with a set-policy command', async () => {
    const r = await run({
      secrets: {
        ...ok,
        'kafka-username': azureError(
          'denied',
          'secret kafka-username: does not have secrets get permission',
          {
            status: 403,
            innerCode: 'AccessDenied',
            callerObjectId: OBJECT_ID,
          },
        ),
      },
    })
    expect(findingKeys(r)).toEqual(['denied-access-policy'])
    expect(remedyIds(r)).toEqual(['azure.access-policy-get', 'auth.verify-iam'])
    expect(r.remedies[0]?.commands).toEqual([
      `az keyvault set-policy --name expanso-secrets --object-id ${OBJECT_ID} --secret-permissions get`,
    ])
  })

  it('falls back to the token object id and a vault-level scope when the denial names neither', async () => {
    const r = await run({
      vaultName: undefined,
      secrets: {
        ...ok,
        'api-token': azureError('denied', 'secret api-token: denied', {
          innerCode: 'ForbiddenByRbac',
          vault: 'kv2',
        }),
      },
    })
    expect(r.remedies[0]?.commands?.[0]).toContain(
      `--assignee-object-id ${OBJECT_ID} --assignee-principal-type ServicePrincipal --scope "$(az keyvault show --name kv2 --query id -o tsv)/secrets/api-token"`,
    )
  })

  it('reports other denials (Azure Policy) with their inner code', async () => {
    const r = await run({
      secrets: {
        ...ok,
        'api-token': azureError('denied', 'secret api-token: The policy requires the caller to use OBO', {
          innerCode: 'ForbiddenByPolicy',
        }),
      },
    })
    expect(findingKeys(r)).toEqual(['denied'])
    expect(r.summary).toContain('(ForbiddenByPolicy)')
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.review-audit-logs'])
  })

  it('reports the firewall with a network rule for the client address', async () => {
    const err = azureError('denied', 'secret x: Client address is not authorized', {
      innerCode: 'ForbiddenByFirewall',
      clientAddress: '203.0.113.7',
    })
    const r = await run({ secrets: { 'kafka-username': err, 'api-token': err } })
    expect(findingKeys(r)).toEqual(['network-blocked'])
    expect(remedyIds(r)).toEqual(['azure.network-access'])
    expect(r.remedies[0]?.commands?.[0]).toBe(
      'az keyvault network-rule add --name expanso-secrets --ip-address 203.0.113.7',
    )
  })

  it('separates disabled, missing, empty and keyless secrets, one finding each', async () => {
    const r = await run(
      {
        secrets: {
          'kafka-username': azureError(
            'denied',
            'secret kafka-username: Operation get is not allowed on a disabled secret.',
            {
              innerCode: 'SecretDisabled',
            },
          ),
          'api-token': { value: 'empty' },
          'db-creds': { keys: { user: 'set' } },
        },
      },
      [
        { name: 'kafka-username' },
        { name: 'api-token' },
        { name: 'gone' },
        { name: 'db-creds', keys: ['user', 'password'] },
      ],
    )
    expect(findingKeys(r).sort()).toEqual(['disabled', 'empty-value', 'missing-keys', 'not-found'])
    expect(remedyIds(r).sort()).toEqual([
      'auth.confirm-secret-paths',
      'azure.enable-secret',
      'refresh.monitor-rotation',
    ])
    expect(r.remedies.find((x) => x.id === 'azure.enable-secret')?.commands).toEqual([
      'az keyvault secret set-attributes --vault-name expanso-secrets --name kafka-username --enabled true',
    ])
    expect(r.remedies.find((x) => x.id === 'auth.confirm-secret-paths')?.commands).toContain(
      'az keyvault secret list --vault-name expanso-secrets --query "[].name" -o tsv',
    )
    expect(r.findings?.find((f) => f.key === 'missing-keys')?.items).toEqual([
      { name: 'db-creds', detail: 'missing password' },
    ])
  })

  it('flags a non-JSON value when keys are expected', async () => {
    const r = await run({ secrets: { a: {} } }, [{ name: 'a', keys: ['k'] }])
    expect(r.findings?.[0]?.items).toEqual([{ name: 'a', detail: 'the value is not a JSON object' }])
  })

  it('names expected keys that are present but hold nothing', async () => {
    const r = await run({ secrets: { a: { keys: { user: 'set', password: 'empty', token: 'null' } } } }, [
      { name: 'a', keys: ['user', 'password', 'token', 'host'] },
    ])
    expect(findingKeys(r)).toEqual(['missing-keys'])
    expect(r.findings?.[0]?.items).toEqual([
      { name: 'a', detail: 'missing host; password is empty; token is null' },
    ])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths'])
  })

  it('reports a token Key Vault rejects, throttling, TLS and an unreachable vault', async () => {
    const one = (e: ReturnType<typeof azureError>) => run({ secrets: { a: e } }, [{ name: 'a' }])
    const rejected = await one(azureError('unauthenticated', 'secret a: AKV10032: Invalid issuer.'))
    expect(findingKeys(rejected)).toEqual(['token-rejected'])
    expect(remedyIds(rejected)).toEqual(['azure.client-tenant-ids', 'auth.review-audit-logs'])
    const throttled = await one(
      azureError('throttled', 'secret a: HTTP 429 Throttled: Request was not processed (Retry-After 7)', {
        status: 429,
        retryAfter: '7',
      }),
    )
    expect([throttled.status, ...findingKeys(throttled)]).toEqual(['warn', 'throttled'])
    expect(throttled.summary).toBe(
      'Key Vault throttled the reads of a: HTTP 429 Throttled: Request was not processed (Retry-After 7)',
    )
    expect(remedyIds(throttled)).toEqual(['latency.cache-locally', 'latency.retry-backoff'])
    const tls = await one(
      azureError('tls', 'secret a: unable to verify the first certificate', {}, 'tls-untrusted'),
    )
    expect(findingKeys(tls)).toEqual(['tls'])
    expect(remedyIds(tls)).toEqual(['azure.trust-ca'])
    const down = await one(
      azureError(
        'timeout',
        'secret a: no answer from expanso-secrets.vault.azure.net:443 within 3.8s (timeout)',
        {},
        'no-answer',
      ),
    )
    expect(findingKeys(down)).toEqual(['unreachable'])
    expect(down.summary).toBe(
      'cannot reach Key Vault https://expanso-secrets.vault.azure.net: no answer from expanso-secrets.vault.azure.net:443 within 3.8s (timeout)',
    )
    expect(remedyIds(down)).toEqual(['azure.network-access', 'latency.regional-endpoints'])
  })

  it('fails as unreachable when a proxy page, a redirect or a server error answers instead of Key Vault', async () => {
    const one = (e: ReturnType<typeof azureError>) => run({ secrets: { a: e } }, [{ name: 'a' }])
    const page = await one(
      azureError(
        'unexpected',
        'secret a: expanso-secrets.vault.azure.net:443 answered HTTP 200 (text/html), not Azure Key Vault',
        { status: 200, contentType: 'text/html' },
        'not-the-service',
      ),
    )
    expect([page.status, ...findingKeys(page)]).toEqual(['fail', 'unreachable'])
    expect(page.summary).toContain('answered HTTP 200 (text/html), not Azure Key Vault')
    const moved = await one(
      azureError(
        'unexpected',
        'secret a: expanso-secrets.vault.azure.net:443 redirected (HTTP 307) to another host, evil.example:443; the doctor sends no credentials there',
        { status: 307 },
        'redirect',
      ),
    )
    expect(findingKeys(moved)).toEqual(['unreachable'])
    expect(moved.summary).toContain('redirected (HTTP 307) to another host')
    const down = await one(
      azureError('unavailable', 'secret a: HTTP 500 InternalError: oops', { status: 500 }),
    )
    expect(findingKeys(down)).toEqual(['unreachable'])
  })

  it('names a vault that belongs to another tenant than the identity', async () => {
    const r = await run(
      {
        secrets: {
          a: azureError(
            'unauthenticated',
            'secret a: The current credential is not configured to acquire tokens for tenant 11111111-2222-3333-4444-555555555555. To enable …',
            { credentialUnavailable: 1 },
          ),
        },
      },
      [{ name: 'a' }],
    )
    expect(findingKeys(r)).toEqual(['wrong-tenant'])
    expect(remedyIds(r)).toEqual(['azure.client-tenant-ids'])
    expect(r.summary).toBe(
      'vault expanso-secrets belongs to tenant 11111111-2222-3333-4444-555555555555, but the identity signs in to tenant 72f988bf-86f1-41af-91ab-2d7cd011db47',
    )
    expect(r.remedies[0]?.commands).toEqual([
      'az keyvault show --name expanso-secrets --query properties.tenantId -o tsv',
    ])
  })

  it('leaves unexpected answers to the runner', async () => {
    expect(
      (await run({ secrets: { a: azureError('unexpected', 'HTTP 500') } }, [{ name: 'a' }])).status,
    ).toBe('error')
  })
})
