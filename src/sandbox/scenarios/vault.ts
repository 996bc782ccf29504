// Scenarios of the vault provider. One owner: whoever owns the vault checks.
// Each one is a Vault Agent deployment laid out in the scenario's folder — agent HCL, template, service
// account JWT, the CA — in front of a loopback Vault simulator, plus what the doctor must report about it.
// Secret values and tokens are canaries: the e2e tests grep every output for VAULT_CANARIES.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Scenario, ScenarioExpectation, ScenarioOptions } from '../scenario.js'
import {
  healthyVaultState,
  makeServiceAccountJwt,
  newToken,
  startVaultSim,
  type VaultSimOptions,
  type VaultSimState,
} from '../vault.js'

const CANARY = {
  kafkaUsername: 'CANARY-vault-kafka-username-6b1f0',
  kafkaPassword: 'CANARY-vault-kafka-password-e93d2',
  apiToken: 'CANARY-vault-api-token-0c7aa',
  dbPassword: 'CANARY-vault-db-password-41f8e',
} as const

export const VAULT_CANARIES: readonly string[] = Object.values(CANARY)

const SECRET = 'secret/expanso/prod/pipeline'
const API_PATH = 'secret/data/expanso/prod/pipeline'

const template = (path: string) =>
  [
    `{{ with secret "${path}" }}`,
    'KAFKA_USERNAME={{ .Data.data.kafka_username }}',
    'KAFKA_PASSWORD={{ .Data.data.kafka_password }}',
    'API_TOKEN={{ .Data.data.api_token }}',
    'DB_PASSWORD={{ .Data.data.db_password }}',
    '{{ end }}',
    '',
  ].join('\n')

/** The documentation's agent config, pointed at the simulator and the scenario's folder. */
const agentHcl = (o: { address: string; caCert?: string; dir: string }) =>
  [
    `pid_file = "${o.dir}/vault-agent.pid"`,
    '',
    'vault {',
    `  address = "${o.address}"`,
    ...(o.caCert ? [`  ca_cert = "${o.caCert}"`] : []),
    '}',
    '',
    'auto_auth {',
    '  method {',
    '    type = "kubernetes"',
    '    config = {',
    '      role = "expanso-edge"',
    `      token_path = "${o.dir}/sa-token"`,
    '    }',
    '  }',
    '',
    '  sink {',
    '    type = "file"',
    '    config = {',
    `      path = "${o.dir}/vault-token"`,
    '      mode = 0600',
    '    }',
    '  }',
    '}',
    '',
    'template_config {',
    '  static_secret_render_interval = "5m"',
    '}',
    '',
    'template {',
    `  source      = "${o.dir}/pipeline.env.tpl"`,
    `  destination = "${o.dir}/pipeline.env"`,
    '  perms       = "0600"',
    '}',
    '',
  ].join('\n')

interface VaultScenarioSpec {
  readonly name: string
  readonly description: string
  readonly mutate?: (s: VaultSimState) => void
  readonly sim?: VaultSimOptions
  readonly templatePath?: string
  readonly config?: (dir: string) => Record<string, unknown>
  readonly options?: ScenarioOptions
  /** No agent config: the doctor gets address, CA, token and paths directly (VAULT_TOKEN, vault.secrets). */
  readonly withoutAgent?: boolean
  /** Vault answers every request with a 307 to a second Vault (another host); its log must stay empty. */
  readonly redirectToOtherHost?: boolean
  readonly expect?: Readonly<Record<string, ScenarioExpectation>>
  readonly exitCode: 0 | 1 | 2 | 3
}

const HEALTHY_EXPECT: Readonly<Record<string, ScenarioExpectation>> = {
  // An edge token has no sudo on sys/audit, and least privilege says it should not.
  'vault.audit': { status: 'skip', skipReason: 'not-permitted' },
}

