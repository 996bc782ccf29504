// Scenarios of the azure provider. One owner: whoever owns the azure checks.
// The deployment of the documentation's Azure example: an AKS pod of service account
// expanso-system/expanso-edge with workload identity, reading kafka-username, kafka-password and api-token
// from the vault expanso-secrets. Each broken scenario changes one thing an operator gets wrong.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Scenario, ScenarioExpectation } from '../scenario.js'
import { defineScenario, type ScenarioOptions } from '../scenario.js'
import type { ServerKnobs } from '../server.js'
import { createCA, type CertificateAuthority } from '../tls.js'
import { projectedServiceAccountToken, startAzureSimulator, type AzureSimState } from '../azure.js'

export const AZURE_CANARY = 'canary-azure-5f1e0c'
const CLIENT_ID = '5e7c1d2a-4b1f-4d3e-9a7c-3c0de11ec11e'
const OBJECT_ID = '9a1b2c3d-7e6f-4a5b-8c9d-0e1f2a3b4c5d'
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0d1c2b3a/'
const NAMESPACE = 'expanso-system'
const SERVICE_ACCOUNT = 'expanso-edge'
const SECRETS = ['kafka-username', 'kafka-password', 'api-token'] as const
const DAY = 86_400_000

function healthyState(now = Date.now()): Partial<AzureSimState> {
  return {
    vaultName: 'expanso-secrets',
    permissionModel: 'rbac',
    identities: [
      {
        clientId: CLIENT_ID,
        objectId: OBJECT_ID,
        federatedCredentials: [
          { issuer: ISSUER, subject: `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}` },
        ],
      },
    ],
    grants: [{ objectId: OBJECT_ID }],
    secrets: Object.fromEntries(
      SECRETS.map((name) => [
        name,
        { value: `${AZURE_CANARY}-${name}`, expiresOn: new Date(now + 90 * DAY), contentType: 'text/plain' },
      ]),
    ),
  }
}

interface AzureScenarioSpec {
  readonly name: string
  readonly description: string
  /** Changes the healthy deployment into the broken one. */
  readonly breakIt?: (state: Partial<AzureSimState>, now: number) => void
  /** The service account whose projected token the pod presents. */
  readonly serviceAccount?: string
  readonly vaultKnobs?: Partial<ServerKnobs>
  readonly loginKnobs?: Partial<ServerKnobs>
  readonly options?: ScenarioOptions
  readonly latencyP95?: string
  readonly expect: Readonly<Record<string, ScenarioExpectation>>
  readonly exitCode: 0 | 1 | 2 | 3
}

// One sandbox CA per process: key generation is the slowest part of setting a scenario up.
let sandboxCa: CertificateAuthority | undefined

const skipped: ScenarioExpectation = { status: 'skip', skipReason: 'dependency-failed' }

/** Entra issues the token; the way to the vault is what fails, and the reaching check says so. */
const vaultUnreachable: Readonly<Record<string, ScenarioExpectation>> = {
  'azure.credentials': { status: 'pass' },
  'azure.secret-access': {
    status: 'fail',
    finding: 'unreachable',
    remedies: ['azure.network-access', 'latency.regional-endpoints'],
  },
  'azure.secret-expiry': skipped,
  'azure.latency': skipped,
}

function azureScenario(spec: AzureScenarioSpec): Scenario {
  return defineScenario({
    name: spec.name,
    description: spec.description,
    providers: ['azure'],
    expect: spec.expect,
    exitCode: spec.exitCode,
    async setup(dir) {
      const now = Date.now()
      const state = healthyState(now)
      spec.breakIt?.(state, now)
      sandboxCa ??= createCA('edge-secrets azure sandbox CA')
      const sim = await startAzureSimulator(state, {
        ca: sandboxCa,
        vaultKnobs: spec.vaultKnobs,
        loginKnobs: spec.loginKnobs,
      })
      const caFile = join(dir, 'azure-sandbox-ca.pem')
      const tokenFile = join(dir, 'azure-identity-token')
      writeFileSync(caFile, sim.ca.certPem)
      writeFileSync(
        tokenFile,
        await projectedServiceAccountToken({
          issuer: ISSUER,
          namespace: NAMESPACE,
          serviceAccount: spec.serviceAccount ?? SERVICE_ACCOUNT,
          lifetimeSeconds: 86_400,
        }),
        { mode: 0o600 },
      )
      return {
        config: {
          azure: { vaultUrl: sim.vaultUrl, secrets: SECRETS.map((name) => ({ name })) },
          thresholds: { latencySamples: 3, latencyP95: spec.latencyP95 ?? '1s' },
        },
        env: {
          AZURE_CLIENT_ID: CLIENT_ID,
          AZURE_TENANT_ID: sim.state.tenantId,
          AZURE_FEDERATED_TOKEN_FILE: tokenFile,
          AZURE_AUTHORITY_HOST: sim.authorityHost,
          NODE_EXTRA_CA_CERTS: caFile,
        },
        options: spec.options,
        requestLog: () => sim.requestLog(),
        stop: () => sim.close(),
      }
    },
  })
}

