import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  EMAIL,
  fakeGcp,
  gerr,
  gfault,
  jsonPayload,
  notTheService,
  type FakeGcp,
} from '../../../test/fixtures/gcp/fake-api.js'
import check from './secret-access.js'

const S = 'expanso-pipeline-credentials'
const config = { gcp: { project: 'my-project', secrets: [{ name: S }] } }
const run = (access: FakeGcp['access'], raw: Record<string, unknown> = config) =>
  runCheck(check, { config: raw, gcp: fakeGcp({ access }) })
const denied = (reason: string, extra = {}) =>
  gerr(
    'denied',
    `Permission 'secretmanager.versions.access' denied for resource 'projects/my-project/secrets/${S}/versions/latest' (or it may not exist).`,
    {
      status: 403,
      code: 'PERMISSION_DENIED',
      reason,
      permission: 'secretmanager.versions.access',
      ...extra,
    },
  )

describe('gcp.secret-access', () => {
  it('passes when every secret is readable', async () => {
    const r = await run({ [S]: jsonPayload({ a: 'set' }) })
    expect(r.status).toBe('pass')
    expect(r.details).toEqual([`${S} → projects/123456789012/secrets/${S}/versions/3`])
  })

  it('skips without configured secrets', async () => {
    const r = await run({}, { gcp: { project: 'p' } })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
  })

  it('permission-denied: names the member and fills the binding command', async () => {
    const r = await run({ [S]: denied('IAM_PERMISSION_DENIED') })
    expect(findingKeys(r)).toEqual(['permission-denied'])
    expect(r.summary).toBe(
      `${EMAIL} may not access ${S} (IAM_PERMISSION_DENIED on secretmanager.versions.access)`,
    )
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'])
    expect(r.remedies[0]?.commands).toEqual([
      `gcloud secrets add-iam-policy-binding ${S} --project my-project --member serviceAccount:${EMAIL} --role roles/secretmanager.secretAccessor`,
    ])
  })

  it('api-disabled: SERVICE_DISABLED is not an IAM problem', async () => {
    const r = await run({ [S]: denied('SERVICE_DISABLED', { service: 'secretmanager.googleapis.com' }) })
    expect(findingKeys(r)).toEqual(['api-disabled'])
    expect(r.remedies[0]?.commands).toEqual([
      'gcloud services enable secretmanager.googleapis.com --project my-project',
    ])
    expect(remedyIds(r)).toEqual(['gcp.enable-api'])
  })

  it('not-found', async () => {
    const r = await run({
      [S]: gerr('not-found', `Secret [projects/1/secrets/${S}] not found or has no versions.`, {
        status: 404,
      }),
    })
    expect(findingKeys(r)).toEqual(['not-found'])
    expect(r.summary).toBe(`${S} not found in project my-project, or it has no versions`)
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths', 'gcp.set-project'])
  })

  it('version-disabled: latest points at a DISABLED version', async () => {
    const r = await run({
      [S]: gerr('invalid', 'Secret Version [...] is in DISABLED state.', {
        version: '4',
        versionState: 'DISABLED',
      }),
    })
    expect(findingKeys(r)).toEqual(['version-disabled'])
    expect(r.remedies[0]?.commands).toContain(
      `gcloud secrets versions enable 4 --secret ${S} --project my-project`,
    )
    expect(remedyIds(r)).toEqual(['gcp.enable-version'])
  })

  it('version-destroyed: only a new version helps', async () => {
    const r = await run({
      [S]: gerr('invalid', 'Secret Version [...] is in DESTROYED state.', {
        version: '4',
        versionState: 'DESTROYED',
      }),
    })
    expect(findingKeys(r)).toEqual(['version-destroyed'])
    expect(remedyIds(r)).toEqual(['gcp.enable-version'])
  })

  it('unauthenticated', async () => {
    const r = await run({
      [S]: gerr('unauthenticated', 'Request had invalid authentication credentials.', { status: 401 }),
    })
    expect(findingKeys(r)).toEqual(['unauthenticated'])
    expect(remedyIds(r)).toEqual(['gcp.configure-adc'])
  })

  it('unreachable: the endpoint does not answer', async () => {
    const r = await run({ [S]: gfault('no-answer', undefined, undefined, 'timeout', 4000) })
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(r.status).toBe('fail')
    expect(r.summary).toBe(
      'Secret Manager AccessSecretVersion: no answer from secretmanager.googleapis.com:443 within 4s (timeout)',
    )
    expect(remedyIds(r)).toEqual(['gcp.network-reach', 'latency.retry-backoff'])
  })

  it('unreachable: a proxy answers 502 with an HTML page — never a pass, named with status and content type', async () => {
    const r = await run({ [S]: notTheService(502, 'text/html') })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['unreachable'])
    expect(r.summary).toBe(
      'Secret Manager AccessSecretVersion: secretmanager.googleapis.com:443 answered HTTP 502 (text/html), not Google Secret Manager',
    )
    expect(remedyIds(r)).toEqual(['gcp.network-reach', 'latency.retry-backoff'])
  })

  it('a kind without a network fault is not reported as unreachable', async () => {
    const r = await run({ [S]: gerr('timeout', 'library timed out') })
    expect(r.status).toBe('error')
  })

  it('no-project', async () => {
    const r = await run({ [S]: gerr('invalid', 'no project', { reason: 'no-project' }) })
    expect(findingKeys(r)).toEqual(['no-project'])
    expect(remedyIds(r)).toEqual(['gcp.set-project'])
  })

  it('throttled is a warning, not a verdict', async () => {
    const r = await run({ [S]: gerr('throttled', 'Quota exceeded', { status: 429 }) })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['throttled'])
    expect(remedyIds(r)).toEqual(['latency.cache-locally', 'latency.retry-backoff'])
  })

  it('reports several secrets with different failures, worst first', async () => {
    const r = await run(
      {
        a: denied('IAM_PERMISSION_DENIED'),
        b: gerr('not-found', 'nope'),
        c: jsonPayload({ x: 'set' }),
      },
      { gcp: { project: 'my-project', secrets: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
    )
    expect(r.status).toBe('fail')
    expect(findingKeys(r).sort()).toEqual(['not-found', 'permission-denied'])
  })

  it('an answer it cannot judge is an error', async () => {
    const r = await run({ [S]: gerr('unexpected', 'HTTP 418') })
    expect(r.status).toBe('error')
  })
})
