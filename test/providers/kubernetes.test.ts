// The kubernetes provider over HTTPS against the loopback simulator: static credentials (a token) directly,
// and an exec plugin through the real @kubernetes/client-node, as a kubeconfig from EKS, GKE or AKS has it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { ProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import type { KubernetesApi } from '../../src/providers/kubernetes/api.js'
import { NEEDED_READS } from '../../src/providers/kubernetes/model.js'
import kubernetes from '../../src/providers/kubernetes/provider.js'
import { startKubeSim, type KubeSim, type KubeSimState } from '../../src/sandbox/kubernetes.js'
import {
  CANARY,
  NS,
  deployment,
  externalSecret,
  podOf,
  secret,
  serviceAccount,
} from '../fixtures/kubernetes/objects.js'

let sim: KubeSim | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function api(
  state: Partial<KubeSimState>,
  kubeconfigOpts: Parameters<KubeSim['kubeconfig']>[0] = {},
  timeoutMs = 3000,
) {
  sim = await startKubeSim(state)
  const dir = mkdtempSync(join(tmpdir(), 'k8s-prov-'))
  const file = join(dir, 'kubeconfig')
  writeFileSync(file, sim.kubeconfig(kubeconfigOpts))
  const config = defaultConfig({ kubernetes: { kubeconfig: file, namespace: NS } })
  const recorder = new RunRecorder()
  const k: KubernetesApi = kubernetes.create({
    config,
    signal: new AbortController().signal,
    timeoutMs,
    offline: false,
    recorder,
    now: () => new Date(),
    env: {},
  })
  return { k, recorder, sim }
}

const dep = deployment('expanso-edge', {
  serviceAccountName: 'expanso-edge',
  containers: [
    { name: 'expanso-edge', image: 'x', envFrom: [{ secretRef: { name: 'pipeline-credentials' } }] },
  ],
})

