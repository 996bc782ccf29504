// The gcp provider against the simulator, with the real @google-cloud/secret-manager client over HTTP on
// loopback: ADC resolution (key file at its own token_uri, metadata server), error classification, payload
// shape without values, Date-header recording, and the per-call timeout on a black-holed endpoint.
import { execFileSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultConfig, type RawConfig } from '../../src/app/config.js'
import { isProviderError, type ProviderError, type ProviderSession } from '../../src/core/provider.js'
import type { ResolvedConfig } from '../../src/app/config.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact, resetRedactor } from '../../src/core/redact.js'
import gcpProvider from '../../src/providers/gcp/provider.js'
import {
  ACCESSOR,
  VIEWER,
  createServiceAccountKey,
  defaultGcpState,
  startGcpSimulator,
  type GcpSimulator,
} from '../../src/sandbox/gcp.js'

const EMAIL = 'expanso-edge@my-project.iam.gserviceaccount.com'
const CANARY = 'gcp-canary-Zq81xkP0vW'
const DAY = 86_400_000

let sim: GcpSimulator
let dir: string
let keyFile: string

async function caught(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p
  } catch (e) {
    if (isProviderError(e)) return e
    throw e
  }
  throw new Error('expected a ProviderError')
}

function session(raw: RawConfig = {}, env: NodeJS.ProcessEnv = {}, timeoutMs = 2_000) {
  const recorder = new RunRecorder()
  const s: ProviderSession<ResolvedConfig> = {
    config: defaultConfig({
      ...raw,
      gcp: { project: 'my-project', endpoint: sim.api.url, credentialsFile: keyFile, ...(raw.gcp as object) },
    }),
    signal: new AbortController().signal,
    timeoutMs,
    offline: false,
    recorder,
    now: () => new Date(),
    env: { HOME: dir, METADATA_SERVER_DETECTION: 'none', ...env },
  }
  return { api: gcpProvider.create(s), recorder }
}

beforeEach(async () => {
  resetRedactor()
  dir = mkdtempSync(join(tmpdir(), 'gcp-provider-'))
  const now = Date.now()
  sim = await startGcpSimulator(
    defaultGcpState({
      secrets: {
        'expanso-pipeline-credentials': {
          createTime: new Date(now - 40 * DAY).toISOString(),
          topics: ['projects/my-project/topics/secret-rotation'],
          rotation: {
            nextRotationTime: new Date(now + 5 * DAY).toISOString(),
            rotationPeriodSeconds: 30 * 86400,
          },
          versions: [
            {
              id: 1,
              state: 'ENABLED',
              createTime: new Date(now - 40 * DAY).toISOString(),
              data: JSON.stringify({ kafka_username: 'old', kafka_password: CANARY }),
            },
            {
              id: 2,
              state: 'ENABLED',
              createTime: new Date(now - 10 * DAY).toISOString(),
              data: JSON.stringify({ kafka_username: 'edge', kafka_password: CANARY, api_token: '' }),
            },
          ],
          iam: {},
        },
        'disabled-one': {
          createTime: new Date(now - DAY).toISOString(),
          versions: [
            { id: 4, state: 'DISABLED', createTime: new Date(now - DAY).toISOString(), data: CANARY },
          ],
          iam: {},
        },
      },
      projectIam: { [`serviceAccount:${EMAIL}`]: [ACCESSOR, VIEWER] },
    }),
  )
  const { key, keyId, publicKeyPem } = createServiceAccountKey(EMAIL, sim.tokenUri)
  sim.state.serviceAccounts[EMAIL] = { keys: { [keyId]: publicKeyPem } }
  keyFile = join(dir, 'key.json')
  writeFileSync(keyFile, JSON.stringify(key))
})

afterEach(async () => {
  await sim.close()
})

