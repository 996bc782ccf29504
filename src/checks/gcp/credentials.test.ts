import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  EMAIL,
  fakeGcp,
  gerr,
  keyCredentials,
  metadataFault,
  notTheService,
  tokenFault,
  type FakeGcp,
} from '../../../test/fixtures/gcp/fake-api.js'
import check from './credentials.js'

const config = { gcp: { project: 'my-project', secrets: [{ name: 'expanso-pipeline-credentials' }] } }
const run = (credentials: FakeGcp['credentials'], raw: Record<string, unknown> = config) =>
  runCheck(check, { config: raw, gcp: fakeGcp({ credentials }) })

describe('gcp.credentials', () => {
  it('passes and names the source, identity and project', async () => {
    const r = await run(keyCredentials)
    expect(r.status).toBe('pass')
    expect(r.summary).toBe(`${EMAIL} via service-account-key`)
    expect(r.details).toContain('project: my-project (from config)')
  })

  it('no-credentials: nothing resolves', async () => {
    const r = await run(gerr('invalid', 'no ADC', { reason: 'no-credentials', detection: 'none' }))
    expect(findingKeys(r)).toEqual(['no-credentials'])
    expect(r.summary).toMatch(/METADATA_SERVER_DETECTION=none/)
    expect(remedyIds(r)).toEqual(['gcp.configure-adc', 'auth.check-sa-annotations'])
  })

  it('file-missing: GOOGLE_APPLICATION_CREDENTIALS names a missing file', async () => {
    const r = await run(
      gerr('invalid', 'missing', {
        reason: 'file-missing',
        file: '/k.json',
        from: 'GOOGLE_APPLICATION_CREDENTIALS',
        error: 'ENOENT',
      }),
    )
    expect(r.status).toBe('fail')
    expect(r.summary).toBe(
      'credentials file /k.json (from GOOGLE_APPLICATION_CREDENTIALS) does not exist or cannot be read',
    )
    expect(remedyIds(r)).toEqual(['gcp.configure-adc'])
  })

  it('file-invalid: not JSON', async () => {
    const r = await run(
      gerr('invalid', 'credentials file /k.json (from config) is not JSON', { reason: 'file-invalid' }),
    )
    expect(findingKeys(r)).toEqual(['file-invalid'])
    expect(remedyIds(r)).toEqual(['gcp.configure-adc'])
  })

  it('key-rejected: the key was deleted', async () => {
    const r = await run(
      gerr('unauthenticated', 'refused', {
        reason: 'token-rejected',
        error: 'invalid_grant',
        description: 'Invalid JWT Signature.',
        principal: EMAIL,
        keyId: 'abc',
      }),
    )
    expect(findingKeys(r)).toEqual(['key-rejected'])
    expect(r.summary).toContain('invalid_grant: Invalid JWT Signature.')
    expect(r.remedies[0]?.commands).toContain(`gcloud iam service-accounts keys list --iam-account ${EMAIL}`)
    expect(remedyIds(r)).toEqual(['gcp.replace-key', 'auth.verify-iam'])
  })

  it('clock-rejected: the assertion is outside the time window', async () => {
    const r = await run(
      gerr('unauthenticated', 'refused', {
        reason: 'token-rejected',
        error: 'invalid_grant',
        description:
          'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
        principal: EMAIL,
      }),
    )
    expect(findingKeys(r)).toEqual(['clock-rejected'])
    expect(remedyIds(r)).toEqual(['gcp.sync-clock'])
  })

  it('wi-binding-missing: the GKE metadata server refuses the token', async () => {
    const r = await run(
      gerr('denied', 'refused', {
        reason: 'metadata-token-denied',
        status: 403,
        principal: EMAIL,
        body: "Permission 'iam.serviceAccounts.getAccessToken' denied",
        kubernetesServiceAccount: 'expanso-system/expanso-edge',
      }),
    )
    expect(findingKeys(r)).toEqual(['wi-binding-missing'])
    expect(r.remedies[0]?.commands?.[0]).toBe(
      `gcloud iam service-accounts add-iam-policy-binding ${EMAIL} --role roles/iam.workloadIdentityUser --member "serviceAccount:my-project.svc.id.goog[expanso-system/expanso-edge]"`,
    )
    expect(remedyIds(r)).toEqual(['gcp.workload-identity-binding', 'auth.check-sa-annotations'])
  })

  it('unreachable: the token endpoint does not answer', async () => {
    const r = await run(tokenFault('no-answer', 5000))
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(r.summary).toBe('token endpoint: no answer from oauth2.googleapis.com:443 within 5s (timeout)')
    expect(remedyIds(r)).toEqual(['gcp.network-reach'])
  })

  it('unreachable: the token endpoint answers a login page, named with status and content type', async () => {
    const r = await run(
      notTheService(
        200,
        'text/html; charset=utf-8',
        'token endpoint',
        'https://oauth2.googleapis.com/token',
        'a Google OAuth 2.0 token endpoint',
      ),
    )
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(r.summary).toBe(
      'token endpoint: oauth2.googleapis.com:443 answered HTTP 200 (text/html), not a Google OAuth 2.0 token endpoint',
    )
    expect(remedyIds(r)).toEqual(['gcp.network-reach'])
  })

  it('metadata-unreachable: the GKE metadata server is not ready', async () => {
    const r = await run(metadataFault('refused'))
    expect(findingKeys(r)).toEqual(['metadata-unreachable'])
    expect(r.summary).toBe('metadata server: 169.254.169.254:80 refused the connection (ECONNREFUSED)')
    expect(remedyIds(r)).toEqual(['gcp.metadata-wait', 'latency.retry-backoff'])
    expect(r.remedies[0]?.commands?.[0]).toBe(
      "curl -sf -H 'Metadata-Flavor: Google' http://169.254.169.254:80/computeMetadata/v1/instance/service-accounts/default/email",
    )
  })

  it('a kind without a network fault is not reported as unreachable', async () => {
    const r = await run(gerr('timeout', 'something timed out inside the library'))
    expect(r.status).toBe('error')
  })

  it('node-service-account: Workload Identity is not in effect', async () => {
    const r = await run({
      source: 'metadata-server',
      principal: '123456789012-compute@developer.gserviceaccount.com',
      project: 'my-project',
      projectFrom: 'metadata',
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['node-service-account'])
    expect(remedyIds(r)).toEqual(['gcp.enable-gke-metadata', 'auth.check-sa-annotations'])
  })

  it('user-credentials: a personal gcloud login', async () => {
    const r = await run({
      source: 'authorized-user',
      file: '/home/u/.config/gcloud/application_default_credentials.json',
      fileFrom: 'gcloud',
      project: 'p',
    })
    expect(findingKeys(r)).toEqual(['user-credentials'])
    expect(remedyIds(r)).toEqual(['gcp.workload-credentials', 'bp.short-lived-credentials'])
  })

  it('no-project: short secret names without a project', async () => {
    const r = await run(
      { ...keyCredentials, project: undefined, projectFrom: undefined },
      { gcp: { secrets: [{ name: 's' }] } },
    )
    expect(findingKeys(r)).toEqual(['no-project'])
    expect(remedyIds(r)).toEqual(['gcp.set-project'])
  })

  it('an unexpected answer is left to the runner as error', async () => {
    const r = await run(
      gerr('unexpected', 'metadata server has no default service account', { reason: 'metadata-no-account' }),
    )
    expect(r.status).toBe('error')
  })
})
