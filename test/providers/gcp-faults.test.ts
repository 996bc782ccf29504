// The gcp provider under network faults, through the real runner, provider and Secret Manager client over
// real sockets: each fault the simulator's knobs (or a silent or closed port) can produce, on the Secret
// Manager endpoint and on the token endpoint, ends as the reaching check's finding — worded by the core
// classifier, with the HTTP status and content type of an answer that is not the service, never a pass —
// within one call limit.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import type { CheckResult, Report } from '../../src/core/report.js'
import { CallTimeout } from '../../src/core/net.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { runChecks } from '../../src/core/run.js'
import { gcpChecks } from '../../src/checks/gcp/index.js'
import { providers } from '../../src/providers/index.js'
import { loadSecretManager } from '../../src/providers/gcp/sdk.js'
import { TOKEN_ENDPOINT } from '../../src/providers/gcp/token.js'
import { createTransport } from '../../src/providers/gcp/transport.js'
import {
  GCP_CANARIES,
  GCP_EMAIL,
  GCP_KEYS,
  GCP_PROJECT,
  GCP_SECRET,
  createServiceAccountKey,
  healthyGcpState,
  startGcpSimulator,
  type GcpSimulator,
} from '../../src/sandbox/gcp.js'
import {
  closedPort,
  startLoopbackServer,
  startSilentServer,
  type Fault,
  type LoopbackServer,
} from '../../src/sandbox/server.js'

/** --timeout for these runs; one call's limit is 2 s of it (src/core/net.ts callTimeoutMs). */
const TIMEOUT_MS = 3_000
const CALL_LIMIT = '2s'

let sim: GcpSimulator
let dir: string
let keyFile: string
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  // The client's first load takes about a second: not something a fault test should time.
  await loadSecretManager()
})

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gcp-faults-'))
  sim = await startGcpSimulator(healthyGcpState())
  const { key, keyId, publicKeyPem } = createServiceAccountKey(GCP_EMAIL, sim.tokenUri)
  sim.state.serviceAccounts[GCP_EMAIL] = { keys: { [keyId]: publicKeyPem } }
  keyFile = join(dir, 'key.json')
  writeFileSync(keyFile, JSON.stringify(key))
})

