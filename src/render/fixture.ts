// One realistic Report shared by every renderer test, so "the formats agree" is proven on a single input that
// exercises every status, every shape a finding can take (items, locations, commands) and the report extras.
import { defineCheck, pass, type Check } from '../core/check.js'
import { exitCodeFor, summarize, type CheckResult, type FailOn, type Report } from '../core/report.js'

const AUTH = 'Troubleshooting › Authentication Failures'
const REFRESH = 'Troubleshooting › Secrets Not Refreshing'
const LATENCY = 'Troubleshooting › High Latency'

const checks: CheckResult[] = [
  // node
  {
    id: 'node.clock-skew',
    title: 'Local clock agrees with the servers',
    provider: 'node',
    category: 'clock',
    severity: 'medium',
    status: 'warn',
    summary: 'local clock is 42s ahead of vault',
    details: ['vault Date header: 2026-11-27T10:00:00Z', 'kubernetes Date header: 2026-11-27T10:00:01Z'],
    remedies: [
      {
        id: 'node.sync-clock',
        title: 'Synchronise the clock with NTP',
        source: 'extended',
        section: 'Clock',
        commands: ['timedatectl set-ntp true', 'chronyc tracking'],
      },
    ],
    findings: [
      {
        key: 'skew-warn',
        status: 'warn',
        severity: 'medium',
        message: 'clock skew of 42s exceeds the 30s warning threshold',
        remedies: [
          {
            id: 'node.sync-clock',
            title: 'Synchronise the clock with NTP',
            source: 'extended',
            section: 'Clock',
            commands: ['timedatectl set-ntp true', 'chronyc tracking'],
          },
        ],
      },
    ],
    durationMs: 1,
  },
  {
    id: 'node.env-file-perms',
    title: 'Secret files are readable by their owner only',
    provider: 'node',
    category: 'config',
    severity: 'high',
    status: 'fail',
    summary: '2 secret files are group- or world-readable',
    remedies: [
      {
        id: 'pattern.file-perms',
        title: 'Write secret files with mode 0600',
        source: 'doc',
        section: 'Vault Agent config (`mode = 0600`, `perms = "0600"`)',
        commands: ['chmod 0600 /etc/expanso/pipeline.env /etc/expanso/secrets.env'],
      },
    ],
    findings: [
      {
        key: 'too-open',
        status: 'fail',
        severity: 'high',
        message: 'secret files readable beyond their owner (want 0600 or stricter)',
        remedies: [
          {
            id: 'pattern.file-perms',
            title: 'Write secret files with mode 0600',
            source: 'doc',
            section: 'Vault Agent config (`mode = 0600`, `perms = "0600"`)',
            commands: ['chmod 0600 /etc/expanso/pipeline.env /etc/expanso/secrets.env'],
          },
        ],
        items: [
          {
            name: '/etc/expanso/pipeline.env',
            detail: 'mode 0644',
            location: { file: '/etc/expanso/pipeline.env' },
          },
          {
            name: '/etc/expanso/secrets.env',
            detail: 'mode 0640',
            location: { file: '/etc/expanso/secrets.env' },
          },
        ],
      },
    ],
    durationMs: 2,
  },
  {
    id: 'node.pipeline-config',
    title: 'Pipeline config parses and its env references are known',
    provider: 'node',
    category: 'config',
    severity: 'critical',
    status: 'pass',
    summary: '4 env references: KAFKA_USERNAME, KAFKA_PASSWORD, API_TOKEN, DB_PASSWORD',
    remedies: [],
    durationMs: 3,
  },
  // vault
  {
    id: 'vault.audit',
    title: 'Vault has at least one audit device',
    provider: 'vault',
    category: 'audit',
    severity: 'low',
    status: 'skip',
    summary: 'not permitted to list audit devices',
    remedies: [],
    durationMs: 4,
    skipReason: 'not-permitted',
    skipDetail: 'sys/audit needs sudo; run as a Vault operator token',
  },
  {
    id: 'vault.capabilities',
    title: 'Vault token can read every configured secret path',
    provider: 'vault',
    category: 'auth',
    severity: 'critical',
    status: 'fail',
    summary: 'no read capability on secret/data/expanso/prod/pipeline',
    details: ['token policies: default, expanso-edge'],
    symptom: 'permission-denied',
    remedies: [
      {
        id: 'auth.confirm-secret-paths',
        title: 'Confirm secret paths are correct',
        source: 'doc',
        section: AUTH,
        commands: ['vault policy read expanso-edge'],
      },
      {
        id: 'auth.verify-iam',
        title: 'Verify IAM roles/policies are attached',
        source: 'doc',
        section: AUTH,
      },
    ],
    findings: [
      {
        key: 'no-read',
        status: 'fail',
        severity: 'critical',
        message: 'token cannot read secret/data/expanso/prod/pipeline (capabilities: deny)',
        symptom: 'permission-denied',
        remedies: [
          {
            id: 'auth.confirm-secret-paths',
            title: 'Confirm secret paths are correct',
            source: 'doc',
            section: AUTH,
            commands: ['vault policy read expanso-edge'],
          },
          {
            id: 'auth.verify-iam',
            title: 'Verify IAM roles/policies are attached',
            source: 'doc',
            section: AUTH,
          },
        ],
        location: { file: '/etc/vault/vault-agent.hcl', line: 27, column: 3 },
      },
    ],
    durationMs: 9,
  },
  {
    id: 'vault.health',
    title: 'Vault is initialized, unsealed and active',
    provider: 'vault',
    category: 'connectivity',
    severity: 'critical',
    status: 'pass',
    summary: 'initialized, unsealed, active (1.17.2)',
    remedies: [],
    durationMs: 12,
  },
  {
    id: 'vault.latency',
    title: 'Vault reads are fast enough for agent startup',
    provider: 'vault',
    category: 'latency',
    severity: 'medium',
    status: 'warn',
    summary: 'p95 720ms over 5 reads (threshold 500ms)',
    details: ['p50 310ms', 'p95 720ms'],
    symptom: 'slow-startup',
    remedies: [
      {
        id: 'latency.cache-locally',
        title: 'Cache secrets locally with appropriate TTL',
        source: 'doc',
        section: LATENCY,
      },
      {
        id: 'latency.regional-endpoints',
        title: 'Use regional endpoints (AWS/GCP/Azure)',
        source: 'doc',
        section: LATENCY,
      },
    ],
    findings: [
      {
        key: 'slow',
        status: 'warn',
        severity: 'medium',
        message: 'p95 read latency 720ms is above 500ms',
        symptom: 'slow-startup',
        remedies: [
          {
            id: 'latency.cache-locally',
            title: 'Cache secrets locally with appropriate TTL',
            source: 'doc',
            section: LATENCY,
          },
          {
            id: 'latency.regional-endpoints',
            title: 'Use regional endpoints (AWS/GCP/Azure)',
            source: 'doc',
            section: LATENCY,
          },
        ],
      },
    ],
    durationMs: 1804,
  },
  {
    id: 'vault.path-layout',
    title: 'Secret paths carry this environment and no other',
    provider: 'vault',
    category: 'secret-paths',
    severity: 'low',
    status: 'skip',
    summary: 'ignored by config',
    remedies: [],
    durationMs: 0,
    skipReason: 'ignored',
    skipDetail: 'legacy staging path kept until the migration',
    ignored: {
      reason: 'legacy staging path kept until the migration',
      until: '2027-03-31',
      wouldHaveBeen: 'warn',
    },
  },
  // aws
  {
    id: 'aws.identity',
    title: 'AWS identity is the expected role',
    provider: 'aws',
    category: 'iam',
    severity: 'critical',
    status: 'error',
    summary: 'timed out after 5s waiting for sts.us-east-1.amazonaws.com',
    remedies: [],
    durationMs: 5001,
  },
  {
    id: 'aws.secret-access',
    title: 'Every configured AWS secret can be read',
    provider: 'aws',
    category: 'iam',
    severity: 'critical',
    status: 'skip',
    summary: 'needs aws.identity',
    remedies: [],
    durationMs: 0,
    skipReason: 'dependency-failed',
    skipDetail: 'aws.identity ended error',
  },
  // kubernetes
  {
    id: 'k8s.access',
    title: 'Kubernetes API is reachable and readable',
    provider: 'kubernetes',
    category: 'connectivity',
    severity: 'critical',
    status: 'pass',
    summary: 'system:serviceaccount:expanso-system:expanso-doctor may get, list and watch what it needs',
    remedies: [],
    durationMs: 38,
  },
  {
    id: 'k8s.csi-driver',
    title: 'Secrets Store CSI driver is installed',
    provider: 'kubernetes',
    category: 'config',
    severity: 'high',
    status: 'skip',
    summary: 'no SecretProviderClass in expanso-system',
    remedies: [],
    durationMs: 6,
    skipReason: 'not-applicable',
    skipDetail: 'no SecretProviderClass in expanso-system',
  },
  {
    id: 'k8s.refresh-interval',
    title: 'ExternalSecrets refresh at least as often as secrets rotate',
    provider: 'kubernetes',
    category: 'refresh',
    severity: 'high',
    status: 'fail',
    summary: '2 ExternalSecrets never refresh (refreshInterval: 0); 1 refreshes slower than rotation',
    symptom: 'stale-secrets',
    remedies: [
      {
        id: 'refresh.check-interval',
        title: 'Check refresh interval configuration',
        source: 'doc',
        section: REFRESH,
        commands: [
          'kubectl -n expanso-system patch externalsecret pipeline-creds --type merge -p \'{"spec":{"refreshInterval":"1h"}}\'',
        ],
      },
      {
        id: 'refresh.restart-agent',
        title: 'Restart edge agent to pick up new values',
        source: 'doc',
        section: REFRESH,
        commands: ['kubectl -n expanso-system rollout restart deployment/expanso-edge'],
      },
    ],
    findings: [
      {
        key: 'never',
        status: 'fail',
        severity: 'high',
        message: 'refreshInterval is 0: the synced Secret is never refreshed after rotation',
        symptom: 'stale-secrets',
        remedies: [
          {
            id: 'refresh.check-interval',
            title: 'Check refresh interval configuration',
            source: 'doc',
            section: REFRESH,
            commands: [
              'kubectl -n expanso-system patch externalsecret pipeline-creds --type merge -p \'{"spec":{"refreshInterval":"1h"}}\'',
            ],
          },
        ],
        items: [
          {
            name: 'expanso-system/pipeline-creds',
            detail: 'refreshInterval: 0',
            location: { file: 'deploy/external-secrets.yaml', line: 9 },
          },
          {
            name: 'expanso-system/kafka-creds',
            detail: 'refreshInterval: 0',
            location: { file: 'deploy/external-secrets.yaml', line: 31 },
          },
        ],
      },
      {
        key: 'slower-than-rotation',
        status: 'warn',
        severity: 'medium',
        message: 'refreshInterval 48h is longer than the 30-day rotation allows for',
        remedies: [
          {
            id: 'refresh.restart-agent',
            title: 'Restart edge agent to pick up new values',
            source: 'doc',
            section: REFRESH,
            commands: ['kubectl -n expanso-system rollout restart deployment/expanso-edge'],
          },
        ],
        items: [{ name: 'expanso-system/db-creds', detail: 'refreshInterval: 48h' }],
      },
    ],
    durationMs: 21,
  },
  // gcp
  {
    id: 'gcp.credentials',
    title: 'Google credentials resolve',
    provider: 'gcp',
    category: 'auth',
    severity: 'critical',
    status: 'skip',
    summary: 'gcp is not configured',
    remedies: [],
    durationMs: 0,
    skipReason: 'not-configured',
    skipDetail: 'no gcp section, GOOGLE_APPLICATION_CREDENTIALS or metadata server',
  },
  // azure
  {
    id: 'azure.credentials',
    title: 'Azure credentials resolve',
    provider: 'azure',
    category: 'auth',
    severity: 'critical',
    status: 'skip',
    summary: 'filtered out',
    remedies: [],
    durationMs: 0,
    skipReason: 'filtered',
    skipDetail: '--skip azure.*',
  },
]

