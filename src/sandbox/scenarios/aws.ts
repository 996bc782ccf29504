// Scenarios of the aws provider: the documentation's AWS deployment (init script or ESO, an IAM role, the
// least-privilege policy of Best Practices 2, rotation of Best Practices 5) against the loopback AWS, healthy
// and broken in the ways operators meet most. One owner: whoever owns the aws checks.
import type { ProviderId } from '../../providers/index.js'
import type { Scenario, ScenarioExpectation } from '../scenario.js'
import { defineScenario, type ScenarioOptions } from '../scenario.js'
import {
  AWS_CANARIES,
  AWS_REGION,
  EDGE_KEY_ID,
  EDGE_ROLE_ARN,
  NODE_KEY_ID,
  SECRET_NAME,
  healthyAwsState,
  startAwsSimulator,
  type AwsSimState,
} from '../aws.js'
import { closedPort, type ServerKnobs } from '../server.js'

const DAY = 86_400_000
const KEYS = ['kafka_username', 'kafka_password', 'api_token', 'db_password']

const PASS: ScenarioExpectation = { status: 'pass' }
const DEP: ScenarioExpectation = { status: 'skip', skipReason: 'dependency-failed' }
/** The edge role may not simulate its own policy, as least privilege wants. */
const NOT_PERMITTED: ScenarioExpectation = { status: 'skip', skipReason: 'not-permitted' }

const HEALTHY_EXPECT: Record<string, ScenarioExpectation> = {
  'aws.credentials': PASS,
  'aws.region': PASS,
  'aws.identity': PASS,
  'aws.secret-access': PASS,
  'aws.secret-keys': PASS,
  'aws.rotation': PASS,
  'aws.least-privilege': NOT_PERMITTED,
  'aws.latency': PASS,
}

/** After aws.identity failed, everything that needs it is skipped. */
const IDENTITY_FAILED: Record<string, ScenarioExpectation> = {
  'aws.secret-access': DEP,
  'aws.secret-keys': DEP,
  'aws.rotation': DEP,
  'aws.least-privilege': DEP,
  'aws.latency': DEP,
}

interface AwsScenarioSpec {
  readonly name: string
  readonly description: string
  readonly state?: (s: AwsSimState) => void
  readonly knobs?: Partial<ServerKnobs>
  /**
   * How the Secrets Manager endpoint is named: AWS_ENDPOINT_URL_SECRETS_MANAGER (default), `aws.endpoint` (a
   * VPC endpoint in the doctor config), or `aws.endpoint` naming a port nothing listens on. STS and IAM always
   * come from their own variables, as the SDK reads them.
   */
  readonly secretsEndpoint?: 'env' | 'config' | 'refused'
  /** Credentials the agent's process has; default: the edge role's session keys in the environment. */
  readonly credentials?: 'edge-env' | 'instance-metadata' | 'none'
  readonly aws?: Record<string, unknown>
  readonly thresholds?: Record<string, unknown>
  readonly options?: ScenarioOptions
  /** Other providers whose checks this scenario also judges (selected with `only` in `options`). */
  readonly alsoProviders?: readonly ProviderId[]
  readonly expect: Record<string, ScenarioExpectation>
  readonly exitCode: 0 | 1 | 2 | 3
}

function awsScenario(spec: AwsScenarioSpec): Scenario {
  return defineScenario({
    name: spec.name,
    description: spec.description,
    providers: ['aws', ...(spec.alsoProviders ?? [])],
    expect: spec.expect,
    exitCode: spec.exitCode,
    async setup() {
      const state = healthyAwsState()
      spec.state?.(state)
      const sim = await startAwsSimulator(state, { knobs: spec.knobs })
      const secretsEndpoint = spec.secretsEndpoint ?? 'env'
      const env: Record<string, string> = {
        AWS_ENDPOINT_URL_STS: sim.url,
        AWS_ENDPOINT_URL_IAM: sim.url,
        ...(secretsEndpoint === 'env' ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: sim.url } : {}),
        AWS_REGION,
        // `demo` may run on an EC2 host: never let a scenario reach the real instance metadata service.
        AWS_EC2_METADATA_DISABLED: 'true',
      }
      const credentials = spec.credentials ?? 'edge-env'
      if (credentials === 'edge-env') {
        env['AWS_ACCESS_KEY_ID'] = EDGE_KEY_ID
        env['AWS_SECRET_ACCESS_KEY'] = AWS_CANARIES.secretAccessKey
        env['AWS_SESSION_TOKEN'] = AWS_CANARIES.sessionToken
      } else if (credentials === 'instance-metadata') {
        state.instanceProfile = {
          roleName: 'eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C',
          issues: NODE_KEY_ID,
        }
        env['AWS_EC2_METADATA_DISABLED'] = 'false'
        env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = sim.url
      }
      return {
        config: {
          aws: {
            region: AWS_REGION,
            expectRoleArn: EDGE_ROLE_ARN,
            maxRotationDays: 30,
            secrets: [{ id: SECRET_NAME, keys: KEYS }],
            ...(secretsEndpoint === 'config' ? { endpoint: sim.url } : {}),
            ...(secretsEndpoint === 'refused' ? { endpoint: `http://127.0.0.1:${await closedPort()}` } : {}),
            ...spec.aws,
          },
          // Generous, so a loaded CI machine (the e2e tests run concurrently) keeps the healthy reads green.
          thresholds: { latencyP95: '3s', latencySamples: 3, ...spec.thresholds },
        },
        env,
        options: spec.options,
        requestLog: () => sim.server.requests.map((r) => ({ ...r, server: 'aws' })),
        stop: () => sim.close(),
      }
    },
  })
}