afterEach(async () => {
  await sim.close()
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function doctor(
  gcp: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = {},
  only?: readonly string[],
) {
  const config = defaultConfig({
    gcp: {
      project: GCP_PROJECT,
      endpoint: sim.api.url,
      credentialsFile: keyFile,
      secrets: [{ name: GCP_SECRET, keys: [...GCP_KEYS] }],
      ...gcp,
    },
    thresholds: { latencyP95: '3s', latencySamples: 2 },
  })
  const t0 = performance.now()
  const report = await runChecks({
    checks: gcpChecks,
    providers,
    config,
    env: { HOME: dir, METADATA_SERVER_DETECTION: 'none', ...env },
    timeoutMs: TIMEOUT_MS,
    deadlineMs: 30_000,
    only,
  })
  const wallMs = performance.now() - t0
  const check = (id: string) => report.checks.find((c) => c.id === id) as CheckResult
  for (const canary of Object.values(GCP_CANARIES)) expect(JSON.stringify(report)).not.toContain(canary)
  expect(JSON.stringify(report)).not.toMatch(/ya29\.c\.|UND_ERR|Unknown: Unknown|refused: HTTP|\$response/)
  return { report, wallMs, check }
}

/** The reaching check failed with this wording, the rest of the provider's checks skipped behind it. */
function expectUnreachable(report: Report, id: string, summary: RegExp | string, finding = 'unreachable') {
  const r = report.checks.find((c) => c.id === id) as CheckResult
  // GCP_FAULT_PRINT=1 prints the measured fault matrix (check, status, time, wording) for the closing note.
  if (process.env.GCP_FAULT_PRINT) console.log(`${r.id} ${r.status} ${r.durationMs}ms ${r.summary}`)
  expect(r.status).toBe('fail')
  expect(r.findings?.map((f) => f.key)).toEqual([finding])
  if (typeof summary === 'string') expect(r.summary).toBe(summary)
  else expect(r.summary).toMatch(summary)
  // Within one call limit (plus the token exchange before it), never the runner's `error`.
  expect(r.durationMs).toBeLessThan(TIMEOUT_MS)
  for (const dependent of gcpChecks.filter((c) => c.needs?.includes(id)))
    expect(report.checks.find((c) => c.id === dependent.id)?.status).toBe('skip')
}

const apiHost = () => `127.0.0.1:${sim.api.port}`
const authHost = () => `127.0.0.1:${sim.auth.port}`
const onApi = (fault: Fault) => {
  sim.api.knobs.fault = fault
}
const onToken = (fault: Fault) => {
  sim.auth.knobs.fault = fault
  sim.auth.knobs.faultWhen = (_m, path) => path === '/token'
}

describe('gcp faults on the Secret Manager endpoint: gcp.secret-access reports them', () => {
  const AT = 'Secret Manager AccessSecretVersion'

  it('refused', async () => {
    const port = await closedPort()
    const { report, wallMs } = await doctor({ endpoint: `http://127.0.0.1:${port}` })
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
    )
    expect(wallMs).toBeLessThan(TIMEOUT_MS)
  })

  it('black hole: no answer within one call limit', async () => {
    sim.api.knobs.blackHole = true
    const { report, check } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: no answer from ${apiHost()} within ${CALL_LIMIT} (timeout)`,
    )
    expect(check('gcp.secret-access').durationMs).toBeGreaterThanOrEqual(1_900)
  })

  it('TLS handshake stall: named as the handshake, within one call limit', async () => {
    const silent = await startSilentServer()
    cleanups.push(() => silent.close())
    const { report } = await doctor({ endpoint: silent.url })
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: 127.0.0.1:${silent.port} accepted the connection but did not complete the TLS handshake within ${CALL_LIMIT}`,
    )
  })

  it('reset mid-body', async () => {
    onApi({ kind: 'reset-mid-body' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      new RegExp(`^${AT}: ${apiHost()} closed the connection before the answer was complete \\(`),
    )
  })

  it('drip, then stall', async () => {
    onApi({ kind: 'drip-stall' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: no answer from ${apiHost()} within ${CALL_LIMIT} (timeout)`,
    )
  })

  it('502 with a proxy HTML page', async () => {
    onApi({ kind: 'html', status: 502 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 502 (text/html), not Google Secret Manager`,
    )
  })

  it('200 with an HTML page is not a pass', async () => {
    onApi({ kind: 'html', status: 200 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 200 (text/html), not Google Secret Manager`,
    )
  })

  it('200 with malformed JSON', async () => {
    onApi({ kind: 'malformed-json' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 200 (application/json), not Google Secret Manager: the body is not valid JSON`,
    )
  })

  it('200 with JSON that is not a Secret Manager resource', async () => {
    onApi({ kind: 'status', status: 200, body: '{"status":"ok"}' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 200 (application/json), not Google Secret Manager: no resource name in it`,
    )
  })

  it('a 50 MB body is refused at the cap, not read', async () => {
    onApi({ kind: 'huge-body', bytes: 50 << 20 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 200 (application/json), not Google Secret Manager: over 1 MiB of body`,
    )
  })

  it("429 with Retry-After is the service's throttling: a warning naming Retry-After", async () => {
    onApi({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '30' },
      contentType: 'application/json; charset=UTF-8',
      body: JSON.stringify({
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          message:
            "Quota exceeded for quota metric 'Access requests' of service 'secretmanager.googleapis.com'.",
        },
      }),
    })
    const { check } = await doctor({}, {}, ['gcp.credentials', 'gcp.secret-access'])
    const r = check('gcp.secret-access')
    expect(r.status).toBe('warn')
    expect(r.findings?.map((f) => f.key)).toEqual(['throttled'])
    expect(JSON.stringify(r.findings)).toContain('(HTTP 429, Retry-After 30)')
    expect(r.durationMs).toBeLessThan(TIMEOUT_MS)
    // One request: the client does not retry behind the doctor's back.
    expect(sim.api.requests.filter((q) => q.path.endsWith(':access'))).toHaveLength(1)
  })

  it('429 from a proxy (not JSON) is named with status, content type and Retry-After', async () => {
    onApi({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '120' },
      contentType: 'text/html',
      body: '<h1>slow down</h1>',
    })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} answered HTTP 429 (text/html, Retry-After 120), not Google Secret Manager`,
    )
  })

  it('a cross-host redirect is reported and no token follows it', async () => {
    const other: LoopbackServer = await startLoopbackServer(({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
    cleanups.push(() => other.close())
    onApi({ kind: 'redirect', location: `${other.url}/v1/stolen`, status: 307 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.secret-access',
      `${AT}: ${apiHost()} redirected (HTTP 307) to another host, 127.0.0.1:${other.port}; the doctor sends no credentials there`,
    )
    expect(other.requests).toEqual([])
  })
})

describe('gcp faults on the token endpoint: gcp.credentials reports them', () => {
  const TOKEN = 'token endpoint'

  it('refused', async () => {
    await sim.auth.close()
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: ${authHost()} refused the connection (ECONNREFUSED)`,
    )
  })

  it('black hole', async () => {
    sim.auth.knobs.blackHole = true
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: no answer from ${authHost()} within ${CALL_LIMIT} (timeout)`,
    )
  })

  it('reset mid-body', async () => {
    onToken({ kind: 'reset-mid-body' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      new RegExp(`^${TOKEN}: ${authHost()} closed the connection before the answer was complete \\(`),
    )
  })

  it('200 with a login page: named with status and content type, not "refused: HTTP 200"', async () => {
    onToken({ kind: 'html', status: 200 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: ${authHost()} answered HTTP 200 (text/html), not a Google OAuth 2.0 token endpoint`,
    )
  })

  it('502 with a proxy page', async () => {
    onToken({ kind: 'html', status: 502 })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: ${authHost()} answered HTTP 502 (text/html), not a Google OAuth 2.0 token endpoint`,
    )
  })

  it('200 with malformed JSON', async () => {
    onToken({ kind: 'malformed-json' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: ${authHost()} answered HTTP 200 (application/json), not a Google OAuth 2.0 token endpoint: the body is not OAuth JSON`,
    )
  })

  it('a cross-host redirect', async () => {
    onToken({ kind: 'redirect', location: 'http://127.0.0.2:9/token' })
    const { report } = await doctor()
    expectUnreachable(
      report,
      'gcp.credentials',
      `${TOKEN}: ${authHost()} redirected (HTTP 307) to another host, 127.0.0.2:9; the doctor sends no credentials there`,
    )
  })
})

