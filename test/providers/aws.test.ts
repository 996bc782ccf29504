// The aws provider against the simulator: the real SDK clients over real HTTP on 127.0.0.1.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { ProviderError, type ProviderSession } from '../../src/core/provider.js'
import type { ResolvedConfig } from '../../src/app/config.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import awsProvider from '../../src/providers/aws/provider.js'
import {
  AWS_CANARIES,
  AWS_READ_OPERATIONS,
  EDGE_KEY_ID,
  EDGE_ROLE_ARN,
  NODE_KEY_ID,
  SECRET_ARN,
  SECRET_NAME,
  healthyAwsState,
  startAwsSimulator,
  type AwsSimulator,
} from '../../src/sandbox/aws.js'

let sim: AwsSimulator

beforeAll(async () => {
  sim = await startAwsSimulator(healthyAwsState())
})
afterAll(() => sim.close())
afterEach(() => {
  vi.unstubAllEnvs()
  sim.state.throttle = []
  sim.knobs.clockOffsetMs = 0
  sim.knobs.latencyMs = 0
  sim.knobs.blackHole = false
})

function session(
  env: Record<string, string | undefined> = {},
  aws: Record<string, unknown> = {},
  timeoutMs = 3000,
) {
  vi.stubEnv('AWS_ENDPOINT_URL', sim.url)
  vi.stubEnv('AWS_REGION', 'us-east-1')
  vi.stubEnv('AWS_ACCESS_KEY_ID', EDGE_KEY_ID)
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', AWS_CANARIES.secretAccessKey)
  vi.stubEnv('AWS_SESSION_TOKEN', AWS_CANARIES.sessionToken)
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v)
  const recorder = new RunRecorder()
  const s: ProviderSession<ResolvedConfig> = {
    config: defaultConfig({ aws: { secrets: [{ id: SECRET_NAME }], ...aws } }, { env: process.env }),
    signal: new AbortController().signal,
    timeoutMs,
    offline: false,
    recorder,
    now: () => new Date(),
    env: process.env,
  }
  return { api: awsProvider.create(s), recorder }
}

const rejection = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError)
    return e as ProviderError
  }
  throw new Error('expected a rejection')
}