describe('gcp provider: credentials', () => {
  it('exchanges a service-account key at its own token_uri and names the identity', async () => {
    const { api, recorder } = session()
    const c = await api.credentials()
    expect(c).toMatchObject({
      source: 'service-account-key',
      principal: EMAIL,
      member: `serviceAccount:${EMAIL}`,
      project: 'my-project',
      projectFrom: 'config',
      tokenUri: sim.tokenUri,
      file: keyFile,
    })
    expect(recorder.identities[0]).toMatchObject({
      provider: 'gcp',
      principal: EMAIL,
      source: 'service-account-key',
    })
    expect(recorder.clock.map((o) => o.source)).toContain('gcp oauth2')
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /token'])
  })

  it('reports a deleted key as the token endpoint words it', async () => {
    sim.state.serviceAccounts[EMAIL] = { keys: {} }
    const e = await caught(session().api.credentials())
    expect(e.kind).toBe('unauthenticated')
    expect(e.facts).toMatchObject({
      reason: 'token-rejected',
      error: 'invalid_grant',
      description: 'Invalid JWT Signature.',
    })
  })

  it('records a clock rejection for node.clock-skew', async () => {
    sim.auth.knobs.clockOffsetMs = -2 * 3600_000
    const { api, recorder } = session()
    const e = await caught(api.credentials())
    expect(e.facts.description).toMatch(/reasonable timeframe/)
    expect(recorder.clock.some((o) => o.rejected)).toBe(true)
  })

  it('says which file is missing', async () => {
    const e = await caught(session({ gcp: { credentialsFile: join(dir, 'nope.json') } }).api.credentials())
    expect(e.facts).toMatchObject({ reason: 'file-missing', from: 'config' })
  })

  it('refuses a credentials path that is a FIFO, naming it, without blocking on it', async () => {
    const fifo = join(dir, 'key.fifo')
    execFileSync('mkfifo', [fifo])
    const e = await caught(session({ gcp: { credentialsFile: fifo } }).api.credentials())
    expect(e.facts).toMatchObject({ reason: 'file-invalid', file: fifo, from: 'config' })
    expect(e.message).toBe(
      `credentials file (from config): ${fifo} is a FIFO (named pipe), not a regular file: not read`,
    )
  })

  it('signs with a PKCS#1 ("BEGIN RSA PRIVATE KEY") key as well', async () => {
    const key = JSON.parse(readFileSync(keyFile, 'utf8')) as { private_key: string }
    key.private_key = createPrivateKey(key.private_key).export({ type: 'pkcs1', format: 'pem' }).toString()
    writeFileSync(keyFile, JSON.stringify(key))
    expect((await session().api.credentials()).source).toBe('service-account-key')
  })

  it('says when nothing resolves', async () => {
    const e = await caught(session({ gcp: { credentialsFile: undefined } }).api.credentials())
    expect(e.facts.reason).toBe('no-credentials')
  })

  it('uses the metadata server when detection allows it', async () => {
    const { api } = session(
      { gcp: { credentialsFile: undefined, project: undefined } },
      { METADATA_SERVER_DETECTION: 'assume-present', GCE_METADATA_HOST: sim.metadataHost },
    )
    const c = await api.credentials()
    expect(c).toMatchObject({
      source: 'metadata-server',
      principal: EMAIL,
      project: 'my-project',
      projectFrom: 'metadata',
    })
    const info = await api.access('expanso-pipeline-credentials')
    expect(info.format).toBe('json-object')
  })

  it('surfaces the GKE metadata refusal when the Workload Identity binding is missing', async () => {
    sim.state.metadata.tokenDenied =
      "Unable to generate access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."
    const { api } = session(
      { gcp: { credentialsFile: undefined } },
      { METADATA_SERVER_DETECTION: 'assume-present', GCE_METADATA_HOST: sim.metadataHost },
    )
    const e = await caught(api.credentials())
    expect(e.kind).toBe('denied')
    expect(e.facts).toMatchObject({ reason: 'metadata-token-denied', principal: EMAIL, status: 403 })
  })

  it('fails fast on an unreachable token endpoint', async () => {
    await sim.auth.close()
    const e = await caught(session().api.credentials())
    expect(['refused', 'unreachable']).toContain(e.kind)
  })
})

describe('gcp provider: federation flows run by google-auth-library', () => {
  /** A workload identity federation config whose STS endpoint is the simulator's token endpoint. */
  function federation(subjectTokenFile = join(dir, 'subject-token')) {
    writeFileSync(join(dir, 'subject-token'), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJlZGdlIn0.')
    const file = join(dir, 'federation.json')
    writeFileSync(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/edge/providers/k8s',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: sim.tokenUri,
        credential_source: { file: subjectTokenFile },
      }),
    )
    return session({ gcp: { credentialsFile: file } })
  }

  it("reports the STS endpoint's OAuth refusal as a rejection of the credentials", async () => {
    // The simulator's token endpoint knows only the JWT-bearer grant: it refuses a token exchange.
    const e = await caught(federation().api.credentials())
    expect(e.kind).toBe('unauthenticated')
    expect(e.facts).toMatchObject({ reason: 'token-rejected', status: 400 })
    expect(e.message).toMatch(/^external-account credentials were refused: .*unsupported_grant_type/)
  })

  it("names an HTML answer with its status and content type, not the library's TypeError", async () => {
    sim.auth.knobs.fault = { kind: 'html', status: 200 }
    const e = await caught(federation().api.credentials())
    expect(e.fault).toBe('not-the-service')
    expect(e.message).toBe(
      `token endpoint: 127.0.0.1:${sim.auth.port} answered HTTP 200 (text/html), not a Google OAuth 2.0 token endpoint`,
    )
  })

  it('an outage is not a verdict on the credentials', async () => {
    sim.auth.knobs.fault = { kind: 'status', status: 503, body: '{"error":"backend_error"}' }
    const e = await caught(federation().api.credentials())
    expect(e.kind).toBe('unavailable')
    expect(e.facts.reason).toBeUndefined()
  })

  it('does not follow a redirect', async () => {
    sim.auth.knobs.fault = { kind: 'redirect', location: 'http://127.0.0.2:9/token' }
    const e = await caught(federation().api.credentials())
    expect(e.fault).toBe('redirect')
    expect(e.message).toMatch(/redirected \(HTTP 307\) to another host, 127\.0\.0\.2:9;/)
  })

  it('a black-holed STS endpoint costs one call limit', async () => {
    sim.auth.knobs.blackHole = true
    const t0 = Date.now()
    const e = await caught(federation().api.credentials())
    expect(e.fault).toBe('no-answer')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })

  it('a subject-token file that is not there makes the config unusable, not the endpoint', async () => {
    const e = await caught(federation(join(dir, 'missing-token')).api.credentials())
    expect(e.facts.reason).toBe('file-invalid')
    expect(e.message).toMatch(/^external-account credentials cannot be used: /)
  })
})

