// Every gcp scenario through the built CLI as a process: exact check ids, statuses and remedy ids, exit code,
// a read-only request log (token exchange POSTs only), and no planted secret value anywhere in the output.
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/report.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'
import { GCP_CANARIES, GCP_EMAIL } from '../../src/sandbox/gcp.js'
import { gcpScenarios } from '../../src/sandbox/scenarios/gcp.js'

const CANARIES = Object.values(GCP_CANARIES)

/** Assertions beyond the expectations table, for the scenarios that show them best. */
const EXTRA: Record<string, (report: Report) => void> = {
  'gcp-healthy': (report) =>
    expect(report.identities).toContainEqual(
      expect.objectContaining({
        provider: 'gcp',
        principal: GCP_EMAIL,
        source: 'service-account-key',
        project: 'my-project',
      }),
    ),
  'gcp-workload-identity': (report) =>
    expect(report.identities).toContainEqual(
      expect.objectContaining({ provider: 'gcp', principal: GCP_EMAIL, source: 'metadata-server' }),
    ),
  'gcp-permission-denied': (report) => {
    const access = report.checks.find((c) => c.id === 'gcp.secret-access')!
    expect(access.remedies.find((r) => r.id === 'auth.verify-iam')?.commands).toEqual([
      `gcloud secrets add-iam-policy-binding expanso-pipeline-credentials --project my-project --member serviceAccount:${GCP_EMAIL} --role roles/secretmanager.secretAccessor`,
    ])
  },
  // The denial names the identity actually used — the node's account — not the one the operator meant.
  'gcp-node-service-account': (report) => {
    const access = report.checks.find((c) => c.id === 'gcp.secret-access')!
    expect(access.summary).toMatch(/^123456789012-compute@developer\.gserviceaccount\.com may not access/)
  },
  // A sign-in page where the token should be is named with its status and content type, never "refused".
  'gcp-token-endpoint-html': (report) =>
    expect(report.checks.find((c) => c.id === 'gcp.credentials')?.summary).toMatch(
      /^token endpoint: 127\.0\.0\.1:\d+ answered HTTP 200 \(text\/html\), not a Google OAuth 2\.0 token endpoint$/,
    ),
  'gcp-unreachable': (report) =>
    expect(report.checks.find((c) => c.id === 'gcp.secret-access')?.summary).toMatch(
      /^Secret Manager AccessSecretVersion: no answer from 127\.0\.0\.1:\d+ within 6s \(timeout\)$/,
    ),
}

// Each run spawns the CLI, which loads the Google SDKs: on a loaded two-core machine that alone can take tens
// of seconds, so a case's limit is runCli's own (60 s) plus set-up, not vitest's default 30 s.
describe.concurrent('gcp scenarios (e2e)', () => {
  it.each(gcpScenarios.map((s) => [s.name, s] as const))(
    '%s',
    async (name, scenario) => {
      const run = await runScenario(scenario)
      expect(scenarioMismatches(scenario, run.report)).toEqual([])
      expect(run.exitCode).toBe(scenario.exitCode)
      expect(run.report.exitCode).toBe(scenario.exitCode)
      const ids = run.report.checks.filter((c) => c.provider === 'gcp').map((c) => c.id)
      expect(ids.sort()).toEqual(Object.keys(scenario.expect).sort())
      // Read-only: reads, plus the token exchange (a login) and metadata lookups.
      const writes = run.requestLog.filter(
        (r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/token'),
      )
      expect(writes).toEqual([])
      for (const canary of CANARIES) {
        expect(run.stdout).not.toContain(canary)
        expect(run.stderr).not.toContain(canary)
      }
      expect(run.stdout).not.toMatch(/ya29\.c\./)
      expect(run.stdout).not.toContain('PRIVATE KEY')
      EXTRA[name]?.(run.report)
    },
    90_000,
  )
})
