// Simulator fidelity: Microsoft's own Python SDK (Debian's python3-azure + python3-msal) — a client nobody
// here wrote — authenticates against the sandbox Entra with a federated assertion and reads the sandbox
// Key Vault through its 401 challenge, and sees the same 404/403 codes our checks classify.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  projectedServiceAccountToken,
  startAzureSimulator,
  type AzureSimulator,
} from '../../src/sandbox/azure.js'
import { edgeIdentity } from '../fixtures/azure/sandbox.js'
import { hasPythonModules } from '../helpers/tools.js'

const PYTHON = '/usr/bin/python3'
const SCRIPT = resolve(import.meta.dirname, '../fixtures/azure/conformance_client.py')
const CANARY = 'canary-azure-conformance-91c2'
const CLIENT = '5e7c1d2a-4b1f-4d3e-9a7c-3c0de11ec11e'
const OBJECT = '9a1b2c3d-7e6f-4a5b-8c9d-0e1f2a3b4c5d'
const ISSUER = 'https://oidc.prod-aks.azure.com/conformance/'

// Locally a missing SDK skips the suite; in CI (EDGE_SECRETS_REQUIRE_TOOLS=1) it fails it.
const hasSdk = hasPythonModules('azure.keyvault.secrets', 'azure.identity', 'msal')

describe.skipIf(!hasSdk)('azure simulator vs the Python Azure SDK (python3-azure)', () => {
  let sim: AzureSimulator
  const dir = mkdtempSync(join(tmpdir(), 'edge-secrets-azure-conf-'))
  beforeAll(async () => {
    sim = await startAzureSimulator({
      identities: [edgeIdentity(CLIENT, OBJECT, ISSUER)],
      grants: [{ objectId: OBJECT, secrets: ['kafka-username', 'missing-one', 'disabled-one'] }],
      secrets: {
        'kafka-username': { value: CANARY, expiresOn: new Date('2027-06-01T00:00:00Z') },
        'denied-one': { value: CANARY },
        'disabled-one': { value: CANARY, enabled: false },
      },
    })
    writeFileSync(join(dir, 'ca.pem'), sim.ca.certPem)
    writeFileSync(
      join(dir, 'token'),
      await projectedServiceAccountToken({
        issuer: ISSUER,
        namespace: 'expanso-system',
        serviceAccount: 'expanso-edge',
      }),
    )
  })
  afterAll(async () => sim?.close())

  it('authenticates, reads through the challenge and sees the real error codes', async () => {
    const { stdout } = await promisify(execFile)(
      PYTHON,
      [
        SCRIPT,
        sim.vaultUrl,
        sim.authorityHost,
        sim.state.tenantId,
        CLIENT,
        join(dir, 'token'),
        join(dir, 'ca.pem'),
        CANARY,
      ],
      {
        timeout: 60_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', REQUESTS_CA_BUNDLE: join(dir, 'ca.pem') },
      },
    )
    expect(stdout).not.toContain(CANARY)
    const steps = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { step: string })
        .map((s) => [s.step, s]),
    )
    expect(steps.get).toEqual({
      step: 'get',
      name: 'kafka-username',
      version_len: 32,
      enabled: true,
      expires: '2027-06-01T00:00:00+00:00',
      value_matches: true,
      vault_url: 'https://expanso-secrets.vault.azure.net',
    })
    expect(steps['identity-get']).toEqual({
      step: 'identity-get',
      name: 'kafka-username',
      value_matches: true,
    })
    expect(steps['missing-one']).toMatchObject({ status: 404, code: 'SecretNotFound' })
    expect(steps['denied-one']).toMatchObject({ status: 403, code: 'Forbidden', inner: 'ForbiddenByRbac' })
    expect(steps['disabled-one']).toMatchObject({ status: 403, code: 'Forbidden', inner: 'SecretDisabled' })
    expect(steps['bad-client']).toEqual({
      step: 'bad-client',
      error: 'unauthorized_client',
      error_codes: [700016],
    })
    const vaultPaths = sim.vault.requests.map((r) => `${r.method} ${r.status}`)
    expect(vaultPaths[0]).toBe('GET 401')
  })
})
