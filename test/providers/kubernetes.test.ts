// The kubernetes provider with the real @kubernetes/client-node over HTTPS against the loopback simulator.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { ProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import kubernetes, { type KubernetesApi } from '../../src/providers/kubernetes/provider.js'
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
    ).toBe('2026-11-27T09:00:00.000Z')
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
    // One request per kind (plus CRD, version, reviews), not per object.
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
