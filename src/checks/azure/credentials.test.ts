import { describe, expect, it } from 'vitest'
import { RunRecorder } from '../../core/recorder.js'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  azureError,
  CLIENT_ID,
  fakeAzure,
  OBJECT_ID,
  type FakeAzure,
} from '../../../test/fixtures/azure/fake-api.js'
import check from './credentials.js'

const config = {
  azure: { vaultUrl: 'https://expanso-secrets.vault.azure.net', secrets: [{ name: 'kafka-username' }] },
}
const run = (f: FakeAzure, recorder = new RunRecorder()) =>
  runCheck(check, { config, azure: fakeAzure(f), recorder })
const entra = (aadsts: string, text = 'refused') =>
  azureError('unauthenticated', `token from https://login.microsoftonline.com: ${aadsts}: ${text}`, {
    aadsts,
  })

describe('azure.credentials', () => {
  it('passes with the client, object and tenant ids, and records the identity', async () => {
    const recorder = new RunRecorder()
    const r = await run({}, recorder)
    expect(r.status).toBe('pass')
    expect(r.summary).toContain(`client ${CLIENT_ID} (object ${OBJECT_ID})`)
    expect(recorder.identities).toMatchObject([
      { provider: 'azure', principal: OBJECT_ID, source: 'workload-identity' },
    ])
  })

  it('names the missing workload-identity variable of a half-injected pod', async () => {
    const r = await run({ plan: { source: 'managed-identity', missing: ['AZURE_FEDERATED_TOKEN_FILE'] } })
    expect(findingKeys(r)).toEqual(['wi-env-incomplete'])
    expect(r.summary).toContain('AZURE_FEDERATED_TOKEN_FILE not set')
    expect(remedyIds(r)).toEqual(['azure.workload-identity-injection', 'auth.check-sa-annotations'])
  })

  it('reports an unreadable projected token file', async () => {
    const r = await run({
      federated: { path: '/var/run/secrets/azure/tokens/azure-identity-token', error: 'ENOENT' },
    })
    expect(findingKeys(r)).toEqual(['token-file-unreadable'])
    expect(r.status).toBe('fail')
    expect(remedyIds(r)).toEqual(['azure.workload-identity-injection', 'auth.check-sa-annotations'])
  })

  it.each(['AADSTS70021', 'AADSTS700211'])(
    'turns %s into a federated-credential fix filled with the token claims',
    async (code) => {
      const r = await run({ token: entra(code, 'No matching federated identity record found') })
      expect(findingKeys(r)).toEqual(['federated-mismatch'])
      expect(remedyIds(r)).toEqual(['azure.federated-credential', 'auth.check-sa-annotations'])
      expect(r.summary).toContain('subject system:serviceaccount:expanso-system:expanso-edge')
      const fix = r.remedies.find((x) => x.id === 'azure.federated-credential')
      expect(fix?.commands?.join('\n')).toContain(
        '--issuer "https://oidc.prod-aks.azure.com/1111/" --subject "system:serviceaccount:expanso-system:expanso-edge" --audience api://AzureADTokenExchange',
      )
      expect(fix?.commands?.[0]).toContain(CLIENT_ID)
    },
  )

  it('reports an expired assertion (AADSTS700024) with the token expiry', async () => {
    const expired = new Date(Date.now() - 3600_000)
    const r = await run({
      token: entra('AADSTS700024', 'Client assertion is not within its valid time range.'),
      federated: { path: '/t', issuer: 'i', subject: 's', expiresAt: expired },
    })
    expect(findingKeys(r)).toEqual(['assertion-expired'])
    expect(r.summary).toContain(expired.toISOString())
    expect(remedyIds(r)).toContain('azure.refresh-federated-token')
  })

  it('tells an unknown client id, an unknown tenant and a rejected client secret apart', async () => {
    const client = await run({ token: entra('AADSTS700016') })
    expect(findingKeys(client)).toEqual(['unknown-client'])
    expect(remedyIds(client)).toEqual(['azure.client-tenant-ids', 'auth.check-sa-annotations'])
    const tenant = await run({ token: entra('AADSTS90002') })
    expect(findingKeys(tenant)).toEqual(['unknown-tenant'])
    expect(remedyIds(tenant)).toEqual(['azure.client-tenant-ids'])
    const secret = await run({
      plan: { source: 'client-secret', tokenFile: undefined },
      token: entra('AADSTS7000215'),
    })
    expect(findingKeys(secret)).toEqual(['client-secret-rejected'])
    expect(remedyIds(secret)).toEqual(['azure.client-secret', 'bp.short-lived-credentials'])
    expect(secret.remedies.find((x) => x.id === 'azure.client-secret')?.commands).toEqual([
      `az ad app credential list --id ${CLIENT_ID} -o table`,
    ])
  })

  it('reports any other AADSTS refusal verbatim', async () => {
    const r = await run({ token: entra('AADSTS7000112', 'Application is disabled.') })
    expect(findingKeys(r)).toEqual(['rejected'])
    expect(r.summary).toContain('AADSTS7000112: Application is disabled.')
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.review-audit-logs'])
  })

  it('reports no credential when managed identity is unavailable', async () => {
    const r = await run({
      plan: { source: 'managed-identity', tokenFile: undefined, missing: [] },
      federated: undefined,
      token: azureError('unauthenticated', 'ManagedIdentityCredential: no managed identity endpoint', {
        credentialUnavailable: 1,
      }),
    })
    expect(findingKeys(r)).toEqual(['no-credential'])
    expect(remedyIds(r)).toEqual(['azure.workload-identity-injection', 'auth.check-sa-annotations'])
    const silent = await run({
      plan: { source: 'managed-identity', tokenFile: undefined, missing: [] },
      federated: undefined,
      token: azureError(
        'timeout',
        'token from https://login.microsoftonline.com: no answer from login.microsoftonline.com:443 within 3.8s (timeout)',
        {},
        'no-answer',
      ),
    })
    expect(findingKeys(silent)).toEqual(['no-credential'])
  })

  it('fails as unreachable or TLS when the authority cannot be reached', async () => {
    const hole = await run({
      token: azureError(
        'timeout',
        'token from https://login.microsoftonline.com: no answer from login.microsoftonline.com:443 within 3.8s (timeout)',
        {},
        'no-answer',
      ),
    })
    expect(findingKeys(hole)).toEqual(['unreachable'])
    expect(hole.summary).toBe(
      'cannot reach the Entra authority https://login.microsoftonline.com: no answer from login.microsoftonline.com:443 within 3.8s (timeout)',
    )
    expect(remedyIds(hole)).toEqual(['azure.authority-reach'])
    expect(
      findingKeys(
        await run({
          token: azureError('refused', 'connect ECONNREFUSED', {}, 'refused'),
        }),
      ),
    ).toEqual(['unreachable'])
    const tls = await run({
      token: azureError('tls', 'self-signed certificate in certificate chain', {}, 'tls-untrusted'),
    })
    expect(findingKeys(tls)).toEqual(['tls'])
    expect(remedyIds(tls)).toEqual(['azure.trust-ca', 'azure.authority-reach'])
    const ca = await run({
      token: azureError('invalid', 'azure.caCert: /etc/ssl/proxy.pem holds no PEM certificate', {
        caCert: '/etc/ssl/proxy.pem',
      }),
    })
    expect(ca.summary).toBe(
      'TLS to the Entra authority https://login.microsoftonline.com failed: azure.caCert: /etc/ssl/proxy.pem holds no PEM certificate',
    )
  })

  it('fails as unreachable when something else answers for Entra, or Entra answers with a server error', async () => {
    const page = await run({
      token: azureError(
        'unavailable',
        'token from https://login.microsoftonline.com: login.microsoftonline.com:443 answered HTTP 502 (text/html), not Microsoft Entra',
        { status: 502, contentType: 'text/html' },
        'not-the-service',
      ),
    })
    expect([page.status, ...findingKeys(page)]).toEqual(['fail', 'unreachable'])
    expect(page.summary).toContain('answered HTTP 502 (text/html), not Microsoft Entra')
    expect(remedyIds(page)).toEqual(['azure.authority-reach'])
    const down = await run({
      token: azureError('unavailable', 'token from x: HTTP 503 temporarily_unavailable'),
    })
    expect(findingKeys(down)).toEqual(['unreachable'])
  })

  it('fails as throttled when Entra answers 429, naming Retry-After', async () => {
    const r = await run({
      token: azureError(
        'throttled',
        'token from https://login.microsoftonline.com: HTTP 429 (Retry-After 7)',
        { status: 429, retryAfter: '7' },
      ),
    })
    expect([r.status, ...findingKeys(r)]).toEqual(['fail', 'throttled'])
    expect(r.summary).toBe(
      'Entra throttled the token request to https://login.microsoftonline.com: HTTP 429 (Retry-After 7)',
    )
    expect(remedyIds(r)).toEqual(['latency.retry-backoff', 'latency.cache-locally'])
  })

  it('leaves an unclassified provider error to the runner (error, not a guess)', async () => {
    expect((await run({ token: azureError('unexpected', 'HTTP 500') })).status).toBe('error')
  })
})
