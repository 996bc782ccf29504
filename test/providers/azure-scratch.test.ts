import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { runChecks } from '../../src/core/run.js'
import azureProvider from '../../src/providers/azure/provider.js'
import { azureChecks } from '../../src/checks/azure/index.js'
import { projectedServiceAccountToken, startAzureSimulator } from '../../src/sandbox/azure.js'
import { startSilentServer, closedPort, type Fault } from '../../src/sandbox/server.js'

const ISSUER = 'https://oidc.example/'
const CLIENT = '5e7c1d2a-0000-4000-8000-00000000c11e'
const OBJECT = '9a1b2c3d-0000-4000-8000-0000000000b1'

it('explore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'az-'))
  const sim = await startAzureSimulator({
    identities: [{ clientId: CLIENT, objectId: OBJECT, federatedCredentials: [{ issuer: ISSUER, subject: 'system:serviceaccount:ns:sa' }] }],
    grants: [{ objectId: OBJECT }],
    secrets: { a: { value: 'x', expiresOn: new Date(Date.now() + 90 * 86400000) } },
  })
  writeFileSync(join(dir, 'ca.pem'), sim.ca.certPem)
  writeFileSync(join(dir, 'tok'), projectedServiceAccountToken({ issuer: ISSUER, namespace: 'ns', serviceAccount: 'sa' }))
  const silent = await startSilentServer()
  const refused = await closedPort()
  const go = async (label: string, vaultUrl: string, authority: string, retries?: string) => {
    const env = {
      AZURE_CLIENT_ID: CLIENT, AZURE_TENANT_ID: sim.state.tenantId, AZURE_FEDERATED_TOKEN_FILE: join(dir, 'tok'),
      AZURE_AUTHORITY_HOST: authority, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      ...(retries ? { EDGE_SECRETS_AZURE_MAX_RETRIES: retries } : {}),
    }
    const config = defaultConfig({ azure: { vaultUrl, secrets: [{ name: 'a' }] }, thresholds: { latencySamples: 2 } }, { env })
    const t0 = Date.now()
    const r = await runChecks({ checks: azureChecks, providers: [azureProvider], config, env, timeoutMs: 3000 })
    console.log(label, Date.now() - t0, 'ms\n', r.checks.map((c) => `  ${c.id} ${c.status} ${c.summary ?? ''} ${(c.details ?? []).join(' | ')}`).join('\n'))
  }
  const faults: [string, Fault][] = [
    ['html502', { kind: 'html', status: 502 }],
    ['html200', { kind: 'html', status: 200 }],
    ['malformed', { kind: 'malformed-json' }],
    ['reset', { kind: 'reset-mid-body' }],
    ['drip', { kind: 'drip-stall' }],
    ['429', { kind: 'status', status: 429, body: '', headers: { 'retry-after': '7' } }],
    ['redirect', { kind: 'redirect', location: 'https://127.0.0.1:1/x' }],
  ]
  for (const target of ['vault', 'login'] as const) {
    await go(`${target} blackhole`, sim.vaultUrl, sim.authorityHost)
    ;(target === 'vault' ? sim.vault : sim.login).knobs.blackHole = true
    await go(`${target} blackhole retries default`, sim.vaultUrl, sim.authorityHost)
    await go(`${target} blackhole retries 3`, sim.vaultUrl, sim.authorityHost, '3')
    ;(target === 'vault' ? sim.vault : sim.login).knobs.blackHole = false
    for (const [name, f] of faults) {
      ;(target === 'vault' ? sim.vault : sim.login).knobs.fault = f
      await go(`${target} ${name}`, sim.vaultUrl, sim.authorityHost)
      ;(target === 'vault' ? sim.vault : sim.login).knobs.fault = undefined
    }
  }
  await go('vault silent', silent.url, sim.authorityHost)
  await go('login silent', sim.vaultUrl, silent.url)
  await go('vault refused', `https://127.0.0.1:${refused}`, sim.authorityHost)
  await go('login refused', sim.vaultUrl, `https://127.0.0.1:${refused}`)
  await sim.close(); await silent.close()
}, 300_000)