describe('aws provider over the simulator', () => {
  it('resolves env credentials, identity, the secret and its rotation metadata', async () => {
    const { api, recorder } = session()
    const creds = await api.credentials()
    expect(creds.resolved).toMatchObject({ source: 'env', accessKeyId: EDGE_KEY_ID, temporary: true })
    const id = await api.callerIdentity()
    expect(id.arn).toContain('assumed-role/expanso-edge/')
    expect(id.account).toBe('123456789012')
    const v = await api.secretValue(SECRET_NAME)
    expect(v.arn).toBe(SECRET_ARN)
    expect(v.payload).toBe('json-object')
    expect(v.keys.map((k) => k.name)).toEqual([
      'kafka_username',
      'kafka_password',
      'api_token',
      'db_password',
    ])
    expect(JSON.stringify(v)).not.toContain(AWS_CANARIES.kafka_password)
    expect(redact(`x ${AWS_CANARIES.kafka_password} ${AWS_CANARIES.secretAccessKey}`)).not.toMatch(/canary/)
    const d = await api.describeSecret(SECRET_NAME)
    expect(d).toMatchObject({ rotationEnabled: true, rotationDays: 30 })
    expect(d.lastRotatedDate).toBeInstanceOf(Date)
    expect(recorder.clock.length).toBeGreaterThanOrEqual(3)
    expect(Math.abs(api.clockOffsetMs() ?? 99_999)).toBeLessThan(5000)
    for (const op of sim.operations()) expect(AWS_READ_OPERATIONS.has(op), op).toBe(true)
  })

  it('honours AWS_ENDPOINT_URL_<SERVICE> and the aws.endpoint override', async () => {
    const viaEnv = session({
      AWS_ENDPOINT_URL: '',
      AWS_ENDPOINT_URL_STS: sim.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sim.url,
    })
    expect((await viaEnv.api.callerIdentity()).account).toBe('123456789012')
    expect((await viaEnv.api.secretValue(SECRET_NAME)).payload).toBe('json-object')
    expect(await viaEnv.api.secretsEndpoint()).toBe(sim.url)
    const viaConfig = session({ AWS_ENDPOINT_URL: '' }, { endpoint: sim.url })
    expect((await viaConfig.api.describeSecret(SECRET_NAME)).arn).toBe(SECRET_ARN)
  })

  it('uses aws.endpoint for Secrets Manager only: STS and IAM follow their own variables', async () => {
    const vpce = await startAwsSimulator(healthyAwsState())
    const iam = await startAwsSimulator(healthyAwsState())
    try {
      const before = sim.operations().length
      const { api } = session(
        { AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_STS: sim.url, AWS_ENDPOINT_URL_IAM: iam.url },
        { endpoint: vpce.url },
      )
      await api.callerIdentity()
      await api.secretValue(SECRET_NAME)
      await api.describeSecret(SECRET_NAME)
      await api
        .simulate(EDGE_ROLE_ARN, ['secretsmanager:GetSecretValue'], [SECRET_ARN])
        .catch(() => undefined)
      expect(sim.operations().slice(before)).toEqual(['sts.GetCallerIdentity'])
      expect(vpce.operations()).toEqual(['secretsmanager.GetSecretValue', 'secretsmanager.DescribeSecret'])
      expect(iam.operations()).toEqual(['iam.SimulatePrincipalPolicy'])
      expect(await api.secretsEndpoint()).toBe(vpce.url)
      // AWS_ENDPOINT_URL is every service's fallback, aws.endpoint still only Secrets Manager's.
      const global = session(
        { AWS_ENDPOINT_URL: iam.url, AWS_ENDPOINT_URL_STS: '', AWS_ENDPOINT_URL_IAM: '' },
        { endpoint: vpce.url },
      )
      await global.api.callerIdentity()
      expect(iam.operations().at(-1)).toBe('sts.GetCallerIdentity')
      expect(await global.api.secretsEndpoint()).toBe(vpce.url)
    } finally {
      await vpce.close()
      await iam.close()
    }
  })

  it('ignores the endpoint variables under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, and names the regional default', async () => {
    const { api } = session({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })
    expect(await api.secretsEndpoint()).toBe('https://secretsmanager.us-east-1.amazonaws.com')
  })

  it('names each credential source tried when none resolves', async () => {
    const { api } = session({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' })
    const creds = await api.credentials()
    expect(creds.resolved).toBeUndefined()
    expect(creds.attempts.map((a) => [a.source, a.outcome])).toEqual([
      ['env', 'absent'],
      ['profile', 'absent'],
      ['web-identity', 'absent'],
      ['container', 'absent'],
      ['instance-metadata', 'disabled'],
    ])
  })

  it('reads the region and credentials of a named profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'))
    writeFileSync(join(dir, 'config'), '[profile edge]\nregion = us-east-1\n')
    writeFileSync(
      join(dir, 'credentials'),
      `[edge]\naws_access_key_id = ${EDGE_KEY_ID}\naws_secret_access_key = ${AWS_CANARIES.secretAccessKey}\naws_session_token = ${AWS_CANARIES.sessionToken}\n`,
    )
    const { api } = session({
      AWS_REGION: undefined,
      AWS_PROFILE: 'edge',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    })
    expect(await api.region()).toEqual({ region: 'us-east-1', source: 'profile' })
    const creds = await api.credentials()
    expect(creds.resolved).toMatchObject({ source: 'profile', accessKeyId: EDGE_KEY_ID })
    expect((await api.callerIdentity()).arn).toContain('expanso-edge')
  })

  it('fails a named profile that does not exist as the profile source', async () => {
    const { api } = session({ AWS_PROFILE: 'edge' })
    const creds = await api.credentials()
    expect(creds.resolved).toBeUndefined()
    expect(creds.attempts[0]).toMatchObject({ source: 'env', outcome: 'absent' })
    expect(creds.attempts[1]).toMatchObject({ source: 'profile', outcome: 'failed' })
  })

  it('exchanges a web identity token at the simulated STS (IRSA)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-wi-'))
    const file = join(dir, 'token')
    writeFileSync(file, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLWNhbmFyeQ')
    sim.state.webIdentities = [
      {
        token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLWNhbmFyeQ',
        roleArn: 'arn:aws:iam::123456789012:role/expanso-edge',
        issues: EDGE_KEY_ID,
      },
    ]
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/expanso-edge',
      AWS_WEB_IDENTITY_TOKEN_FILE: file,
    })
    const creds = await api.credentials()
    expect(creds.resolved).toMatchObject({ source: 'web-identity', temporary: true, refreshable: true })
    expect(creds.resolved?.expiresAt).toBeInstanceOf(Date)
    expect((await api.callerIdentity()).arn).toContain('expanso-edge')
  })

  it('falls back to instance metadata (IMDSv2) and names the node role it hands out', async () => {
    sim.state.instanceProfile = {
      roleName: 'eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C',
      issues: NODE_KEY_ID,
    }
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_EC2_METADATA_DISABLED: 'false',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.url,
    })
    const creds = await api.credentials()
    expect(creds.resolved).toMatchObject({
      source: 'instance-metadata',
      accessKeyId: NODE_KEY_ID,
      refreshable: true,
    })
    expect((await api.callerIdentity()).arn).toContain('NodeInstanceRole')
    expect(sim.operations()).toContain('imds.GetToken')
    delete sim.state.instanceProfile
  })

  it('reads container credentials from a full URI', async () => {
    sim.state.containerCredentials = { path: '/v2/credentials/abc', issues: EDGE_KEY_ID }
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sim.url}/v2/credentials/abc`,
    })
    const creds = await api.credentials()
    expect(creds.resolved).toMatchObject({ source: 'container', accessKeyId: EDGE_KEY_ID })
    expect(creds.attempts.map((a) => a.outcome)).toEqual(['absent', 'absent', 'absent', 'resolved'])
    delete sim.state.containerCredentials
  })

  it('names a web identity exchange the role trust refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-wi-'))
    const file = join(dir, 'token')
    writeFileSync(file, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJlLW90aGVy')
    sim.state.webIdentities = [
      {
        token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJlLW90aGVy',
        roleArn: 'arn:aws:iam::123456789012:role/other',
        issues: EDGE_KEY_ID,
      },
    ]
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/expanso-edge',
      AWS_WEB_IDENTITY_TOKEN_FILE: file,
    })
    const creds = await api.credentials()
    expect(creds.resolved).toBeUndefined()
    const wi = creds.attempts.find((a) => a.source === 'web-identity')!
    expect(wi.outcome).toBe('failed')
    expect(wi.detail).toContain('Not authorized to perform sts:AssumeRoleWithWebIdentity')
    expect(wi.detail).not.toContain('eyJ')
  })

  it('names a web identity token file that is a FIFO instead of blocking on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-wi-'))
    const fifo = join(dir, 'token')
    execFileSync('mkfifo', [fifo])
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/expanso-edge',
      AWS_WEB_IDENTITY_TOKEN_FILE: fifo,
    })
    const wi = (await api.credentials()).attempts.find((a) => a.source === 'web-identity')!
    expect(wi).toEqual({
      source: 'web-identity',
      outcome: 'failed',
      detail: `${fifo} is a FIFO (named pipe), not a regular file: not read`,
    })
  })

  it('names a web identity exchange answered by something that is not STS', async () => {
    const page = await startAwsSimulator(healthyAwsState(), {
      knobs: { fault: { kind: 'html', status: 200 } },
    })
    try {
      const dir = mkdtempSync(join(tmpdir(), 'aws-wi-'))
      writeFileSync(join(dir, 'token'), 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')
      const { api } = session({
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_ENDPOINT_URL_STS: page.url,
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/expanso-edge',
        AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
      })
      const wi = (await api.credentials()).attempts.find((a) => a.source === 'web-identity')!
      expect(wi.outcome).toBe('failed')
      expect(wi.detail).toBe(
        `sts:AssumeRoleWithWebIdentity: 127.0.0.1:${new URL(page.url).port} answered HTTP 200 (text/html), not AWS STS`,
      )
    } finally {
      await page.close()
    }
  })

  it('names a shared credentials file that is a directory as the failed profile source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'))
    mkdirSync(join(dir, 'credentials'))
    const { api } = session({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    })
    const profile = (await api.credentials()).attempts.find((a) => a.source === 'profile')!
    expect(profile).toEqual({
      source: 'profile',
      outcome: 'failed',
      detail: `${join(dir, 'credentials')} is a directory, not a regular file: not read`,
    })
  })

  it('reports an expired session token as ExpiredToken', async () => {
    const edge = sim.state.principals[0]!
    sim.state.principals[0] = { ...edge, expired: true }
    try {
      const { api } = session()
      const e = await rejection(api.callerIdentity())
      expect(e.kind).toBe('unauthenticated')
      expect(e.facts).toMatchObject({ code: 'ExpiredToken', status: 403 })
    } finally {
      sim.state.principals[0] = edge
    }
  })

  it('keeps code, request id and principal of an AccessDenied', async () => {
    const { api } = session()
    const e = await rejection(api.secretValue('other/app'))
    expect(e.kind).toBe('denied')
    expect(e.facts).toMatchObject({ code: 'AccessDeniedException', status: 400 })
    expect(e.facts.principal).toContain('assumed-role/expanso-edge/')
    expect(String(e.facts.requestId)).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('tells KMS denial, decryption failure, not found and throttling apart', async () => {
    const { api } = session()
    sim.state.secrets.push(
      {
        arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:expanso/pipeline/kms-Zz1234',
        name: 'expanso/pipeline/kms',
        secretString: '{}',
        kms: 'denied',
      },
      {
        arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:expanso/pipeline/dec-Yy1234',
        name: 'expanso/pipeline/dec',
        secretString: '{}',
        kms: 'decryption-failure',
      },
    )
    const kms = await rejection(api.secretValue('expanso/pipeline/kms'))
    expect(kms.facts.code).toBe('AccessDeniedException')
    expect(kms.message).toContain('Access to KMS is not allowed')
    const dec = await rejection(api.secretValue('expanso/pipeline/dec'))
    expect(dec.facts.code).toBe('DecryptionFailure')
    const nf = await rejection(api.secretValue('expanso/pipeline/missing'))
    expect(nf.kind).toBe('not-found')
    sim.state.throttle = ['DescribeSecret']
    const th = await rejection(api.describeSecret('expanso/pipeline/kms'))
    expect(th.kind).toBe('throttled')
    sim.state.secrets.splice(1)
  })

  it('reports a 10-minute clock skew as a signature rejection and a clock observation', async () => {
    sim.knobs.clockOffsetMs = 600_000
    const { api, recorder } = session()
    const e = await rejection(api.callerIdentity())
    expect(e.kind).toBe('unauthenticated')
    expect(e.facts.code).toBe('SignatureDoesNotMatch')
    expect(Number(e.facts.skewMs)).toBeGreaterThan(590_000)
    expect(recorder.clock.some((c) => c.rejected?.includes('Signature expired'))).toBe(true)
    const dated = recorder.clock.find((c) => !c.rejected)!
    expect(dated.serverTime.getTime() - dated.localTime.getTime()).toBeGreaterThan(590_000)
    expect(api.clockOffsetMs()).toBeGreaterThan(590_000)
  })

  it('reports a local clock ahead of AWS as "Signature not yet current"', async () => {
    sim.knobs.clockOffsetMs = -600_000
    const { api, recorder } = session()
    const e = await rejection(api.secretValue(SECRET_NAME))
    expect(e.facts.code).toBe('InvalidSignatureException')
    expect(e.message).toContain('Signature not yet current')
    expect(Number(e.facts.skewMs)).toBeLessThan(-590_000)
    expect(recorder.clock.find((c) => c.rejected)?.rejected).toContain('not yet current')
  })

  it('rejects a wrong secret key as a signature mismatch and an unknown key id as an invalid token', async () => {
    const wrongSecret = session({ AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-key-000000000000000' })
    const e1 = await rejection(wrongSecret.api.secretValue(SECRET_NAME))
    expect(e1.facts.code).toBe('InvalidSignatureException')
    expect(e1.kind).toBe('unauthenticated')
    const unknown = session({ AWS_ACCESS_KEY_ID: 'ASIAUNKNOWNEXAMPLE00' })
    const e2 = await rejection(unknown.api.callerIdentity())
    expect(e2.facts).toMatchObject({ code: 'InvalidClientTokenId', status: 403 })
  })

  it('simulates principal policy', async () => {
    const { api } = session()
    sim.state.principals[0] = {
      ...sim.state.principals[0]!,
      statements: [
        ...sim.state.principals[0]!.statements,
        { action: 'iam:SimulatePrincipalPolicy', resource: '*' },
      ],
    }
    const r = await api.simulate(
      'arn:aws:iam::123456789012:role/expanso-edge',
      ['secretsmanager:GetSecretValue'],
      [SECRET_ARN, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:*'],
    )
    expect(r.map((x) => x.decision)).toEqual(['allowed', 'implicitDeny'])
    sim.state.principals[0] = {
      ...sim.state.principals[0]!,
      statements: sim.state.principals[0]!.statements.slice(0, 2),
    }
    const e = await rejection(
      api.simulate(
        'arn:aws:iam::123456789012:role/expanso-edge',
        ['secretsmanager:GetSecretValue'],
        [SECRET_ARN],
      ),
    )
    expect(e.kind).toBe('denied')
    expect(e.facts.code).toBe('AccessDenied')
  })

  it('times out a black-holed endpoint within the call limit', async () => {
    sim.knobs.blackHole = true
    const { api } = session({}, {}, 400)
    const t0 = Date.now()
    const e = await rejection(api.callerIdentity())
    expect(e.kind).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(3000)
  })
})