function vaultScenario(spec: VaultScenarioSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    providers: ['vault'],
    expect: { ...HEALTHY_EXPECT, ...spec.expect },
    exitCode: spec.exitCode,
    async setup(dir) {
      // The token the (simulated) agent holds in its sink, issued like the doctor's own kubernetes login.
      const agentToken = newToken()
      const state = healthyVaultState({
        appToken: agentToken,
        secretPath: SECRET,
        secretData: {
          kafka_username: CANARY.kafkaUsername,
          kafka_password: CANARY.kafkaPassword,
          api_token: CANARY.apiToken,
          db_password: CANARY.dbPassword,
        },
      })
      spec.mutate?.(state)
      const sim = await startVaultSim(state, { tls: 'valid', ...spec.sim })
      const other = spec.redirectToOtherHost
        ? await startVaultSim(healthyVaultState(), { tls: 'valid' })
        : undefined
      if (other) sim.knobs.fault = { kind: 'redirect', location: `${other.url}/v1/sys/health` }
      const caCert = sim.caPem ? join(dir, 'vault-ca.pem') : undefined
      if (caCert) await writeFile(caCert, sim.caPem as string)
      await writeFile(
        join(dir, 'sa-token'),
        makeServiceAccountJwt({ namespace: 'expanso-system', serviceAccount: 'expanso-edge' }),
        { mode: 0o600 },
      )
      await writeFile(join(dir, 'vault-token'), `${agentToken}\n`, { mode: 0o600 })
      await writeFile(join(dir, 'pipeline.env.tpl'), template(spec.templatePath ?? API_PATH))
      const hcl = join(dir, 'vault-agent.hcl')
      await writeFile(hcl, agentHcl({ address: sim.url, caCert, dir }))
      const base = {
        environment: 'prod',
        pipeline: { envFiles: [join(dir, 'pipeline.env')], maxStaleness: '90m' },
        vault: spec.withoutAgent
          ? {
              address: sim.url,
              ...(caCert ? { caCert } : {}),
              secrets: [
                { path: API_PATH, keys: ['kafka_username', 'kafka_password', 'api_token', 'db_password'] },
              ],
            }
          : { agentConfig: hcl },
      }
      return {
        config: { ...base, ...spec.config?.(dir) },
        env: { NO_PROXY: '127.0.0.1,localhost', ...(spec.withoutAgent ? { VAULT_TOKEN: agentToken } : {}) },
        // A generous per-check limit: the first HCL parse (WASM) is slow on a loaded CI machine.
        options: spec.options ?? { timeout: '10s' },
        requestLog: () => [
          ...sim.requests.map((r) => ({ ...r, server: 'vault' })),
          ...(other?.requests ?? []).map((r) => ({ ...r, server: OTHER_HOST })),
        ],
        stop: async () => {
          await sim.close()
          await other?.close()
        },
      }
    },
  }
}

/** The second Vault a redirect points at: no request may reach it (CONTRACT §7). */
export const OTHER_HOST = 'vault-other-host'

const skipped = (): ScenarioExpectation => ({ status: 'skip', skipReason: 'dependency-failed' })

/** Every check downstream of vault.health, skipped when Vault cannot be reached or trusted. */
const AFTER_HEALTH = [
  'vault.auth',
  'vault.token-ttl',
  'vault.capabilities',
  'vault.secret-paths',
  'vault.secret-keys',
  'vault.refresh',
  'vault.audit',
  'vault.latency',
] as const
const skippedAfterHealth = (): Record<string, ScenarioExpectation> =>
  Object.fromEntries(AFTER_HEALTH.map((id) => [id, skipped()]))

