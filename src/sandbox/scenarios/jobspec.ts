// Scenarios of the pipeline JobSpec's own secrets. One owner: whoever owns the jobspec checks.
// Each one is a pipeline JobSpec with `secret_providers` and `secrets` in the scenario's folder — a Vault the
// agent logs in to with AppRole (role_id from a file, secret_id from a variable) and one it logs in to with a
// JWT from a file, each with its own CA — in front of a loopback Vault simulator; the aws_sts scenarios add a
// role the node's AWS credentials assume at a loopback AWS. Secret values, the AppRole secret_id, the JWT and
// the AWS keys (the node's and the assumed session's) are canaries: the e2e tests grep every output for
// JOBSPEC_CANARIES.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { ProviderId } from '../../providers/index.js'
import type { RemedyId } from '../../remedies.js'
import type { jobspecRemedies } from '../../remedies/jobspec.js'
import type { Scenario, ScenarioExpectation } from '../scenario.js'
import {
  AWS_CANARIES,
  AWS_REGION,
  EDGE_KEY_ID,
  healthyAwsState,
  NODE_ROLE_ARN,
  PIPELINE_ROLE_ARN,
  pipelineRole,
  startAwsSimulator,
  type AwsSimState,
} from '../aws.js'
import { healthyVaultState, makeJwt, startVaultSim, type VaultSimState } from '../vault.js'

const CANARY = {
  kafkaPassword: 'CANARY-jobspec-kafka-password-51d0c',
  apiToken: 'CANARY-jobspec-api-token-a77e2',
  secretId: 'CANARY-jobspec-secret-id-9c3f1',
  staleSecretId: 'CANARY-jobspec-stale-secret-id-20be4',
} as const

export const JOBSPEC_CANARIES: readonly string[] = [
  ...Object.values(CANARY),
  AWS_CANARIES.secretAccessKey,
  AWS_CANARIES.sessionToken,
  AWS_CANARIES.assumedSecretAccessKey,
  AWS_CANARIES.assumedSessionToken,
]

/** The role an aws_sts entry assumes from the node's credentials. */
export const STS_ROLE_ARN = PIPELINE_ROLE_ARN

// Until the registries list `jobspec` and its remedies, ProviderId and RemedyId do not include them: these two
// casts are no-ops once they do.
const JOBSPEC = 'jobspec' as ProviderId
const remedies = (...ids: (RemedyId | keyof typeof jobspecRemedies)[]) => ids as readonly RemedyId[]

const ROLE_ID = '0f1e8a5c-5a3c-4b7e-9a51-6c0e5f3b2d11'
const ISSUER = 'https://issuer.example.com'
const AUDIENCE = 'vault'
const SUBJECT = 'repo:expanso/edge-pipelines:environment:prod'

/** The Vault both entries talk to: KV v2 at kv/ and secret/, an AppRole and a JWT role reading both. */
function vaultState(): VaultSimState {
  const s = healthyVaultState({
    secretPath: 'secret/expanso/prod/pipeline',
    secretData: { api_token: CANARY.apiToken, db_password: CANARY.apiToken },
  })
  s.mounts['kv/'] = { type: 'kv', version: 2 }
  s.secrets['kv/kafka/prod'] = {
    data: { username: 'edge', password: CANARY.kafkaPassword },
    version: 7,
    updatedTime: new Date(Date.now() - 3_600_000).toISOString(),
  }
  s.policies['kafka-to-s3'] = [
    { path: 'kv/data/kafka/prod', capabilities: ['read'] },
    { path: 'secret/data/expanso/prod/pipeline', capabilities: ['read'] },
  ]
  s.approle = {
    mount: 'approle',
    roles: {
      'kafka-to-s3': { roleId: ROLE_ID, secretId: CANARY.secretId, policies: ['kafka-to-s3'], ttlSec: 3600 },
    },
  }
  s.jwt = {
    mount: 'jwt',
    boundIssuer: ISSUER,
    roles: {
      'edge-pipeline': {
        boundAudiences: [AUDIENCE],
        boundSubject: SUBJECT,
        policies: ['kafka-to-s3'],
        ttlSec: 3600,
      },
    },
  }
  return s
}

interface JobspecFiles {
  readonly address: string
  readonly dir: string
}