describe('kubernetes provider (live, client-node against the simulator)', () => {
  it('reads access, identity and every kind in one list call each; drops secret values', async () => {
    const {
      k,
      recorder,
      sim: s,
    } = await api({
      objects: [
        dep,
        podOf(dep, '2026-11-27T09:00:00Z'),
        serviceAccount('expanso-edge'),
        secret(
          'pipeline-credentials',
          { KAFKA_PASSWORD: CANARY.kafkaPassword, API_TOKEN: '' },
          '2026-11-27T08:00:00Z',
        ),
        externalSecret('pipeline-credentials', { refreshInterval: '1h' }),
      ],
    })
    const a = await k.access()
    expect(a.user).toBe('system:serviceaccount:expanso-system:edge-doctor')
    expect(a.version).toBe('v1.30.4')
    expect(a.denied).toEqual([])
    expect(recorder.identities[0]?.principal).toBe(a.user)
    expect(recorder.clock.length).toBeGreaterThan(0)
    const inv = await k.inventory()
    expect(inv.kinds.Deployment?.state).toBe('listed')
    expect(
      inv.objects.find((o) => o.kind === 'Pod')?.status?.containerStatuses?.[0]?.state?.running?.startedAt,
    ).toBe('2026-11-27T09:00:00Z') // as the API sent it
    const sec = inv.objects.find((o) => o.kind === 'Secret')
    expect(sec?.keys).toEqual({ KAFKA_PASSWORD: 'set', API_TOKEN: 'empty' })
    expect(JSON.stringify(inv)).not.toContain(Buffer.from(CANARY.kafkaPassword).toString('base64'))
    expect(JSON.stringify(inv)).not.toContain(CANARY.kafkaPassword)
    expect(redact(`x ${CANARY.kafkaPassword}`)).not.toContain(CANARY.kafkaPassword)
    expect(inv.objects.find((o) => o.kind === 'ExternalSecret')?.spec?.refreshInterval).toBe('1h')
    expect(inv.esoServedVersions).toEqual(['v1'])
    // Read-only: only GETs and the review POSTs.
    for (const r of s.server.requests)
      if (r.method !== 'GET') expect(r.operation).toMatch(/^SelfSubject(Access)?Review$/)
    // One request per kind (plus discovery, version, reviews), not per object.
    expect(s.server.requests.filter((r) => r.operation === 'list pods')).toHaveLength(1)
  })

  it('names the reads a SelfSubjectAccessReview refuses, and marks the kinds forbidden', async () => {
    const { k } = await api({ deny: ['list secrets', 'list csidrivers'] })
    const a = await k.access()
    expect(a.denied.map((d) => `${d.verb} ${d.resource}`)).toEqual(['list secrets', 'list csidrivers'])
    const inv = await k.inventory()
    expect(inv.kinds.Secret?.state).toBe('forbidden')
    expect(inv.kinds.CSIDriver?.state).toBe('forbidden')
  })

  it('lists ESO at the version the cluster serves, and marks uninstalled CRDs not-served', async () => {
    const { k } = await api({ esoServed: ['v1beta1'], csiCrds: false, objects: [externalSecret('a')] })
    const inv = await k.inventory()
    expect(inv.esoServedVersions).toEqual(['v1beta1'])
    expect(inv.objects.find((o) => o.kind === 'ExternalSecret')?.apiVersion).toBe(
      'external-secrets.io/v1beta1',
    )
    expect(inv.kinds.SecretProviderClass?.state).toBe('not-served')
    const none = await api({ esoServed: undefined })
    expect((await none.k.inventory()).kinds.ExternalSecret?.state).toBe('not-served')
  })

  it('learns the ESO version from API discovery (GET /apis/external-secrets.io), never from the CRD', async () => {
    const { k, sim: s } = await api({ esoServed: ['v1beta1', 'v1'], objects: [externalSecret('a')] })
    const inv = await k.inventory()
    expect(inv.esoServedVersions).toEqual(['v1', 'v1beta1'])
    expect(inv.apiGroups?.['external-secrets.io']).toEqual({
      group: 'external-secrets.io',
      served: ['v1', 'v1beta1'],
      listed: 'v1',
    })
    expect(inv.objects.find((o) => o.kind === 'ExternalSecret')?.apiVersion).toBe('external-secrets.io/v1')
    const paths = s.server.requests.map((r) => r.path)
    expect(paths).toContain('/apis/external-secrets.io')
    expect(paths).toContain('/apis/secrets-store.csi.x-k8s.io')
    expect(paths.filter((p) => p.includes('customresourcedefinitions'))).toEqual([])
  })

  it('discovery refused: lists at v1 anyway, and says so', async () => {
    const { k, sim: s } = await api({ objects: [externalSecret('a')] })
    s.server.knobs.fault = {
      kind: 'status',
      status: 403,
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'forbidden: User "x" cannot get path "/apis/external-secrets.io"',
        reason: 'Forbidden',
        code: 403,
      }),
    }
    s.server.knobs.faultWhen = (_m, path) => path === '/apis/external-secrets.io'
    const inv = await k.inventory()
    expect(inv.esoServedVersions).toBeUndefined()
    expect(inv.apiGroups?.['external-secrets.io']?.listed).toBe('v1')
    expect(inv.apiGroups?.['external-secrets.io']?.note).toContain('discovery failed')
    expect(inv.kinds.ExternalSecret?.state).toBe('listed')
  })

  it('asks every needed read at once: one SelfSubjectAccessReview per read, concurrently', async () => {
    const { k, sim: s } = await api({})
    s.server.knobs.latencyMs = 300
    const t0 = Date.now()
    await k.access()
    // One after another, the version, the review of who we are and every access review would take 4 s.
    expect(Date.now() - t0).toBeLessThan(1500)
    const reviews = s.server.requests.filter((r) => r.operation === 'SelfSubjectAccessReview')
    expect(reviews).toHaveLength(NEEDED_READS.length)
    // What is reviewed is what is listed: the data an RBAC Role can be derived from.
    await k.inventory()
    const listed = s.server.requests.filter((r) => r.operation?.startsWith('list ')).map((r) => r.operation)
    expect(new Set(listed)).toEqual(new Set(NEEDED_READS.map((r) => `list ${r.resource}`)))
  })

  it('pages through large lists with limit/continue', async () => {
    const pods = Array.from({ length: 1203 }, (_, i) => podOf(dep, '2026-11-27T09:00:00Z', `p${i}`))
    const { k, sim: s } = await api({ objects: pods })
    const inv = await k.inventory()
    expect(inv.objects.filter((o) => o.kind === 'Pod')).toHaveLength(1203)
    expect(s.server.requests.filter((r) => r.operation === 'list pods')).toHaveLength(3)
  })

  it('turns a bad token into unauthenticated, without the token in the message', async () => {
    const { k } = await api({}, { token: 'wrong-token-abcdef' })
    const e = await k.access().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ProviderError)
    expect((e as ProviderError).kind).toBe('unauthenticated')
    expect((e as ProviderError).message).not.toContain('wrong-token-abcdef')
  })

  it('turns an untrusted CA into tls and a closed port into refused', async () => {
    const { k } = await api({}, { trustCa: false })
    const e = (await k.access().catch((x: unknown) => x)) as ProviderError
    expect(e.kind).toBe('tls')
    const closed = await api({})
    await closed.sim.close()
    const e2 = (await closed.k.access().catch((x: unknown) => x)) as ProviderError
    expect(e2.kind).toBe('refused')
  })

  it('times out a black-holed API within the per-call limit', async () => {
    const { k, sim: s } = await api({}, {}, 300)
    s.server.knobs.blackHole = true
    const t0 = Date.now()
    const e = (await k.access().catch((x: unknown) => x)) as ProviderError
    expect(e.kind).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(2000)
  })
})

