// Simulator fidelity: clients nobody here wrote — Debian's python3-hvac and node-vault — accept the
// loopback Vault and read it the way they read a real one.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasPythonModules } from '../helpers/tools.js'
import {
  healthyVaultState,
  makeServiceAccountJwt,
  startVaultSim,
  type VaultSim,
} from '../../src/sandbox/vault.js'

const run = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
const PY = '/usr/bin/python3'
const ROOT = 'hvs.conformance-root-token-0001'
const APP = 'hvs.conformance-app-token-00001'
const dir = mkdtempSync(join(tmpdir(), 'vault-conformance-'))
let sim: VaultSim
let ca: string
let jwt: string

beforeAll(async () => {
  sim = await startVaultSim(healthyVaultState({ rootToken: ROOT, appToken: APP }), { tls: 'valid' })
  ca = join(dir, 'ca.pem')
  writeFileSync(ca, sim.caPem ?? '')
  jwt = join(dir, 'jwt')
  writeFileSync(jwt, makeServiceAccountJwt({ namespace: 'expanso-system', serviceAccount: 'expanso-edge' }))
})
afterAll(() => sim.close())

// .ci/run installs Debian's python3-hvac for /usr/bin/python3; without it this conformance test cannot run.
// .ci/run installs Debian's python3-hvac; locally a missing hvac skips, in CI it fails (test/helpers/tools.ts).
const hasHvac = hasPythonModules('hvac', 'requests')

describe('vault simulator conformance', () => {
  it.runIf(hasHvac)(
    'is accepted by hvac (health, KV v2, lookup-self, capabilities, kubernetes login)',
    async () => {
      const { stdout } = await run(PY, [join(HERE, 'vault-hvac.py'), sim.url, ca, ROOT, jwt], {
        env: { PATH: '/usr/bin:/bin', NO_PROXY: '127.0.0.1,localhost', HOME: dir },
        timeout: 20_000,
      })
      const out = JSON.parse(stdout) as Record<string, unknown>
      expect(out).toMatchObject({
        sealed: false,
        initialized: true,
        kv2_keys: ['api_token', 'db_password', 'kafka_password', 'kafka_username'],
        kv2_version: 3,
        kv2_current_version: 3,
        kv2_list: ['pipeline'],
        kv2_missing: 'InvalidPath',
        root_policies: ['root'],
        root_caps: ['root'],
        k8s_policies: ['default', 'expanso-edge'],
        k8s_authenticated: true,
        k8s_ttl_positive: true,
        k8s_forbidden: 'Forbidden',
        bad_token_authenticated: false,
      })
      expect(out.health).toMatchObject({
        initialized: true,
        sealed: false,
        standby: false,
        version: '1.18.1',
      })
      expect(String(out.bad_role)).toContain('invalid role name "nope"')
    },
  )

  it('is accepted by node-vault', async () => {
    const mod = (await import('node-vault')) as unknown as {
      default: (o: Record<string, unknown>) => {
        health(): Promise<Record<string, unknown>>
        status(): Promise<Record<string, unknown>>
        read(p: string): Promise<{ data: { data: Record<string, string> } }>
        tokenLookupSelf(): Promise<{ data: { policies: string[] } }>
        kubernetesLogin(a: Record<string, string>): Promise<{ auth: { policies: string[] } }>
        audits(): Promise<Record<string, unknown>>
        write(p: string, d: unknown): Promise<Record<string, unknown>>
      }
    }
    const { readFileSync } = await import('node:fs')
    const v = mod.default({
      endpoint: sim.url,
      token: ROOT,
      requestOptions: { ca: readFileSync(ca, 'utf8') },
    })
    expect(await v.health()).toMatchObject({ initialized: true, sealed: false })
    expect(await v.status()).toMatchObject({ sealed: false, type: 'shamir' })
    expect(Object.keys((await v.read('secret/data/expanso/prod/pipeline')).data.data).sort()).toHaveLength(4)
    expect((await v.tokenLookupSelf()).data.policies).toEqual(['root'])
    expect(await v.audits()).toHaveProperty('file/')
    const caps = await v.write('sys/capabilities-self', { paths: ['secret/data/x'] })
    expect(caps.capabilities).toEqual(['root'])
    const k = mod.default({ endpoint: sim.url, requestOptions: { ca: readFileSync(ca, 'utf8') } })
    const login = await k.kubernetesLogin({
      role: 'expanso-edge',
      jwt: readFileSync(jwt, 'utf8'),
      mount_point: 'kubernetes',
    })
    expect(login.auth.policies).toEqual(['default', 'expanso-edge'])
    await expect(k.read('secret/data/expanso/prod/other')).rejects.toMatchObject({
      message: '1 error occurred:\n\t* permission denied\n\n',
      response: { statusCode: 403 },
    })
  })
})
