// The documentation's own Kubernetes examples, read as --manifests: no check may fail; the warns are the
// ones the examples README names (ESO v1beta1, usePodIdentity, init-container-only fetching,
// env vars read once).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { kubernetesChecks } from '../../src/checks/kubernetes/index.js'
import kubernetes from '../../src/providers/kubernetes/provider.js'
import { runCheck } from '../helpers/check-harness.js'
import { EXAMPLES_DIR } from '../helpers/examples.js'

const EXAMPLES = EXAMPLES_DIR

async function runAll(dirs: string[], raw: Record<string, unknown> = {}) {
  const config = defaultConfig({ ...raw }, { manifests: dirs.map((d) => join(EXAMPLES, d)) })
  const api = kubernetes.create({
    config,
    signal: new AbortController().signal,
    timeoutMs: 1000,
    offline: true,
    recorder: new RunRecorder(),
    now: () => new Date(),
    env: {},
  })
  const out: Record<string, { status: string; findings: string[] }> = {}
  for (const c of kubernetesChecks) {
    const r = await runCheck(c, { config, kubernetes: api })
    out[c.id] = { status: r.status, findings: (r.findings ?? []).map((f) => f.key) }
  }
  return out
}

const notPassing = (res: Record<string, { status: string; findings: string[] }>) =>
  Object.fromEntries(
    Object.entries(res).filter(([, v]) => v.status === 'warn' || v.status === 'fail' || v.status === 'error'),
  )

describe.skipIf(!existsSync(EXAMPLES))("the documentation's Kubernetes examples as manifests", () => {
  it('vault-injector: clean', async () => {
    expect(notPassing(await runAll(['vault-injector']))).toEqual({})
  })
  it('aws-eso: only the v1beta1 warn', async () => {
    expect(notPassing(await runAll(['aws-eso']))).toEqual({
      'k8s.external-secret': { status: 'warn', findings: ['v1beta1'] },
    })
  })
  it('gcp: only the init-container warn', async () => {
    expect(notPassing(await runAll(['gcp']))).toEqual({
      'k8s.init-vs-sidecar': { status: 'warn', findings: ['init-only'] },
    })
  })
  it('azure-csi: usePodIdentity and env vars read once', async () => {
    expect(notPassing(await runAll(['azure-csi']))).toEqual({
      'k8s.secret-provider-class': { status: 'warn', findings: ['pod-identity'] },
      'k8s.stale-env': { status: 'warn', findings: ['env-not-refreshed'] },
    })
  })
  it('with the doctor config each example implies: the same verdicts', async () => {
    expect(
      notPassing(await runAll(['vault-injector'], { vault: { auth: { role: 'expanso-edge' } } })),
    ).toEqual({})
    expect(notPassing(await runAll(['gcp'], { gcp: { project: 'my-project' } }))).toEqual({
      'k8s.init-vs-sidecar': { status: 'warn', findings: ['init-only'] },
    })
  })
})
