// The aws provider under network faults: the real SDK over real sockets against the simulator's fault knobs
// (and a silent server, a closed port, bad certificates). For each fault, the check that reaches the endpoint
// — aws.identity for STS, aws.secret-access for Secrets Manager — fails with the core classifier's wording,
// within the check's time limit; nothing that is not AWS ever passes.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import type { ResolvedConfig } from '../../src/app/config.js'
import identity from '../../src/checks/aws/identity.js'
import latency from '../../src/checks/aws/latency.js'
import secretAccess from '../../src/checks/aws/secret-access.js'
import type { ProviderSession } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import awsProvider from '../../src/providers/aws/provider.js'
import {
  AWS_CANARIES,
  EDGE_KEY_ID,
  SECRET_NAME,
  healthyAwsState,
  startAwsSimulator,
  type AwsSimulator,
} from '../../src/sandbox/aws.js'
import { closedPort, startSilentServer, type Fault } from '../../src/sandbox/server.js'
import { createCA, issueCertificate, type CertificateAuthority } from '../../src/sandbox/tls.js'
import { findingKeys, runCheck } from '../helpers/check-harness.js'

/** --timeout of these runs; a call's own limit is 750 ms of it. */
const TIMEOUT_MS = 1500
const DAY = 86_400_000

const closers: (() => Promise<void>)[] = []
let healthy: AwsSimulator
let ca: CertificateAuthority
let caFile: string

beforeAll(async () => {
  healthy = await startAwsSimulator(healthyAwsState())
  closers.push(() => healthy.close())
  ca = createCA()
  caFile = join(mkdtempSync(join(tmpdir(), 'aws-ca-')), 'ca.pem')
  writeFileSync(caFile, ca.certPem)
  // Load the SDK clients before anything is timed.
  const warm = awsFor({})
  await warm.aws.callerIdentity()
  await warm.aws.secretValue(SECRET_NAME)
})
afterAll(async () => {
  for (const close of closers) await close()
})

interface Endpoints {
  readonly sts?: string
  readonly sm?: string
  readonly iam?: string
}

