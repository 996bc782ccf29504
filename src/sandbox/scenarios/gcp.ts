// Scenarios of the gcp provider: the documentation's Google Secret Manager deployment (one JSON secret read
// by an init container as a service account) against the loopback Secret Manager, token endpoint and
// metadata server, healthy and broken in the ways operators meet most. One owner: the gcp checks.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ACCESSOR,
  GCP_CANARIES,
  GCP_EMAIL,
  GCP_KEYS,
  GCP_PROJECT,
  GCP_SECRET,
  createServiceAccountKey,
  healthyGcpState,
  startGcpSimulator,
  type GcpSimState,
} from '../gcp.js'
import type { Scenario, ScenarioExpectation } from '../scenario.js'
import { defineScenario, type ScenarioOptions } from '../scenario.js'
import type { ServerKnobs } from '../server.js'

const DAY = 86_400_000
const PASS: ScenarioExpectation = { status: 'pass' }
const DEP: ScenarioExpectation = { status: 'skip', skipReason: 'dependency-failed' }

const HEALTHY_EXPECT: Record<string, ScenarioExpectation> = {
  'gcp.credentials': PASS,
  'gcp.secret-access': PASS,
  'gcp.secret-keys': PASS,
  'gcp.rotation': PASS,
  'gcp.latency': PASS,
}
const ACCESS_FAILED: Record<string, ScenarioExpectation> = {
  'gcp.secret-keys': DEP,
  'gcp.rotation': DEP,
  'gcp.latency': DEP,
}
const CREDENTIALS_FAILED: Record<string, ScenarioExpectation> = { 'gcp.secret-access': DEP, ...ACCESS_FAILED }

interface GcpScenarioSpec {
  readonly name: string
  readonly description: string
  readonly state?: (s: GcpSimState, now: Date) => void
  readonly api?: Partial<ServerKnobs>
  readonly auth?: Partial<ServerKnobs>
  /** How the agent authenticates: a key file (default) or the GKE metadata server (Workload Identity). */
  readonly credentials?: 'key-file' | 'metadata'
  /** Leave the service-account key off the simulated account (deleted or rotated away). */
  readonly keyDeleted?: boolean
  readonly gcp?: Record<string, unknown>
  readonly options?: ScenarioOptions
  readonly expect: Record<string, ScenarioExpectation>
  readonly exitCode: 0 | 1 | 2 | 3
}

function gcpScenario(spec: GcpScenarioSpec): Scenario {
  return defineScenario({
    name: spec.name,
    description: spec.description,
    providers: ['gcp'],
    expect: spec.expect,
    exitCode: spec.exitCode,
    async setup(dir) {
      const now = new Date()
      const state = healthyGcpState(now)
      spec.state?.(state, now)
      const sim = await startGcpSimulator(state)
      Object.assign(sim.api.knobs, spec.api)
      Object.assign(sim.auth.knobs, spec.auth)
      const gcp: Record<string, unknown> = {
        project: GCP_PROJECT,
        endpoint: sim.api.url,
        secrets: [{ name: GCP_SECRET, keys: [...GCP_KEYS] }],
      }
      const env: Record<string, string> = {}
      if ((spec.credentials ?? 'key-file') === 'key-file') {
        const { key, keyId, publicKeyPem } = createServiceAccountKey(GCP_EMAIL, sim.tokenUri)
        state.serviceAccounts[GCP_EMAIL] = { keys: spec.keyDeleted ? {} : { [keyId]: publicKeyPem } }
        const keyFile = join(dir, 'gcp-key.json')
        writeFileSync(keyFile, JSON.stringify(key, null, 2), { mode: 0o600 })
        gcp.credentialsFile = keyFile
      } else {
        env.GOOGLE_APPLICATION_CREDENTIALS = ''
        env.METADATA_SERVER_DETECTION = 'assume-present'
        env.GCE_METADATA_HOST = sim.metadataHost
        env.GCE_METADATA_IP = sim.metadataHost
      }
      return {
        config: {
          gcp: { ...gcp, ...spec.gcp },
          // Loopback answers in milliseconds; the generous budget keeps a loaded CI machine from looking slow.
          thresholds: { latencyP95: '3s', latencySamples: 3 },
        },
        env,
        // The SDK's first load can take seconds on a busy machine; only the black-hole case needs a short limit.
        options: spec.options ?? { timeout: '20s', deadline: '60s' },
        requestLog: () => sim.requests,
        stop: () => sim.close(),
      }
    },
  })
}