export const azureScenarios: Scenario[] = [
  azureScenario({
    name: 'azure-healthy',
    description: 'Azure Key Vault through workload identity, RBAC grant, every secret readable and dated',
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': { status: 'pass' },
      'azure.secret-expiry': { status: 'pass' },
      'azure.latency': { status: 'pass' },
    },
    exitCode: 0,
  }),
  azureScenario({
    name: 'azure-federated-mismatch',
    description: 'the pod runs as service account "default": no federated credential matches (AADSTS70021)',
    serviceAccount: 'default',
    expect: {
      'azure.credentials': {
        status: 'fail',
        finding: 'federated-mismatch',
        remedies: ['azure.federated-credential', 'auth.check-sa-annotations'],
      },
      'azure.secret-access': skipped,
      'azure.secret-expiry': skipped,
      'azure.latency': skipped,
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-rbac-denied',
    description:
      'RBAC vault: the identity has "Key Vault Secrets User" on the Kafka secrets but not on api-token',
    breakIt: (s) => {
      s.grants = [{ objectId: OBJECT_ID, secrets: ['kafka-username', 'kafka-password'] }]
    },
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': {
        status: 'fail',
        finding: 'denied-rbac',
        remedies: ['azure.rbac-secrets-user', 'auth.verify-iam'],
      },
      'azure.secret-expiry': skipped,
      'azure.latency': skipped,
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-access-policy-denied',
    description:
      'access-policy vault: a role assignment was made, but the vault only honours access policies',
    breakIt: (s) => {
      s.permissionModel = 'access-policy'
      s.grants = []
    },
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': {
        status: 'fail',
        finding: 'denied-access-policy',
        remedies: ['azure.access-policy-get', 'auth.verify-iam'],
      },
      'azure.secret-expiry': skipped,
      'azure.latency': skipped,
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-secret-disabled-missing',
    description: 'kafka-password is disabled and api-token was never created in the vault',
    breakIt: (s) => {
      const secrets = s.secrets ?? {}
      const pw = secrets['kafka-password']
      if (pw) pw.enabled = false
      delete secrets['api-token']
    },
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': {
        status: 'fail',
        finding: 'not-found',
        remedies: ['auth.confirm-secret-paths', 'azure.enable-secret', 'refresh.monitor-rotation'],
      },
      'azure.secret-expiry': skipped,
      'azure.latency': skipped,
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-secret-expiring',
    description:
      'api-token expired two days ago (Key Vault still serves it) and kafka-password expires in 3 days',
    breakIt: (s, now) => {
      const secrets = s.secrets ?? {}
      const token = secrets['api-token']
      const pw = secrets['kafka-password']
      if (token) token.expiresOn = new Date(now - 2 * DAY)
      if (pw) pw.expiresOn = new Date(now + 3 * DAY)
    },
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': { status: 'pass' },
      'azure.secret-expiry': {
        status: 'fail',
        finding: 'expired',
        remedies: ['azure.set-expiry', 'bp.rotation', 'refresh.monitor-rotation', 'bp.monitor-access'],
      },
      'azure.latency': { status: 'pass' },
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-vault-unreachable',
    description: 'Entra answers, but the vault never does (a private endpoint the node cannot route to)',
    vaultKnobs: { blackHole: true },
    options: { timeout: '3s' },
    expect: vaultUnreachable,
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-vault-behind-proxy',
    description:
      'a proxy in front of the vault answers 502 with its own HTML page: named with status and content type, never a pass',
    vaultKnobs: { fault: { kind: 'html', status: 502 } },
    expect: vaultUnreachable,
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-entra-unreachable',
    description:
      'AZURE_AUTHORITY_HOST never answers (egress to Microsoft Entra blocked): no token, nothing else runs',
    loginKnobs: { blackHole: true },
    options: { timeout: '3s' },
    expect: {
      'azure.credentials': { status: 'fail', finding: 'unreachable', remedies: ['azure.authority-reach'] },
      'azure.secret-access': skipped,
      'azure.secret-expiry': skipped,
      'azure.latency': skipped,
    },
    exitCode: 1,
  }),
  azureScenario({
    name: 'azure-slow-vault',
    description:
      'every Key Vault answer takes 250 ms (a vault in a distant region): reads work, startup is slow',
    vaultKnobs: { latencyMs: 250 },
    latencyP95: '200ms',
    expect: {
      'azure.credentials': { status: 'pass' },
      'azure.secret-access': { status: 'pass' },
      'azure.secret-expiry': { status: 'pass' },
      'azure.latency': {
        status: 'warn',
        finding: 'slow',
        remedies: ['latency.regional-endpoints', 'latency.cache-locally', 'latency.use-sidecar'],
      },
    },
    exitCode: 0,
  }),
]