/** The pipeline JobSpec: a Kafka input and an HTTP output whose credentials the agent fetches itself. */
function jobspec(f: JobspecFiles, change?: (spec: Record<string, unknown>) => void): string {
  const tls = { ca_cert: join(f.dir, 'vault-ca.pem') }
  const spec: Record<string, unknown> = {
    name: 'kafka-to-s3',
    type: 'pipeline',
    config: {
      input: {
        kafka: {
          addresses: ['broker.internal:9093'],
          topics: ['events'],
          sasl: { mechanism: 'PLAIN', user: 'edge', password: '${KAFKA_PASSWORD}' },
        },
      },
      output: {
        http_client: {
          url: 'https://ingest.example.com/events',
          headers: { Authorization: 'Bearer ${API_TOKEN}' },
        },
      },
    },
    secret_providers: {
      corp_vault: {
        provider: 'hashicorp_vault',
        address: f.address,
        tls,
        auth: {
          method: 'approle',
          role_id_file: join(f.dir, 'vault-role-id'),
          secret_id_env: 'EDGE_VAULT_SECRET_ID',
        },
      },
      ci_vault: {
        provider: 'hashicorp_vault',
        address: f.address,
        tls,
        auth: { method: 'jwt', role: 'edge-pipeline', jwt_file: join(f.dir, 'edge.jwt') },
      },
    },
    secrets: {
      KAFKA_PASSWORD: {
        from: 'corp_vault',
        mount: 'kv',
        secret_path: 'kafka/prod',
        field: 'password',
        refresh: '30m',
      },
      API_TOKEN: {
        from: 'ci_vault',
        mount: 'secret',
        secret_path: 'expanso/prod/pipeline',
        field: 'api_token',
        refresh: '15m',
      },
    },
  }
  change?.(spec)
  return stringify(spec)
}

/** `spec.secrets.<name>` as a mutable record, for the scenarios that break one entry. */
const secretOf = (spec: Record<string, unknown>, name: string) =>
  (spec.secrets as Record<string, Record<string, unknown>>)[name] as Record<string, unknown>

interface JobspecScenarioSpec {
  readonly name: string
  readonly description: string
  readonly mutate?: (s: VaultSimState) => void
  readonly change?: (spec: Record<string, unknown>) => void
  /** The secret_id the node holds (the one Vault knows by default). */
  readonly secretId?: string
  /** Claims of the JWT the node holds, over the ones the role accepts. */
  readonly jwtClaims?: Record<string, unknown>
  readonly maxStaleness?: string
  /** An aws_sts entry too, with the node's AWS credentials pointing at the loopback AWS. */
  readonly aws?: boolean
  /** Changes the loopback AWS (the role's trust policy …). */
  readonly mutateAws?: (s: AwsSimState) => void
  readonly expect?: Readonly<Record<string, ScenarioExpectation>>
  readonly exitCode: 0 | 1 | 2 | 3
}

/** The node's AWS credentials and the loopback AWS they reach (an aws_sts entry assumes its role with them). */
async function awsSide(spec: JobspecScenarioSpec) {
  if (!spec.aws) return undefined
  const state = healthyAwsState()
  spec.mutateAws?.(state)
  const sim = await startAwsSimulator(state)
  const env = {
    AWS_ENDPOINT_URL_STS: sim.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sim.url,
    AWS_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: EDGE_KEY_ID,
    AWS_SECRET_ACCESS_KEY: AWS_CANARIES.secretAccessKey,
    AWS_SESSION_TOKEN: AWS_CANARIES.sessionToken,
  }
  return { sim, env }
}

/** Adds the aws_sts entry and the secret that uses it. */
const withSts = (spec: Record<string, unknown>) => {
  ;(spec.secret_providers as Record<string, unknown>).aws_prod = {
    provider: 'aws_sts',
    role_arn: STS_ROLE_ARN,
    region: AWS_REGION,
  }
  ;(spec.secrets as Record<string, unknown>).AWS_CREDENTIALS = { from: 'aws_prod', refresh: '15m' }
  const output = (spec.config as Record<string, Record<string, Record<string, unknown>>>).output
  if (output?.http_client) output.http_client.aws_credentials = '${AWS_CREDENTIALS}'
}

function jobspecScenario(spec: JobspecScenarioSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    providers: [JOBSPEC],
    // Without an aws_sts entry, that check has nothing to assume.
    expect: spec.aws
      ? { ...spec.expect }
      : { 'jobspec.aws-sts': { status: 'skip', skipReason: 'not-applicable' }, ...spec.expect },
    exitCode: spec.exitCode,
    async setup(dir) {
      const state = vaultState()
      spec.mutate?.(state)
      const sim = await startVaultSim(state, { tls: 'valid' })
      const aws = await awsSide(spec)
      await writeFile(join(dir, 'vault-ca.pem'), sim.caPem as string)
      await writeFile(join(dir, 'vault-role-id'), `${ROLE_ID}\n`, { mode: 0o600 })
      const jwt = makeJwt({ iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, ...spec.jwtClaims })
      await writeFile(join(dir, 'edge.jwt'), `${jwt}\n`, { mode: 0o600 })
      const pipeline = join(dir, 'pipeline.yaml')
      const change = (s: Record<string, unknown>) => {
        if (spec.aws) withSts(s)
        spec.change?.(s)
      }
      await writeFile(pipeline, jobspec({ address: sim.url, dir }, change))
      return {
        config: { pipeline: { config: pipeline, maxStaleness: spec.maxStaleness ?? '90m' } },
        env: {
          NO_PROXY: '127.0.0.1,localhost',
          EDGE_VAULT_SECRET_ID: spec.secretId ?? CANARY.secretId,
          ...aws?.env,
        },
        options: { timeout: '10s' },
        requestLog: () => [
          ...sim.requests.map((r) => ({ ...r, server: 'vault' })),
          ...(aws?.sim.server.requests ?? []).map((r) => ({ ...r, server: 'aws' })),
        ],
        stop: async () => {
          await sim.close()
          await aws?.sim.close()
        },
      }
    },
  }
}

