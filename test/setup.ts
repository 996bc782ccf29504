// Runs before every test file: the network guard, and an environment that can reach nothing but loopback
// and reads none of the developer's real credentials or kubeconfig.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import './helpers/net-guard.mjs'
import { SCRUBBED_ENV, testEnv } from './helpers/env.js'

const home = mkdtempSync(join(tmpdir(), 'edge-secrets-home-'))
for (const k of SCRUBBED_ENV) delete process.env[k]
Object.assign(process.env, testEnv(home))

afterAll(() => {
  const violations =
    (globalThis as { __edgeSecretsNetViolations?: string[] }).__edgeSecretsNetViolations ?? []
  expect(violations, 'tests opened connections outside loopback').toEqual([])
})