function awsFor(endpoints: Endpoints, extra: Record<string, string> = {}, secrets = [{ id: SECRET_NAME }]) {
  const env: Record<string, string> = {
    HOME: mkdtempSync(join(tmpdir(), 'aws-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: EDGE_KEY_ID,
    AWS_SECRET_ACCESS_KEY: AWS_CANARIES.secretAccessKey,
    AWS_SESSION_TOKEN: AWS_CANARIES.sessionToken,
    AWS_ENDPOINT_URL_STS: endpoints.sts ?? healthy.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.sm ?? healthy.url,
    AWS_ENDPOINT_URL_IAM: endpoints.iam ?? healthy.url,
    ...extra,
  }
  const config = defaultConfig({ aws: { region: 'us-east-1', secrets } }, { env })
  const session: ProviderSession<ResolvedConfig> = {
    config,
    signal: new AbortController().signal,
    timeoutMs: TIMEOUT_MS,
    offline: false,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env,
  }
  return { config, aws: awsProvider.create(session) }
}

/** A simulator playing one fault on every request. */
async function faulty(fault: Fault): Promise<string> {
  const sim = await startAwsSimulator(healthyAwsState(), { knobs: { fault } })
  closers.push(() => sim.close())
  return sim.url
}

async function blackHole(): Promise<string> {
  const sim = await startAwsSimulator(healthyAwsState(), { knobs: { blackHole: true } })
  closers.push(() => sim.close())
  return sim.url
}

async function silent(): Promise<string> {
  const s = await startSilentServer()
  closers.push(() => s.close())
  return s.url
}

/** A simulator over TLS with a certificate from the test CA (trusted through AWS_CA_BUNDLE or not). */
async function withCert(leaf: Parameters<typeof issueCertificate>[1] = {}): Promise<string> {
  const sim = await startAwsSimulator(healthyAwsState(), { tls: issueCertificate(ca, leaf) })
  closers.push(() => sim.close())
  return sim.url
}

const port = (url: string) => new URL(url).port

interface FaultCase {
  readonly name: string
  readonly endpoint: () => Promise<string>
  /** Trust the test CA (AWS_CA_BUNDLE), as the agent would. */
  readonly trustCa?: boolean
  readonly finding: 'unreachable' | 'tls' | 'not-aws'
  /** The classifier's sentence after `<call>: `, with `{port}` for the endpoint's port. */
  readonly words: string
}

const CASES: readonly FaultCase[] = [
  {
    name: 'refused',
    endpoint: async () => `http://127.0.0.1:${await closedPort()}`,
    finding: 'unreachable',
    words: '127.0.0.1:{port} refused the connection (ECONNREFUSED)',
  },
  {
    name: 'black hole',
    endpoint: blackHole,
    finding: 'unreachable',
    words: 'no answer from 127.0.0.1:{port} within 750ms (timeout)',
  },
  {
    name: 'TLS handshake stall',
    endpoint: silent,
    finding: 'unreachable',
    words: 'no answer from 127.0.0.1:{port} within 750ms (timeout)',
  },
  {
    name: 'headers then a stalled body',
    endpoint: () => faulty({ kind: 'drip-stall' }),
    finding: 'unreachable',
    words: 'no answer from 127.0.0.1:{port} within 750ms (timeout)',
  },
  {
    name: 'reset mid-body',
    endpoint: () => faulty({ kind: 'reset-mid-body' }),
    finding: 'unreachable',
    words: '127.0.0.1:{port} closed the connection before the answer was complete (ECONNRESET)',
  },
  {
    name: '502 with a proxy HTML page',
    endpoint: () => faulty({ kind: 'html', status: 502 }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 502 (text/html), not {service}',
  },
  {
    name: '200 with an HTML sign-in page',
    endpoint: () => faulty({ kind: 'html', status: 200 }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 200 (text/html), not {service}',
  },
  {
    name: 'malformed JSON',
    endpoint: () => faulty({ kind: 'malformed-json' }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 200 (application/json), not {service}',
  },
  {
    name: '429 with Retry-After and no AWS error',
    endpoint: () => faulty({ kind: 'status', status: 429, headers: { 'retry-after': '30' } }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 429 (application/json, Retry-After 30), not {service}',
  },
  {
    name: '503 with an empty JSON body',
    endpoint: () =>
      faulty({ kind: 'status', status: 503, body: '{}', contentType: 'application/x-amz-json-1.1' }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 503 (application/x-amz-json-1.1), not {service}',
  },
  {
    name: '50 MB body',
    endpoint: () => faulty({ kind: 'huge-body', bytes: 50 << 20 }),
    finding: 'not-aws',
    words: '127.0.0.1:{port} answered HTTP 200 (application/json), not {service}',
  },
  {
    name: 'cross-host redirect',
    endpoint: () => faulty({ kind: 'redirect', location: 'http://127.0.0.2:9/' }),
    finding: 'not-aws',
    words:
      '127.0.0.1:{port} redirected (HTTP 307) to another host, 127.0.0.2:9; the doctor sends no credentials there',
  },
  {
    name: 'untrusted certificate',
    endpoint: () => withCert(),
    finding: 'tls',
    words:
      'the TLS certificate of 127.0.0.1:{port} is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
  },
  {
    name: 'expired certificate',
    endpoint: () =>
      withCert({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }),
    trustCa: true,
    finding: 'tls',
    words: 'the TLS certificate of 127.0.0.1:{port} has expired (CERT_HAS_EXPIRED)',
  },
  {
    name: 'certificate for another host',
    endpoint: () => withCert({ hosts: ['sts.example.com'] }),
    trustCa: true,
    finding: 'tls',
    words: 'the TLS certificate of 127.0.0.1:{port} does not name that host (ERR_TLS_CERT_ALTNAME_INVALID)',
  },
]

const HEAD = {
  unreachable: { sts: 'cannot reach AWS STS', sm: 'cannot reach AWS Secrets Manager' },
  tls: { sts: 'TLS with AWS STS failed', sm: 'TLS with AWS Secrets Manager failed' },
  'not-aws': {
    sts: 'the STS endpoint does not answer as AWS',
    sm: 'the Secrets Manager endpoint does not answer as AWS',
  },
}

/** One server per fault, shared by both tables (made before any timing: certificates cost CPU). */
const endpoints = new Map<string, string>()
beforeAll(async () => {
  for (const c of CASES) endpoints.set(c.name, await c.endpoint())
})

describe('aws.identity when the way to STS is broken', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const url = endpoints.get(c.name)!
    const { aws, config } = awsFor({ sts: url }, c.trustCa ? { AWS_CA_BUNDLE: caFile } : {})
    await aws.credentials()
    const t0 = performance.now()
    const r = await runCheck(identity, { config, aws })
    const elapsed = performance.now() - t0
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([c.finding])
    const words = c.words.replace('{port}', port(url)).replace('{service}', 'AWS STS')
    expect(r.summary).toBe(`${HEAD[c.finding].sts}: sts:GetCallerIdentity: ${words}`)
    expect(elapsed).toBeLessThan(TIMEOUT_MS)
  })
})

describe('aws.secret-access when the way to Secrets Manager is broken (STS fine)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const url = endpoints.get(c.name)!
    const { aws, config } = awsFor({ sm: url }, c.trustCa ? { AWS_CA_BUNDLE: caFile } : {})
    await aws.callerIdentity()
    const t0 = performance.now()
    const r = await runCheck(secretAccess, { config, aws })
    const elapsed = performance.now() - t0
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([c.finding])
    const words = c.words.replace('{port}', port(url)).replace('{service}', 'AWS Secrets Manager')
    expect(r.summary).toBe(`${HEAD[c.finding].sm}: secretsmanager:GetSecretValue: ${words}`)
    expect(elapsed).toBeLessThan(TIMEOUT_MS)
  })
})

describe('an endpoint that answers 200 with an HTML page is never a pass', () => {
  it('aws.identity fails with status and content type, not a pass with an empty account', async () => {
    const page = await faulty({ kind: 'html', status: 200 })
    const { aws, config } = awsFor({ sts: page, sm: page, iam: page })
    const r = await runCheck(identity, { config, aws })
    expect(r.status).toBe('fail')
    expect(r.summary).toContain('answered HTTP 200 (text/html), not AWS STS')
    await expect(aws.callerIdentity()).rejects.toMatchObject({ fault: 'not-the-service', kind: 'unexpected' })
  })

  it('aws.latency does not pass on it: it times no STS in place of the secret, and a page is no sample', async () => {
    const page = await faulty({ kind: 'html', status: 200 })
    const withSecret = awsFor({ sm: page })
    const skipped = await runCheck(latency, withSecret)
    expect(skipped.status).toBe('skip')
    expect(skipped.skipReason).toBe('dependency-failed')
    const stsOnly = awsFor({ sts: page }, {}, [])
    const r = await runCheck(latency, stsOnly)
    expect(r.status).toBe('error')
    expect(r.summary).toContain('answered HTTP 200 (text/html), not AWS STS')
  })

  it('a real AWS error (JSON with its code) is still the service: throttling keeps its Retry-After', async () => {
    const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })
    const url = await faulty({
      kind: 'status',
      status: 400,
      body,
      contentType: 'application/x-amz-json-1.1',
      headers: { 'retry-after': '2' },
    })
    const { aws, config } = awsFor({ sm: url })
    const r = await runCheck(secretAccess, { config, aws })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['throttled'])
    await expect(aws.secretValue('other')).rejects.toMatchObject({
      kind: 'throttled',
      facts: { code: 'ThrottlingException', retryAfter: '2' },
    })
  })
})

describe('TLS that works', () => {
  it('trusts the CA in AWS_CA_BUNDLE, as the AWS SDKs and CLI do', async () => {
    const url = await withCert()
    const { aws } = awsFor({ sts: url, sm: url }, { AWS_CA_BUNDLE: caFile })
    expect((await aws.callerIdentity()).account).toBe('123456789012')
    expect((await aws.secretValue(SECRET_NAME)).payload).toBe('json-object')
  })

  it('names an AWS_CA_BUNDLE that is not a regular file', async () => {
    const { aws } = awsFor({}, { AWS_CA_BUNDLE: tmpdir() })
    await expect(aws.callerIdentity()).rejects.toThrow(/AWS_CA_BUNDLE: .* is a directory, not a regular file/)
  })
})