export const gcpScenarios: Scenario[] = [
  gcpScenario({
    name: 'gcp-healthy',
    description:
      'Google Secret Manager as documented: a service account with accessor on one JSON secret, rotated every 30 days',
    expect: HEALTHY_EXPECT,
    exitCode: 0,
  }),
  gcpScenario({
    name: 'gcp-workload-identity',
    description: 'GKE Workload Identity: the metadata server hands out the edge service account',
    credentials: 'metadata',
    expect: HEALTHY_EXPECT,
    exitCode: 0,
  }),
  gcpScenario({
    name: 'gcp-permission-denied',
    description: 'the service account was never granted roles/secretmanager.secretAccessor on the secret',
    state: (s) => {
      s.secrets[GCP_SECRET]!.iam = {}
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.secret-access': {
        status: 'fail',
        finding: 'permission-denied',
        remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
      },
      ...ACCESS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-secret-not-found',
    description: 'the config names a secret that does not exist (a typo); the account may list the project',
    state: (s) => {
      s.projectIam[`serviceAccount:${GCP_EMAIL}`] = [ACCESSOR]
    },
    gcp: { secrets: [{ name: 'expanso-pipeline-credential', keys: [...GCP_KEYS] }] },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.secret-access': {
        status: 'fail',
        finding: 'not-found',
        remedies: ['auth.confirm-secret-paths', 'gcp.set-project'],
      },
      ...ACCESS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-version-disabled',
    description: 'the newest version was disabled to roll back, so `latest` cannot be read',
    state: (s) => {
      s.secrets[GCP_SECRET]!.versions.find((v) => v.id === 5)!.state = 'DISABLED'
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.secret-access': { status: 'fail', finding: 'version-disabled', remedies: ['gcp.enable-version'] },
      ...ACCESS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-key-deleted',
    description: 'the service-account key on the node was deleted in IAM: the token endpoint refuses it',
    keyDeleted: true,
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.credentials': {
        status: 'fail',
        finding: 'key-rejected',
        remedies: ['gcp.replace-key', 'auth.verify-iam'],
      },
      ...CREDENTIALS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-workload-identity-unbound',
    description:
      'GKE Workload Identity without the roles/iam.workloadIdentityUser binding: the metadata server refuses a token',
    credentials: 'metadata',
    state: (s) => {
      s.metadata.tokenDenied =
        "Unable to generate access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).\nThis error could be caused by a missing IAM policy binding on the target IAM service account."
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.credentials': {
        status: 'fail',
        finding: 'wi-binding-missing',
        remedies: ['gcp.workload-identity-binding', 'auth.check-sa-annotations'],
      },
      ...CREDENTIALS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-node-service-account',
    description:
      "Workload Identity is off on the node pool: the pod gets the node's default service account, which has no access",
    credentials: 'metadata',
    state: (s) => {
      s.metadata.email = `${s.projectNumber}-compute@developer.gserviceaccount.com`
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.credentials': {
        status: 'warn',
        finding: 'node-service-account',
        remedies: ['gcp.enable-gke-metadata', 'auth.check-sa-annotations'],
      },
      'gcp.secret-access': {
        status: 'fail',
        finding: 'permission-denied',
        remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
      },
      ...ACCESS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-missing-keys',
    description: 'the newest version lacks api_token: the init container would write API_TOKEN=null',
    state: (s) => {
      s.secrets[GCP_SECRET]!.versions.find((v) => v.id === 5)!.data = JSON.stringify({
        kafka_username: 'edge-pipeline',
        kafka_password: GCP_CANARIES.kafkaPassword,
      })
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.secret-keys': {
        status: 'fail',
        finding: 'missing-keys',
        remedies: ['gcp.fix-payload', 'pattern.interpolation'],
      },
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-rotation-stale',
    description: 'rotation is scheduled every 30 days but no handler added a version for 75 days',
    state: (s, now) => {
      const secret = s.secrets[GCP_SECRET]!
      secret.versions.find((v) => v.id === 5)!.createTime = new Date(now.getTime() - 75 * DAY).toISOString()
    },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.rotation': {
        status: 'warn',
        finding: 'stale-version',
        remedies: ['gcp.rotation-handler', 'refresh.monitor-rotation'],
      },
    },
    exitCode: 0,
  }),
  gcpScenario({
    name: 'gcp-token-endpoint-html',
    description:
      "an egress proxy answers the key's token endpoint with its sign-in page (HTTP 200, text/html) instead of a token",
    auth: { fault: { kind: 'html', status: 200 }, faultWhen: (_method, path) => path === '/token' },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.credentials': { status: 'fail', finding: 'unreachable', remedies: ['gcp.network-reach'] },
      ...CREDENTIALS_FAILED,
    },
    exitCode: 1,
  }),
  gcpScenario({
    name: 'gcp-unreachable',
    description: 'the Secret Manager endpoint accepts connections and never answers (a black-holed egress)',
    api: { blackHole: true },
    options: { timeout: '8s', deadline: '60s' },
    expect: {
      ...HEALTHY_EXPECT,
      'gcp.secret-access': {
        status: 'fail',
        finding: 'unreachable',
        remedies: ['gcp.network-reach', 'latency.retry-backoff'],
      },
      ...ACCESS_FAILED,
    },
    exitCode: 1,
  }),
]