const skipped = (): ScenarioExpectation => ({ status: 'skip', skipReason: 'dependency-failed' })

export const jobspecScenarios: Scenario[] = [
  jobspecScenario({
    name: 'jobspec-healthy',
    description:
      'a pipeline JobSpec whose agent fetches its secrets itself: Vault AppRole (secret_id from a variable) and JWT, each with its CA',
    exitCode: 0,
  }),
  jobspecScenario({
    name: 'jobspec-aws-sts',
    description:
      "the healthy JobSpec plus an aws_sts entry: the node's AWS credentials resolve, and the role's trust policy lets the node's role assume it",
    aws: true,
    exitCode: 0,
  }),
  jobspecScenario({
    name: 'jobspec-assume-denied',
    description:
      "the aws_sts entry's role trusts the node instance role, not the role the node's credentials are: STS refuses AssumeRole",
    aws: true,
    mutateAws: (s) => {
      s.roles = [pipelineRole([NODE_ROLE_ARN])]
    },
    expect: {
      'jobspec.aws-sts': {
        status: 'fail',
        finding: 'assume-denied',
        remedies: remedies('jobspec.assume-role', 'auth.verify-iam'),
      },
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-wrong-auth',
    description: "the node's secret_id is an old one: Vault refuses the AppRole login",
    secretId: CANARY.staleSecretId,
    expect: {
      'jobspec.vault-login': {
        status: 'fail',
        finding: 'bad-credentials',
        remedies: remedies('vault.fix-login', 'auth.review-audit-logs'),
      },
      'jobspec.vault-read': skipped(),
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-path-denied',
    description: "the role's policy lost kv/data/kafka/prod: the agent may not read KAFKA_PASSWORD",
    mutate: (s) => {
      s.policies['kafka-to-s3'] = [{ path: 'secret/data/expanso/prod/pipeline', capabilities: ['read'] }]
    },
    expect: {
      'jobspec.vault-read': {
        status: 'fail',
        finding: 'no-read',
        remedies: remedies('vault.grant-read', 'auth.confirm-secret-paths'),
      },
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-field-missing',
    description: 'KAFKA_PASSWORD names field passwd, which the Vault secret does not have',
    change: (s) => {
      secretOf(s, 'KAFKA_PASSWORD').field = 'passwd'
    },
    expect: {
      'jobspec.vault-read': {
        status: 'fail',
        finding: 'field-missing',
        remedies: remedies('jobspec.fix-secret-entry', 'auth.confirm-secret-paths'),
      },
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-entry-incomplete',
    description:
      'the API_TOKEN entry says where but not which field: the variable has no value at deployment',
    change: (s) => {
      delete secretOf(s, 'API_TOKEN').field
    },
    expect: {
      'jobspec.secret-refs': {
        status: 'fail',
        finding: 'missing-field',
        remedies: remedies('jobspec.fix-secret-entry', 'auth.confirm-secret-paths'),
      },
      'jobspec.refresh': skipped(),
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-refresh-slow',
    description: 'KAFKA_PASSWORD refreshes every 2h against a maxStaleness of 90m',
    change: (s) => {
      secretOf(s, 'KAFKA_PASSWORD').refresh = '2h'
    },
    expect: {
      'jobspec.refresh': {
        status: 'warn',
        finding: 'slower-than-max',
        remedies: remedies('refresh.check-interval', 'jobspec.set-refresh'),
      },
    },
    exitCode: 0,
  }),
  jobspecScenario({
    name: 'jobspec-jwt-audience',
    description: "the node's JWT is minted for another audience than the Vault role accepts",
    jwtClaims: { aud: 'sts.amazonaws.com' },
    expect: {
      'jobspec.vault-login': { status: 'fail', finding: 'jwt-claims', remedies: remedies('vault.fix-login') },
      'jobspec.vault-read': skipped(),
    },
    exitCode: 1,
  }),
  jobspecScenario({
    name: 'jobspec-unknown-provider',
    description:
      'a third entry of a provider type this version does not understand: named as such, the rest checked',
    change: (s) => {
      ;(s.secret_providers as Record<string, unknown>).azure_kv = {
        provider: 'azure_key_vault',
        vault_url: 'https://expanso.vault.azure.net',
      }
      ;(s.secrets as Record<string, unknown>).DB_PASSWORD = { from: 'azure_kv', name: 'db-password' }
    },
    expect: {
      'jobspec.providers': {
        status: 'warn',
        finding: 'unknown-type',
        remedies: remedies('jobspec.unconfirmed-format'),
      },
      'jobspec.secret-refs': {
        status: 'warn',
        finding: 'not-referenced',
        remedies: remedies('pattern.interpolation', 'jobspec.unconfirmed-format'),
      },
      'jobspec.refresh': {
        status: 'warn',
        finding: 'default-unknown',
        remedies: remedies('refresh.check-interval', 'jobspec.set-refresh'),
      },
    },
    exitCode: 0,
  }),
]