describe('kubernetes provider: credentials an exec plugin produces (client-node runs it)', () => {
  /** A kubeconfig whose user is an exec plugin: a node script that prints an ExecCredential. */
  function execKubeconfig(s: KubeSim, script: string) {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-exec-'))
    const plugin = join(dir, 'plugin.mjs')
    writeFileSync(plugin, script)
    const base = s
      .kubeconfig({ namespace: NS })
      .replace(
        / {2}user:\n {4}token: .*\n/,
        [
          '  user:',
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1',
          `      command: ${JSON.stringify(process.execPath)}`,
          `      args: [${JSON.stringify(plugin)}, ${JSON.stringify(join(dir, 'runs'))}]`,
          '      interactiveMode: Never',
          '',
        ].join('\n'),
      )
    const file = join(dir, 'kubeconfig')
    writeFileSync(file, base)
    return { file, runs: join(dir, 'runs') }
  }
  const create = (file: string, timeoutMs = 3000) =>
    kubernetes.create({
      config: defaultConfig({ kubernetes: { kubeconfig: file, namespace: NS } }),
      signal: new AbortController().signal,
      timeoutMs,
      offline: false,
      recorder: new RunRecorder(),
      now: () => new Date(),
      env: {},
    })

  it('runs the plugin once for every concurrent call, and keeps its token out of messages', async () => {
    sim = await startKubeSim({ token: 'exec-issued-token-5f0c1d7e' })
    const { file, runs } = execKubeconfig(
      sim,
      [
        "import { appendFileSync } from 'node:fs'",
        "appendFileSync(process.argv[2], 'x')",
        'process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential",',
        '  status: { token: "exec-issued-token-5f0c1d7e" } }))',
      ].join('\n'),
    )
    const k = create(file)
    const a = await k.access()
    expect(a.denied).toEqual([])
    expect((await import('node:fs')).readFileSync(runs, 'utf8')).toBe('x')
    expect(redact('leak exec-issued-token-5f0c1d7e')).not.toContain('exec-issued-token-5f0c1d7e')
  })

  it('a plugin that never answers is a kubeconfig problem within one call limit, not a hang', async () => {
    sim = await startKubeSim({})
    const { file } = execKubeconfig(sim, 'setInterval(() => {}, 1000)\n')
    const t0 = Date.now()
    const e = (await create(file, 2000)
      .access()
      .catch((x: unknown) => x)) as ProviderError
    expect(e).toBeInstanceOf(ProviderError)
    expect(e.kind).toBe('invalid')
    expect(e.message).toContain("the kubeconfig's credentials: no credentials within 1s")
    expect(Date.now() - t0).toBeLessThan(8000)
  })
})

describe('kubernetes provider: the files a kubeconfig names are read through core/files', () => {
  const create = (file: string, context?: string) =>
    kubernetes.create({
      config: defaultConfig({
        kubernetes: { kubeconfig: file, namespace: NS, ...(context ? { context } : {}) },
      }),
      signal: new AbortController().signal,
      timeoutMs: 3000,
      offline: false,
      recorder: new RunRecorder(),
      now: () => new Date(),
      env: {},
    })
  /** The simulator's kubeconfig with the CA and the token as files beside it, named relatively. */
  function withFiles(s: KubeSim, ca: (path: string) => void) {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-files-'))
    ca(join(dir, 'ca.pem'))
    writeFileSync(join(dir, 'token'), `${s.state.token}\n`)
    const text = s
      .kubeconfig({ namespace: NS })
      .replace(/certificate-authority-data: .*/, 'certificate-authority: ca.pem')
      .replace(/token: .*/, 'token-file: token')
    writeFileSync(join(dir, 'kubeconfig'), text)
    return join(dir, 'kubeconfig')
  }

  it('a relative certificate-authority and a token-file (with its newline) work', async () => {
    sim = await startKubeSim({})
    const s = sim
    const file = withFiles(s, (path) => writeFileSync(path, s.ca.certPem))
    const a = await create(file).access()
    expect(a.user).toBe('system:serviceaccount:expanso-system:edge-doctor')
  })

  it('a FIFO where the CA should be is a kubeconfig problem naming the path, not a hang', async () => {
    sim = await startKubeSim({})
    const file = withFiles(sim, (path) => execFileSync('mkfifo', [path]))
    const e = (await create(file)
      .access()
      .catch((x: unknown) => x)) as ProviderError
    expect(e.kind).toBe('invalid')
    expect(e.message).toMatch(
      /the kubeconfig names .*ca\.pem: .*is a FIFO \(named pipe\), not a regular file/,
    )
  })

  it('a context the kubeconfig does not have is a kubeconfig problem', async () => {
    sim = await startKubeSim({})
    const dir = mkdtempSync(join(tmpdir(), 'k8s-ctx-'))
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig({ namespace: NS }))
    const e = (await create(join(dir, 'kubeconfig'), 'elsewhere')
      .access()
      .catch((x: unknown) => x)) as ProviderError
    expect(e.kind).toBe('invalid')
    expect(e.message).toBe('kubeconfig has no cluster for context "elsewhere"')
  })
})
