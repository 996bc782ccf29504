// Simulator fidelity: kubectl — a client nobody here wrote — against the loopback Kubernetes API server.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCommand } from '../helpers/tools.js'
import { startKubeSim, type KubeSim } from '../../src/sandbox/kubernetes.js'
import {
  CANARY,
  NS,
  csiDriver,
  deployment,
  externalSecret,
  podOf,
  secret,
  secretProviderClass,
  serviceAccount,
} from '../fixtures/kubernetes/objects.js'

const run = promisify(execFile)
// The machine image's kubectl, or Debian's kubernetes-client (which .ci/run installs where there is none).
const KUBECTL = [
  ...(process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((d) => join(d, 'kubectl')),
  '/usr/bin/kubectl',
  '/usr/local/bin/kubectl',
].find((p) => existsSync(p))
// .ci/run installs kubectl; locally a missing one skips, in CI it fails (test/helpers/tools.ts).
const HAS_KUBECTL = hasCommand(KUBECTL ?? 'kubectl')

let sim: KubeSim
let kubeconfig: string
const dep = deployment('expanso-edge', {
  serviceAccountName: 'expanso-edge',
  containers: [{ name: 'expanso-edge', image: 'x' }],
})

beforeAll(async () => {
  sim = await startKubeSim({
    objects: [
      serviceAccount('expanso-edge'),
      dep,
      podOf(dep, '2026-11-27T09:00:00Z'),
      secret('pipeline-credentials', { KAFKA_PASSWORD: CANARY.kafkaPassword }, '2026-11-27T08:00:00Z'),
      externalSecret('pipeline-credentials', { refreshInterval: '1h' }),
      secretProviderClass('expanso-azure-keyvault', ['kafka-username'], []),
      csiDriver(),
    ],
  })
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'))
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, sim.kubeconfig({ namespace: NS }))
})
afterAll(async () => sim?.close())

const kubectl = (...args: string[]) =>
  run(KUBECTL as string, ['--kubeconfig', kubeconfig, '--request-timeout', '10s', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(join(tmpdir(), 'kubectl-home-')),
      NO_PROXY: '127.0.0.1',
    },
    timeout: 30_000,
  })

describe.skipIf(!HAS_KUBECTL)(
  `kubectl against the simulator${KUBECTL ? '' : ' (skipped: no kubectl binary on this machine)'}`,
  () => {
    it('gets serviceaccounts, deployments, pods and secrets', async () => {
      const { stdout } = await kubectl('get', 'serviceaccounts,deployments,pods,secrets', '-o', 'name')
      expect(stdout.trim().split('\n').sort()).toEqual(
        [
          'deployment.apps/expanso-edge',
          'pod/expanso-edge-7d9c5b7f8d-x2k4p',
          'secret/pipeline-credentials',
          'serviceaccount/expanso-edge',
        ].sort(),
      )
    })
    it('gets the CRDs: externalsecrets and secretproviderclasses (discovery of the custom groups)', async () => {
      const { stdout } = await kubectl('get', 'externalsecrets,secretproviderclasses', '-o', 'name')
      expect(stdout.trim().split('\n').sort()).toEqual(
        [
          'externalsecret.external-secrets.io/pipeline-credentials',
          'secretproviderclass.secrets-store.csi.x-k8s.io/expanso-azure-keyvault',
        ].sort(),
      )
    })
    it('reads API group discovery (GET /apis/<group>) the way the doctor does', async () => {
      const { stdout } = await kubectl('get', '--raw', '/apis/external-secrets.io')
      const group = JSON.parse(stdout) as {
        kind: string
        name: string
        versions: { groupVersion: string; version: string }[]
        preferredVersion: { version: string }
      }
      expect(group.kind).toBe('APIGroup')
      expect(group.name).toBe('external-secrets.io')
      expect(group.versions.map((v) => v.groupVersion)).toEqual(['external-secrets.io/v1'])
      expect(group.preferredVersion.version).toBe('v1')
      const versions = await kubectl('api-versions')
      expect(versions.stdout.split('\n')).toContain('external-secrets.io/v1')
      const missing = await kubectl('get', '--raw', '/apis/not-installed.example.com').catch(
        (e: { stderr: string }) => e,
      )
      expect((missing as { stderr: string }).stderr).toMatch(/NotFound|not found|404/i)
    })
    it('prints a table, reads JSON by name, filters by label, and sees Status errors', async () => {
      const table = await kubectl('get', 'pods')
      expect(table.stdout).toMatch(/NAME\s+.*\n.*expanso-edge-7d9c5b7f8d-x2k4p/)
      const json = await kubectl('get', 'externalsecret', 'pipeline-credentials', '-o', 'json')
      expect(JSON.parse(json.stdout).spec.refreshInterval).toBe('1h')
      const byLabel = await kubectl(
        'get',
        'pods',
        '-l',
        'app in (expanso-edge),pod-template-hash',
        '-o',
        'name',
      )
      expect(byLabel.stdout.trim()).toBe('pod/expanso-edge-7d9c5b7f8d-x2k4p')
      const notLabel = await kubectl(
        'get',
        'pods',
        '-l',
        '!pod-template-hash,app notin (other)',
        '-o',
        'name',
      )
      expect(notLabel.stdout.trim()).toBe('')
      const badSelector = await kubectl('get', 'pods', '-l', 'app in (a', '-o', 'name').catch(
        (e: { stderr: string }) => e,
      )
      expect((badSelector as { stderr: string }).stderr).toMatch(/unable to parse|parse/i)
      const missing = await kubectl('get', 'serviceaccount', 'nope').catch((e: { stderr: string }) => e)
      expect((missing as { stderr: string }).stderr).toContain('serviceaccounts "nope" not found')
      const can = await kubectl('auth', 'can-i', 'list', 'secrets')
      expect(can.stdout.trim()).toBe('yes')
    })
    it('is refused writes, and a bad token is Unauthorized', async () => {
      const del = await kubectl('delete', 'secret', 'pipeline-credentials').catch(
        (e: { stderr: string }) => e,
      )
      expect((del as { stderr: string }).stderr).toContain('forbidden')
      expect(sim.state.objects.some((o) => o.kind === 'Secret')).toBe(true)
      const bad = await run(
        KUBECTL as string,
        ['--kubeconfig', kubeconfig, '--token', 'nope-nope', 'get', 'pods'],
        { timeout: 30_000 },
      ).catch((e: { stderr: string }) => e)
      expect((bad as { stderr: string }).stderr).toMatch(/Unauthorized|must be logged in/)
    })
  },
)
