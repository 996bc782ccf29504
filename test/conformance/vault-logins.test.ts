// Simulator fidelity for the logins a pipeline JobSpec's hashicorp_vault entry makes: hvac (Debian's
// python3-hvac), a client nobody here wrote, logs in to the loopback Vault with AppRole and with a JWT and
// gets Vault's answers — tokens that read, and Vault's words for a wrong secret_id, audience or role.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasPythonModules } from '../helpers/tools.js'
import { healthyVaultState, makeJwt, startVaultSim, type VaultSim } from '../../src/sandbox/vault.js'

const run = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
const PY = '/usr/bin/python3'
const ROLE_ID = 'conformance-role-id'
const SECRET_ID = 'conformance-secret-id'
const CLAIMS = { iss: 'https://issuer.example.com', aud: 'vault', sub: 'edge-node-7' }
const dir = mkdtempSync(join(tmpdir(), 'vault-logins-'))
let sim: VaultSim
let ca: string

beforeAll(async () => {
  const s = healthyVaultState()
  s.approle = {
    mount: 'approle',
    roles: { pipeline: { roleId: ROLE_ID, secretId: SECRET_ID, policies: ['expanso-edge'], ttlSec: 600 } },
  }
  s.jwt = {
    mount: 'jwt',
    boundIssuer: CLAIMS.iss,
    roles: { 'edge-pipeline': { boundAudiences: ['vault'], policies: ['expanso-edge'], ttlSec: 600 } },
  }
  sim = await startVaultSim(s, { tls: 'valid' })
  ca = join(dir, 'ca.pem')
  writeFileSync(ca, sim.caPem ?? '')
})
afterAll(() => sim.close())

// .ci/run installs Debian's python3-hvac; locally a missing hvac skips, in CI it fails (test/helpers/tools.ts).
const hasHvac = hasPythonModules('hvac', 'requests')

describe('vault simulator conformance: AppRole and JWT logins', () => {
  it.runIf(hasHvac)('hvac logs in with AppRole and a JWT, and gets the refusals Vault gives', async () => {
    const { stdout } = await run(
      PY,
      [
        join(HERE, 'vault-hvac-logins.py'),
        sim.url,
        ca,
        ROLE_ID,
        SECRET_ID,
        makeJwt(CLAIMS),
        makeJwt({ ...CLAIMS, aud: 'sts.amazonaws.com' }),
      ],
      { env: { PATH: '/usr/bin:/bin', NO_PROXY: '127.0.0.1,localhost', HOME: dir }, timeout: 20_000 },
    )
    const out = JSON.parse(stdout) as Record<string, unknown>
    expect(out).toMatchObject({
      approle_policies: ['default', 'expanso-edge'],
      approle_authenticated: true,
      jwt_policies: ['default', 'expanso-edge'],
      jwt_ttl_positive: true,
      jwt_kv2_keys: ['api_token', 'db_password', 'kafka_password', 'kafka_username'],
    })
    expect(String(out.approle_wrong)).toContain('invalid role or secret ID')
    expect(String(out.jwt_bad_audience)).toContain('aud claim does not match any bound audience')
    expect(String(out.jwt_bad_role)).toContain('role "nope" could not be found')
  })
})