export const vaultScenarios: Scenario[] = [
  vaultScenario({
    name: 'vault-healthy',
    description:
      'Vault Agent with Kubernetes auth, KV v2 template into the pipeline env file, TLS with a private CA',
    exitCode: 0,
  }),
  vaultScenario({
    name: 'vault-healthy-audited',
    description:
      'the healthy deployment, with the platform team granting the edge role read on sys/audit: every vault check passes',
    mutate: (s) => {
      s.policies['expanso-edge'] = [
        ...(s.policies['expanso-edge'] ?? []),
        { path: 'sys/audit', capabilities: ['read', 'sudo'] },
      ]
    },
    expect: { 'vault.audit': { status: 'pass' } },
    exitCode: 0,
  }),
  vaultScenario({
    name: 'vault-permission-denied',
    description: "the role's policy grants another path: every render fails with permission denied",
    mutate: (s) => {
      s.policies['expanso-edge'] = [{ path: 'secret/data/expanso/prod/other', capabilities: ['read'] }]
    },
    expect: {
      'vault.capabilities': {
        status: 'fail',
        finding: 'no-read',
        remedies: ['vault.grant-read', 'auth.confirm-secret-paths', 'auth.verify-iam'],
      },
      // One root cause, one red: the denial is vault.capabilities'; Vault hides whether the path exists anyway.
      'vault.secret-paths': skipped(),
      'vault.secret-keys': skipped(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-kv2-missing-data',
    description: 'the template reads a KV v2 secret by its CLI path, without data/',
    templatePath: SECRET,
    expect: {
      'vault.secret-paths': {
        status: 'fail',
        finding: 'kv2-missing-data',
        remedies: ['vault.kv2-data-path', 'auth.confirm-secret-paths'],
      },
      'vault.secret-keys': skipped(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-template-key-missing',
    description: 'the secret lost db_password in a rotation: the template renders `<no value>`',
    mutate: (s) => {
      const secret = s.secrets[SECRET]
      if (secret) delete secret.data.db_password
    },
    expect: {
      'vault.secret-keys': {
        status: 'fail',
        finding: 'key-missing',
        remedies: ['auth.confirm-secret-paths', 'vault.error-on-missing-key'],
      },
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-token-near-expiry',
    description: 'the Kubernetes auth role issues 5-minute tokens, under the 10m threshold',
    mutate: (s) => {
      const role = s.kubernetes?.roles['expanso-edge']
      if (s.kubernetes && role) s.kubernetes.roles['expanso-edge'] = { ...role, ttlSec: 300 }
    },
    expect: {
      'vault.token-ttl': {
        status: 'warn',
        finding: 'expiring-soon',
        remedies: ['vault.renew-token'],
      },
    },
    exitCode: 0,
  }),
  vaultScenario({
    name: 'vault-sealed',
    description: 'Vault restarted without auto-unseal and is sealed',
    mutate: (s) => {
      s.sealed = true
    },
    expect: {
      'vault.health': { status: 'fail', finding: 'sealed', remedies: ['vault.unseal'] },
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-untrusted-ca',
    description: "Vault's certificate comes from a CA the agent config does not trust",
    sim: { tls: 'untrusted' },
    expect: {
      'vault.tls': { status: 'fail', finding: 'unknown-authority', remedies: ['vault.trust-ca'] },
      'vault.health': skipped(),
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-expired-cert',
    description: "Vault's TLS certificate expired two days ago",
    sim: { tls: 'expired' },
    expect: {
      'vault.tls': { status: 'fail', finding: 'expired', remedies: ['vault.renew-certificate'] },
      'vault.health': skipped(),
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-slow',
    description: 'Vault answers every request in 400 ms against a 200 ms p95 threshold',
    sim: { tls: 'valid', knobs: { latencyMs: 400 } },
    config: () => ({ thresholds: { latencyP95: '200ms', latencySamples: 3 } }),
    expect: {
      'vault.latency': {
        status: 'warn',
        finding: 'slow',
        remedies: ['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'],
      },
    },
    exitCode: 0,
  }),
  vaultScenario({
    name: 'vault-audit-disabled',
    description: 'no audit device is enabled (the doctor identity may read sys/audit)',
    mutate: (s) => {
      s.audit = {}
      s.policies['expanso-edge'] = [
        ...(s.policies['expanso-edge'] ?? []),
        { path: 'sys/audit', capabilities: ['read', 'sudo'] },
      ]
    },
    expect: {
      'vault.audit': {
        status: 'warn',
        finding: 'no-audit-device',
        remedies: ['bp.audit-logging', 'bp.monitor-access'],
      },
    },
    exitCode: 0,
  }),
  vaultScenario({
    name: 'vault-black-hole',
    description:
      'Vault accepts connections and never answers (--timeout 2s --deadline 10s; VAULT_TOKEN, no agent)',
    sim: { tls: 'valid', knobs: { blackHole: true } },
    // Token and paths from the environment, as an init script has them: this scenario is about time limits.
    withoutAgent: true,
    options: { timeout: '2s', deadline: '10s' },
    expect: {
      'vault.health': {
        status: 'fail',
        finding: 'unreachable',
        remedies: ['vault.network-reach', 'latency.retry-backoff'],
      },
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-proxy-page',
    description: 'a proxy in front of Vault answers every request with its own 502 HTML page',
    sim: { tls: 'valid', knobs: { fault: { kind: 'html', status: 502 } } },
    expect: {
      'vault.health': {
        status: 'fail',
        finding: 'not-vault',
        remedies: ['vault.fix-address', 'vault.network-reach'],
      },
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
  vaultScenario({
    name: 'vault-redirect',
    description:
      'Vault answers 307 to another host (a standby pointing at its active node): reported, and no token follows it',
    redirectToOtherHost: true,
    expect: {
      'vault.health': {
        status: 'fail',
        finding: 'redirect',
        remedies: ['vault.fix-address', 'vault.route-to-active'],
      },
      ...skippedAfterHealth(),
    },
    exitCode: 1,
  }),
]
