// Simulator fidelity: Debian's python3-google-auth, a client nobody here wrote, gets a token from the loopback
// token endpoint with a service-account key (JWT grant at the key's token_uri) and reads the loopback
// Secret Manager with it, the way it reads the real ones.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  GCP_EMAIL,
  GCP_PROJECT,
  GCP_SECRET,
  createServiceAccountKey,
  healthyGcpState,
  startGcpSimulator,
  type GcpSimulator,
} from '../../src/sandbox/gcp.js'
import { hasPythonModules } from '../helpers/tools.js'

const run = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
const PY = '/usr/bin/python3'
const dir = mkdtempSync(join(tmpdir(), 'gcp-conformance-'))
let sim: GcpSimulator
let keyFile: string
let badKeyFile: string

// Under EDGE_SECRETS_REQUIRE_TOOLS=1 (CI) a missing google-auth fails here rather than skipping the test.
const hasGoogleAuth = hasPythonModules('google.auth', 'google.oauth2.service_account', 'requests')

beforeAll(async () => {
  sim = await startGcpSimulator(healthyGcpState())
  const good = createServiceAccountKey(GCP_EMAIL, sim.tokenUri)
  const stale = createServiceAccountKey(GCP_EMAIL, sim.tokenUri)
  sim.state.serviceAccounts[GCP_EMAIL] = { keys: { [good.keyId]: good.publicKeyPem } }
  keyFile = join(dir, 'key.json')
  badKeyFile = join(dir, 'deleted-key.json')
  writeFileSync(keyFile, JSON.stringify(good.key))
  writeFileSync(badKeyFile, JSON.stringify(stale.key))
})
afterAll(() => sim.close())

describe('gcp simulator conformance', () => {
  it.runIf(hasGoogleAuth)('is accepted by google-auth (JWT grant, access, get, 403/404 bodies)', async () => {
    const { stdout } = await run(
      PY,
      [join(HERE, 'gcp-google-auth.py'), keyFile, badKeyFile, sim.api.url, GCP_PROJECT, GCP_SECRET],
      { env: { PATH: '/usr/bin:/bin', NO_PROXY: '127.0.0.1,localhost', HOME: dir }, timeout: 30_000 },
    )
    expect(JSON.parse(stdout)).toEqual({
      token_prefix: 'ya29.c.',
      expiry_set: true,
      access_status: 200,
      version_name: `projects/123456789012/secrets/${GCP_SECRET}/versions/5`,
      keys: ['api_token', 'kafka_password', 'kafka_username'],
      crc_ok: true,
      rotation_period: '2592000s',
      // The healthy account holds roles on the secret only, so it may not learn that another one is absent.
      missing: [403, 'PERMISSION_DENIED'],
      denied: [403, 'PERMISSION_DENIED', 'IAM_PERMISSION_DENIED'],
      bad_key: expect.stringMatching(/invalid_grant: Invalid JWT Signature\./),
    })
    // The client exchanged the key where the key file said, and only read afterwards.
    expect(sim.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /token',
      'POST /token',
    ])
  })
})