describe('gcp provider: Secret Manager', () => {
  it('returns key names and states, never values', async () => {
    const { api, recorder } = session()
    const info = await api.access('expanso-pipeline-credentials')
    expect(info).toEqual({
      name: 'projects/123456789012/secrets/expanso-pipeline-credentials/versions/2',
      version: '2',
      bytes: expect.any(Number),
      format: 'json-object',
      keys: { kafka_username: 'set', kafka_password: 'set', api_token: 'empty' },
    })
    expect(JSON.stringify(info)).not.toContain(CANARY)
    expect(redact(`leak ${CANARY}`)).toBe('leak [REDACTED]')
    expect(recorder.clock.map((o) => o.source)).toContain('gcp secretmanager')
    // memoized: a second call costs nothing
    await api.access('expanso-pipeline-credentials')
    expect(sim.requests.filter((r) => r.operation === 'AccessSecretVersion')).toHaveLength(1)
    expect(sim.requests.every((r) => r.method === 'GET' || r.path === '/token')).toBe(true)
  })

  it('reads rotation and version metadata', async () => {
    const { api } = session()
    const s = await api.secret('expanso-pipeline-credentials')
    expect(s.rotation?.rotationPeriodSeconds).toBe(30 * 86400)
    expect(s.topics).toEqual(['projects/my-project/topics/secret-rotation'])
    expect(Date.parse(s.rotation!.nextRotationTime!)).toBeGreaterThan(Date.now())
    const v = await api.version('expanso-pipeline-credentials')
    expect(v).toMatchObject({ version: '2', state: 'ENABLED' })
  })

  it('classifies PERMISSION_DENIED with its ErrorInfo reason and permission', async () => {
    sim.state.projectIam = {}
    const e = await caught(session().api.access('expanso-pipeline-credentials'))
    expect(e.kind).toBe('denied')
    expect(e.facts).toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
      reason: 'IAM_PERMISSION_DENIED',
      permission: 'secretmanager.versions.access',
    })
  })

  it('classifies a disabled API', async () => {
    sim.state.apiEnabled = false
    const e = await caught(session().api.access('expanso-pipeline-credentials'))
    expect(e.facts).toMatchObject({ reason: 'SERVICE_DISABLED', service: 'secretmanager.googleapis.com' })
  })

  it('classifies NOT_FOUND and a DISABLED latest version', async () => {
    const { api } = session()
    expect((await caught(api.access('nope'))).kind).toBe('not-found')
    const e = await caught(api.access('disabled-one'))
    expect(e.kind).toBe('invalid')
    expect(e.facts).toMatchObject({ code: 'FAILED_PRECONDITION', version: '4', versionState: 'DISABLED' })
  })

  it('classifies a rejected token as UNAUTHENTICATED', async () => {
    const { api } = session()
    await api.credentials()
    sim.state.tokens.clear()
    expect((await caught(api.access('expanso-pipeline-credentials'))).kind).toBe('unauthenticated')
  })

  it('accepts full resource names with a pinned version', async () => {
    const info = await session().api.access(
      'projects/my-project/secrets/expanso-pipeline-credentials/versions/1',
    )
    expect(info.version).toBe('1')
    expect(info.keys).toEqual({ kafka_username: 'set', kafka_password: 'set' })
  })

  it('gives up on a black-holed endpoint after one timeout', async () => {
    sim.api.knobs.blackHole = true
    const { api } = session({}, {}, 400)
    const t0 = Date.now()
    const e = await caught(api.access('expanso-pipeline-credentials'))
    expect(e.kind).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(3_000)
  })

  it('times single accesses for latency sampling', async () => {
    sim.api.knobs.latencyMs = 50
    const ms = await session().api.timeAccess('expanso-pipeline-credentials')
    expect(ms).toBeGreaterThanOrEqual(45)
  })
})