/** A run against a deployment with something of everything wrong: 3 fail, 2 warn, 1 error, 3 pass, 6 skip. */
export function sampleReport(overrides: Partial<Report> = {}): Report {
  const summary = summarize(checks)
  const failOn: FailOn = overrides.failOn ?? 'fail'
  return {
    schemaVersion: 1,
    tool: { name: 'edge-secrets', version: '0.1.0' },
    startedAt: '2026-11-27T10:00:00.000Z',
    durationMs: 5412,
    summary,
    exitCode: exitCodeFor(summary, failOn),
    failOn,
    identities: [
      {
        provider: 'vault',
        principal: 'kubernetes-expanso-system-expanso-edge',
        policies: ['default', 'expanso-edge'],
        expiresAt: '2026-11-27T11:00:00.000Z',
      },
      { provider: 'kubernetes', principal: 'system:serviceaccount:expanso-system:expanso-doctor' },
    ],
    checks,
    expiredIgnores: [
      { check: 'vault.latency', reason: 'known slow link until the new region', until: '2026-10-31' },
    ],
    ...overrides,
  }
}

const noop = async () => pass()

/** The catalogue entries behind sampleReport's checks, as SARIF rules need them. */
export function sampleCatalog(): Check[] {
  return [
    defineCheck({
      id: 'node.pipeline-config',
      title: 'Pipeline config parses and its env references are known',
      description: 'The agent cannot start a pipeline whose config does not parse.',
      provider: 'node',
      category: 'config',
      network: false,
      findings: {
        missing: {
          status: 'fail',
          severity: 'critical',
          message: '{{path}} not found',
          remedies: ['pattern.interpolation'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'node.env-file-perms',
      title: 'Secret files are readable by their owner only',
      description: 'Secret files readable by other users leak credentials to every process on the node.',
      provider: 'node',
      category: 'config',
      network: false,
      findings: {
        'too-open': {
          status: 'fail',
          severity: 'high',
          message: 'secret files readable beyond their owner',
          remedies: ['pattern.file-perms'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'node.clock-skew',
      title: 'Local clock agrees with the servers',
      description: 'Signed requests and token lifetimes break when the clock drifts.',
      provider: 'node',
      category: 'clock',
      runsLast: true,
      network: false,
      findings: {
        'skew-warn': { status: 'warn', severity: 'medium', message: 'clock skew {{skew}}', remedies: [] },
        'skew-fail': { status: 'fail', severity: 'high', message: 'clock skew {{skew}}', remedies: [] },
      },
      run: noop,
    }),
    defineCheck({
      id: 'vault.health',
      title: 'Vault is initialized, unsealed and active',
      description: 'A sealed or uninitialised Vault serves no secrets.',
      provider: 'vault',
      category: 'connectivity',
      network: true,
      findings: {
        sealed: { status: 'fail', severity: 'critical', message: 'Vault is sealed', remedies: [] },
      },
      run: noop,
    }),
    defineCheck({
      id: 'vault.capabilities',
      title: 'Vault token can read every configured secret path',
      description: 'Without read capability the agent gets "permission denied" fetching the secret.',
      provider: 'vault',
      category: 'auth',
      network: true,
      findings: {
        'no-read': {
          status: 'fail',
          severity: 'critical',
          symptom: 'permission-denied',
          message: 'token cannot read {{path}}',
          remedies: ['auth.confirm-secret-paths', 'auth.verify-iam'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'vault.audit',
      title: 'Vault has at least one audit device',
      description: 'Audit devices record who read which secret.',
      provider: 'vault',
      category: 'audit',
      network: true,
      findings: {
        none: { status: 'warn', severity: 'low', message: 'no audit device', remedies: ['bp.audit-logging'] },
      },
      run: noop,
    }),
    defineCheck({
      id: 'vault.latency',
      title: 'Vault reads are fast enough for agent startup',
      description: 'Slow reads delay every agent start.',
      provider: 'vault',
      category: 'latency',
      network: true,
      findings: {
        slow: {
          status: 'warn',
          severity: 'medium',
          symptom: 'slow-startup',
          message: 'p95 {{p95}}',
          remedies: ['latency.cache-locally', 'latency.regional-endpoints'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'vault.path-layout',
      title: 'Secret paths carry this environment and no other',
      description: 'A prod agent reading staging paths is a leak waiting to happen.',
      provider: 'vault',
      category: 'secret-paths',
      network: false,
      findings: {
        'other-env': {
          status: 'warn',
          severity: 'low',
          message: '{{path}}',
          remedies: ['bp.namespaced-paths'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'aws.identity',
      title: 'AWS identity is the expected role',
      description: 'The agent must run as the role its secret policies name.',
      provider: 'aws',
      category: 'iam',
      network: true,
      findings: {
        unreachable: { status: 'fail', severity: 'critical', message: 'STS unreachable', remedies: [] },
        'wrong-role': {
          status: 'fail',
          severity: 'high',
          message: 'running as {{arn}}',
          remedies: ['auth.verify-iam'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'aws.secret-access',
      title: 'Every configured AWS secret can be read',
      description: 'GetSecretValue must succeed for each configured secret.',
      provider: 'aws',
      category: 'iam',
      needs: ['aws.identity'],
      network: true,
      findings: {
        denied: {
          status: 'fail',
          severity: 'critical',
          symptom: 'permission-denied',
          message: 'AccessDenied on {{id}}',
          remedies: ['auth.verify-iam', 'bp.least-privilege'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'k8s.access',
      title: 'Kubernetes API is reachable and readable',
      description: 'Every Kubernetes check reads through this API.',
      provider: 'kubernetes',
      category: 'connectivity',
      network: true,
      findings: {
        unreachable: { status: 'fail', severity: 'critical', message: 'API unreachable', remedies: [] },
      },
      run: noop,
    }),
    defineCheck({
      id: 'k8s.csi-driver',
      title: 'Secrets Store CSI driver is installed',
      description: 'SecretProviderClass volumes mount nothing without the driver.',
      provider: 'kubernetes',
      category: 'config',
      network: true,
      findings: {
        missing: { status: 'fail', severity: 'high', message: 'CSIDriver missing', remedies: [] },
      },
      run: noop,
    }),
    defineCheck({
      id: 'k8s.refresh-interval',
      title: 'ExternalSecrets refresh at least as often as secrets rotate',
      description: 'An ExternalSecret that never refreshes keeps serving rotated-out credentials.',
      provider: 'kubernetes',
      category: 'refresh',
      network: false,
      findings: {
        never: {
          status: 'fail',
          severity: 'high',
          symptom: 'stale-secrets',
          message: 'refreshInterval is 0',
          remedies: ['refresh.check-interval'],
        },
        'slower-than-rotation': {
          status: 'warn',
          severity: 'medium',
          message: 'refreshInterval {{interval}}',
          remedies: ['refresh.check-interval', 'refresh.restart-agent'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'gcp.credentials',
      title: 'Google credentials resolve',
      description: 'Application Default Credentials must resolve to an identity.',
      provider: 'gcp',
      category: 'auth',
      network: true,
      findings: {
        none: {
          status: 'fail',
          severity: 'critical',
          message: 'no credentials',
          remedies: ['auth.verify-iam'],
        },
      },
      run: noop,
    }),
    defineCheck({
      id: 'azure.credentials',
      title: 'Azure credentials resolve',
      description: 'DefaultAzureCredential must obtain a token.',
      provider: 'azure',
      category: 'auth',
      network: true,
      findings: {
        none: {
          status: 'fail',
          severity: 'critical',
          message: 'no credentials',
          remedies: ['auth.verify-iam'],
        },
      },
      run: noop,
    }),
  ]
}