export const awsScenarios: Scenario[] = [
  awsScenario({
    name: 'aws-healthy',
    description:
      'AWS Secrets Manager as documented: IAM role, least-privilege policy, JSON secret, 30-day rotation',
    expect: HEALTHY_EXPECT,
    exitCode: 0,
  }),
  awsScenario({
    name: 'aws-no-credentials',
    description: 'no credential source is set up: no keys, no profile, no IRSA, no container credentials',
    credentials: 'none',
    expect: {
      'aws.credentials': {
        status: 'fail',
        finding: 'none',
        remedies: ['aws.credential-chain', 'auth.verify-iam'],
      },
      'aws.region': PASS,
      'aws.identity': DEP,
      ...IDENTITY_FAILED,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-over-broad',
    description:
      'the role may read every secret of the account (GetSecretValue on *), and may simulate its policy; Secrets Manager through aws.endpoint',
    secretsEndpoint: 'config',
    state: (s) => {
      s.principals[0] = {
        ...s.principals[0]!,
        statements: [
          { action: 'secretsmanager:*', resource: '*' },
          { action: 'iam:SimulatePrincipalPolicy', resource: '*' },
        ],
      }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.least-privilege': { status: 'warn', finding: 'over-broad', remedies: ['bp.least-privilege'] },
    },
    exitCode: 0,
  }),
  awsScenario({
    name: 'aws-access-denied',
    description: "the role's policy covers another path, so GetSecretValue is AccessDenied",
    state: (s) => {
      s.principals[0] = {
        ...s.principals[0]!,
        statements: [
          {
            action: 'secretsmanager:GetSecretValue',
            resource: 'arn:aws:secretsmanager:*:*:secret:expanso/staging/*',
          },
        ],
      }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.secret-access': {
        status: 'fail',
        finding: 'access-denied',
        remedies: ['bp.least-privilege', 'auth.verify-iam'],
      },
      'aws.secret-keys': DEP,
      'aws.rotation': DEP,
      // The secret cannot be read, so there is no read to time (STS is not timed in its place).
      'aws.latency': DEP,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-secret-not-found',
    description: 'the config names a secret that does not exist in the region (a typo)',
    aws: { secrets: [{ id: 'expanso/pipeline/credential', keys: KEYS }] },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.secret-access': {
        status: 'fail',
        finding: 'not-found',
        remedies: ['auth.confirm-secret-paths', 'aws.set-region'],
      },
      'aws.secret-keys': DEP,
      'aws.rotation': DEP,
      // The secret cannot be read, so there is no read to time (STS is not timed in its place).
      'aws.latency': DEP,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-kms-denied',
    description: 'the secret is encrypted with a customer-managed KMS key the role may not use',
    state: (s) => {
      s.secrets[0] = { ...s.secrets[0]!, kms: 'denied' }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.secret-access': {
        status: 'fail',
        finding: 'kms-denied',
        remedies: ['aws.kms-key-policy', 'auth.verify-iam'],
      },
      'aws.secret-keys': DEP,
      'aws.rotation': DEP,
      // The secret cannot be read, so there is no read to time (STS is not timed in its place).
      'aws.latency': DEP,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-missing-key',
    description: 'the secret JSON lacks db_password, so the init script exports DB_PASSWORD=null',
    state: (s) => {
      s.secrets[0] = {
        ...s.secrets[0]!,
        secretString: JSON.stringify({
          kafka_username: AWS_CANARIES.kafka_username,
          kafka_password: AWS_CANARIES.kafka_password,
          api_token: AWS_CANARIES.api_token,
        }),
      }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.secret-keys': {
        status: 'fail',
        finding: 'missing-keys',
        remedies: ['aws.secret-json', 'auth.confirm-secret-paths'],
      },
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-rotation-disabled',
    description: 'automatic rotation is off for the pipeline secret',
    state: (s) => {
      s.secrets[0] = { ...s.secrets[0]!, rotation: { enabled: false } }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.rotation': { status: 'warn', finding: 'disabled', remedies: ['bp.rotation'] },
    },
    exitCode: 0,
  }),
  awsScenario({
    name: 'aws-rotation-overdue',
    description: 'the last rotation was 45 days ago on a 30-day schedule; the next one stopped in AWSPENDING',
    state: (s) => {
      s.secrets[0] = {
        ...s.secrets[0]!,
        rotation: {
          enabled: true,
          days: 30,
          lastRotated: new Date(Date.now() - 45 * DAY),
          pendingStuck: true,
        },
      }
    },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.rotation': {
        status: 'fail',
        finding: 'overdue',
        remedies: ['aws.fix-rotation', 'refresh.monitor-rotation'],
      },
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-wrong-role',
    description: "the pod has no IRSA credentials and falls back to the node's instance role",
    credentials: 'instance-metadata',
    expect: {
      'aws.credentials': PASS,
      'aws.region': PASS,
      'aws.identity': {
        status: 'fail',
        finding: 'node-role',
        remedies: ['aws.expected-role', 'auth.check-sa-annotations'],
      },
      ...IDENTITY_FAILED,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-clock-skew',
    description: 'the node clock is 10 minutes behind AWS, so every request signature has expired',
    knobs: { clockOffsetMs: 600_000 },
    // The refusal also reaches node.clock-skew, which judges every provider's server time.
    alsoProviders: ['node'],
    options: { only: ['aws.*', 'node.clock-skew'] },
    expect: {
      'node.clock-skew': { status: 'fail', finding: 'rejected', remedies: ['node.sync-clock'] },
      'aws.credentials': PASS,
      'aws.region': PASS,
      'aws.identity': { status: 'fail', finding: 'clock-skew', remedies: ['node.sync-clock'] },
      ...IDENTITY_FAILED,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-unreachable',
    description: 'the AWS endpoints accept connections and never answer (a black-holed route or proxy)',
    knobs: { blackHole: true },
    expect: {
      'aws.credentials': PASS,
      'aws.region': PASS,
      'aws.identity': {
        status: 'fail',
        finding: 'unreachable',
        remedies: ['aws.network-reach', 'latency.regional-endpoints'],
      },
      ...IDENTITY_FAILED,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-slow-endpoint',
    description: 'every AWS answer takes 1.2 s (latency threshold 1 s)',
    knobs: { latencyMs: 1200 },
    thresholds: { latencyP95: '1s', latencySamples: 2 },
    expect: {
      ...HEALTHY_EXPECT,
      'aws.latency': {
        status: 'warn',
        finding: 'slow',
        remedies: ['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'],
      },
    },
    exitCode: 0,
  }),
  awsScenario({
    name: 'aws-sign-in-page',
    description:
      "every AWS endpoint answers 200 with an HTML sign-in page (a captive portal or a proxy's login): nothing passes",
    knobs: { fault: { kind: 'html', status: 200 } },
    expect: {
      'aws.credentials': PASS,
      'aws.region': PASS,
      'aws.identity': {
        status: 'fail',
        finding: 'not-aws',
        remedies: ['aws.fix-endpoint', 'aws.network-reach'],
      },
      ...IDENTITY_FAILED,
    },
    exitCode: 1,
  }),
  awsScenario({
    name: 'aws-secrets-endpoint-refused',
    description: 'STS answers, but the Secrets Manager VPC endpoint in aws.endpoint refuses connections',
    secretsEndpoint: 'refused',
    expect: {
      ...HEALTHY_EXPECT,
      'aws.secret-access': {
        status: 'fail',
        finding: 'unreachable',
        remedies: ['aws.network-reach', 'latency.regional-endpoints'],
      },
      'aws.secret-keys': DEP,
      'aws.rotation': DEP,
      'aws.latency': DEP,
    },
    exitCode: 1,
  }),
]
