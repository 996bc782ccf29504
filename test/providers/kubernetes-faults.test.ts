// The Kubernetes provider under network faults, over real sockets against the simulator and its fault knobs:
// each fault ends as k8s.access's own `fail` (unreachable, or tls), in the shared classifier's words, within
// one call limit — never the runner's `error`, never a pass, never a raw library text. A redirect is not
// followed: the other host sees no request, so no bearer token.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import accessCheck from '../../src/checks/kubernetes/access.js'
import { ProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import kubernetes from '../../src/providers/kubernetes/provider.js'
import { kubeconfigYaml, startKubeSim, type KubeSim } from '../../src/sandbox/kubernetes.js'
import { handleKube } from '../../src/sandbox/kubernetes/handler.js'
import { defaultKubeState } from '../../src/sandbox/kubernetes/state.js'
import {
  closedPort,
  startLoopbackServer,
  startSilentServer,
  type Fault,
  type LoopbackServer,
} from '../../src/sandbox/server.js'
import { createCA, issueCertificate } from '../../src/sandbox/tls.js'
import { runCheck } from '../helpers/check-harness.js'
import { NS, deployment, podOf } from '../fixtures/kubernetes/objects.js'

/** --timeout for these runs; one call's own limit is 1s of it (callTimeoutMs). */
const TIMEOUT_MS = 2000
const TOKEN = 'k8s-fault-token-4c2e9a71'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function sim(): Promise<KubeSim> {
  const s = await startKubeSim({ token: TOKEN })
  closers.push(() => s.close())
  return s
}

function providerFor(kubeconfig: string) {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-faults-'))
  const file = join(dir, 'kubeconfig')
  writeFileSync(file, kubeconfig)
  const config = defaultConfig({ kubernetes: { kubeconfig: file, namespace: NS } })
  const api = kubernetes.create({
    config,
    signal: new AbortController().signal,
    timeoutMs: TIMEOUT_MS,
    offline: false,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env: {},
  })
  return { config, api }
}

/** k8s.access through the real provider, and how long it took. */
async function access(kubeconfig: string) {
  const { config, api } = providerFor(kubeconfig)
  const t0 = Date.now()
  const r = await runCheck(accessCheck, { config, kubernetes: api })
  return { r, ms: Date.now() - t0 }
}

const caPem = (s: KubeSim) => s.ca.certPem
const kubeconfigFor = (server: string, ca: string) => kubeconfigYaml(server, ca, TOKEN, NS, 'faults', true)

describe('kubernetes provider under network faults (k8s.access is the reaching check)', () => {
  it('refused: a closed port', async () => {
    const s = await sim()
    const port = await closedPort()
    const { r, ms } = await access(kubeconfigFor(`https://127.0.0.1:${port}`, caPem(s)))
    expect([r.status, r.findings?.[0]?.key]).toEqual(['fail', 'unreachable'])
    expect(r.summary).toContain(`GET /version: 127.0.0.1:${port} refused the connection (ECONNREFUSED)`)
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('black hole: the server accepts and never answers', async () => {
    const s = await sim()
    s.server.knobs.blackHole = true
    const { r, ms } = await access(s.kubeconfig({ namespace: NS }))
    expect([r.status, r.findings?.[0]?.key]).toEqual(['fail', 'unreachable'])
    expect(r.summary).toContain(`no answer from 127.0.0.1:${s.server.port} within 1s (timeout)`)
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('TLS handshake stall: TCP accepted, no ServerHello ever', async () => {
    const s = await sim()
    const silent = await startSilentServer()
    closers.push(() => silent.close())
    const { r, ms } = await access(kubeconfigFor(silent.url, caPem(s)))
    expect([r.status, r.findings?.[0]?.key]).toEqual(['fail', 'unreachable'])
    expect(r.summary).toContain(
      `127.0.0.1:${silent.port} accepted the connection but did not complete the TLS handshake within 1s`,
    )
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  const faults: [string, Fault, string][] = [
    [
      'reset mid-body',
      { kind: 'reset-mid-body' },
      'closed the connection before the answer was complete (ECONNRESET)',
    ],
    [
      '502 with a proxy page',
      { kind: 'html', status: 502 },
      'answered HTTP 502 (text/html), not the Kubernetes API',
    ],
    [
      '200 with a login page',
      { kind: 'html', status: 200 },
      'answered HTTP 200 (text/html), not the Kubernetes API',
    ],
    [
      'malformed JSON',
      { kind: 'malformed-json' },
      'answered HTTP 200 (application/json), not the Kubernetes API',
    ],
    [
      '429 with Retry-After, no Status body',
      { kind: 'status', status: 429, headers: { 'retry-after': '30' } },
      'answered HTTP 429 (application/json, Retry-After 30), not the Kubernetes API',
    ],
    ['drip, then stall', { kind: 'drip-stall' }, 'within 1s (timeout)'],
    [
      'a 50 MB body',
      { kind: 'huge-body', bytes: 50 << 20 },
      'answered HTTP 200 (application/json), not the Kubernetes API (over 32 MiB)',
    ],
  ]
  it.each(faults)('%s', async (_name, fault, words) => {
    const s = await sim()
    s.server.knobs.fault = fault
    const { r, ms } = await access(s.kubeconfig({ namespace: NS }))
    expect([r.status, r.findings?.[0]?.key]).toEqual(['fail', 'unreachable'])
    expect(r.summary).toContain('GET /version: ')
    expect(r.summary).toContain(`127.0.0.1:${s.server.port}`)
    expect(r.summary).toContain(words)
    expect(r.summary).not.toMatch(/UND_ERR|Unknown|Error: aborted|\$response|SyntaxError|Unexpected token/)
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('cross-host redirect: reported, not followed — the other host sees no request and no token', async () => {
    const s = await sim()
    const other: LoopbackServer = await startLoopbackServer(() => {})
    closers.push(() => other.close())
    s.server.knobs.fault = { kind: 'redirect', location: `${other.url}/version`, status: 307 }
    const { r, ms } = await access(s.kubeconfig({ namespace: NS }))
    expect([r.status, r.findings?.[0]?.key]).toEqual(['fail', 'unreachable'])
    expect(r.summary).toContain(
      `redirected (HTTP 307) to another host, 127.0.0.1:${other.port}; the doctor sends no credentials there`,
    )
    expect(other.requests).toEqual([])
    expect(r.summary).not.toContain(TOKEN)
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  it('untrusted and expired certificates are the tls finding', async () => {
    const s = await sim()
    const untrusted = await access(s.kubeconfig({ namespace: NS, trustCa: false }))
    expect([untrusted.r.status, untrusted.r.findings?.[0]?.key]).toEqual(['fail', 'tls'])
    expect(untrusted.r.summary).toContain(
      `the TLS certificate of 127.0.0.1:${s.server.port} is not signed by a trusted CA`,
    )

    const ca = createCA('expired test CA')
    const leaf = issueCertificate(ca, {
      hosts: ['127.0.0.1'],
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    })
    const state = defaultKubeState({ token: TOKEN })
    const expiredServer = await startLoopbackServer((req) => handleKube(state, req), {
      tls: { certPem: leaf.certPem, keyPem: leaf.keyPem },
    })
    closers.push(() => expiredServer.close())
    const expired = await access(kubeconfigFor(expiredServer.url, ca.certPem))
    expect([expired.r.status, expired.r.findings?.[0]?.key]).toEqual(['fail', 'tls'])
    expect(expired.r.summary).toContain('has expired (CERT_HAS_EXPIRED)')
  })

  it("the API server's own 429 (a Status with Retry-After) names the status; it is not a pass", async () => {
    const s = await sim()
    s.server.knobs.fault = {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '5' },
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Too many requests, please try again later.',
        reason: 'TooManyRequests',
        code: 429,
      }),
    }
    const { r } = await access(s.kubeconfig({ namespace: NS }))
    expect(r.status).toBe('error')
    expect(r.summary).toContain(
      'GET /version: HTTP 429 Too many requests, please try again later. (Retry-After 5)',
    )
  })

  it('a fault on one list call fails the inventory with the status, not a raw text', async () => {
    const s = await sim()
    const dep = deployment('expanso-edge', { containers: [{ name: 'a', image: 'x' }] })
    s.state.objects.push(dep, podOf(dep, '2026-11-27T09:00:00Z'))
    s.server.knobs.fault = { kind: 'html', status: 502 }
    s.server.knobs.faultWhen = (method, path) => method === 'GET' && path.endsWith('/pods')
    const { api } = providerFor(s.kubeconfig({ namespace: NS }))
    expect((await api.access()).denied).toEqual([])
    const e = (await api.inventory().catch((x: unknown) => x)) as ProviderError
    expect(e).toBeInstanceOf(ProviderError)
    expect(e.message).toBe(
      `list pods: 127.0.0.1:${s.server.port} answered HTTP 502 (text/html), not the Kubernetes API`,
    )
  })
})