describe('gcp faults on the metadata server', () => {
  const metadataEnv = () => ({
    METADATA_SERVER_DETECTION: 'assume-present',
    GCE_METADATA_HOST: sim.metadataHost,
  })

  it('an answer without Metadata-Flavor is not a metadata server', async () => {
    sim.auth.knobs.fault = { kind: 'html', status: 200 }
    const { report } = await doctor({ credentialsFile: undefined }, metadataEnv())
    expectUnreachable(
      report,
      'gcp.credentials',
      `metadata server: ${authHost()} answered HTTP 200 (text/html), not a GCE metadata server: no Metadata-Flavor: Google header`,
      'metadata-unreachable',
    )
  })

  it('refused', async () => {
    const port = await closedPort()
    const { report } = await doctor(
      { credentialsFile: undefined },
      { METADATA_SERVER_DETECTION: 'assume-present', GCE_METADATA_HOST: `127.0.0.1:${port}` },
    )
    expectUnreachable(
      report,
      'gcp.credentials',
      `metadata server: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
      'metadata-unreachable',
    )
  })
})

describe('gcp transport', () => {
  it('a POST whose limit has passed as it starts is a no-answer fault, not a crash of the process', async () => {
    const session = {
      config: defaultConfig(),
      signal: new AbortController().signal,
      timeoutMs: TIMEOUT_MS,
      offline: false,
      recorder: new RunRecorder(),
      now: () => new Date(),
      env: {},
    }
    const http = createTransport(session)
    const signal = AbortSignal.abort(new CallTimeout(2_000))
    const e = await http
      .request(TOKEN_ENDPOINT, sim.tokenUri, { method: 'POST', body: 'grant_type=x', signal })
      .then(
        () => undefined,
        (x: unknown) => x,
      )
    expect(e).toMatchObject({ kind: 'timeout', fault: 'no-answer' })
    // node-fetch destroys the body stream with the abort error: a listener-less 'error' would surface here.
    await new Promise((resolve) => setTimeout(resolve, 100))
  })
})
