// The documentation's AWS deployment as simulator state: the edge role with the least-privilege policy of
// Best Practices 2, the node's instance role, the pipeline secret with 30-day rotation, and the role a
// JobSpec aws_sts entry assumes from the edge role. Its values are canaries: tests prove none of them ever
// reaches any output.
import type { AwsSimRole, AwsSimState, AwsSimStatement } from './state.js'

export const AWS_ACCOUNT = '123456789012'
export const AWS_REGION = 'us-east-1'
export const EDGE_ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/expanso-edge`
export const NODE_ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C`
export const SECRET_NAME = 'expanso/pipeline/credentials'
export const SECRET_ARN = `arn:aws:secretsmanager:${AWS_REGION}:${AWS_ACCOUNT}:secret:${SECRET_NAME}-AbCdEf`
/** Planted values: tests prove none of them ever reaches any output. */
export const AWS_CANARIES = {
  kafka_username: 'canary-kafka-user-5b1e',
  kafka_password: 'canary-kafka-pass-9d3f7a',
  api_token: 'canary-api-token-2c8e41',
  db_password: 'canary-db-pass-7f02b6',
  secretAccessKey: 'canarySecretKey/7Hk2pQ9wXz4mN1vB8cR3tY6uJ0eL5aS',
  sessionToken: 'canary-session-token-IQoJb3JpZ2luX2VjEXAMPLE',
  /** What an AssumeRole of PIPELINE_ROLE_ARN hands out. */
  assumedSecretAccessKey: 'canaryAssumedKey/3Rt8yU1iO4pA7sD0fG2hJ5kL9zX',
  assumedSessionToken: 'canary-assumed-session-token-FwoGZXIvYXdzEXAMPLE',
} as const

export const EDGE_KEY_ID = 'ASIAEDGEEXAMPLE00001'
export const NODE_KEY_ID = 'ASIANODEEXAMPLE00002'
export const PIPELINE_KEY_ID = 'ASIAPIPELINEEXAMPLE3'

/** The role a JobSpec aws_sts entry names: its trust policy lets the edge role (and nothing else) in. */
export const PIPELINE_ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/pipeline-writer`

export function pipelineRole(trusts: readonly string[] = [EDGE_ROLE_ARN]): AwsSimRole {
  return {
    arn: PIPELINE_ROLE_ARN,
    roleId: 'AROAPIPELINEEXAMPLE',
    trusts,
    statements: [{ action: 's3:PutObject', resource: 'arn:aws:s3:::expanso-pipeline-output/*' }],
    session: {
      accessKeyId: PIPELINE_KEY_ID,
      secretAccessKey: AWS_CANARIES.assumedSecretAccessKey,
      sessionToken: AWS_CANARIES.assumedSessionToken,
    },
  }
}

/** The documentation's least-privilege policy (Best Practices 2), plus DescribeSecret for rotation checks. */
export const LEAST_PRIVILEGE: AwsSimStatement[] = [
  {
    action: 'secretsmanager:GetSecretValue',
    resource: 'arn:aws:secretsmanager:*:*:secret:expanso/pipeline/*',
  },
  {
    action: 'secretsmanager:DescribeSecret',
    resource: 'arn:aws:secretsmanager:*:*:secret:expanso/pipeline/*',
  },
]

export function healthyAwsState(now = new Date()): AwsSimState {
  const day = 86_400_000
  return {
    region: AWS_REGION,
    account: AWS_ACCOUNT,
    principals: [
      {
        accessKeyId: EDGE_KEY_ID,
        secretAccessKey: AWS_CANARIES.secretAccessKey,
        sessionToken: AWS_CANARIES.sessionToken,
        arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/expanso-edge/botocore-session-1700000000`,
        userId: 'AROAEDGEEXAMPLE:botocore-session-1700000000',
        policySourceArn: EDGE_ROLE_ARN,
        statements: [...LEAST_PRIVILEGE],
      },
      {
        // The node's instance role: what pods get when the IRSA role did not reach them.
        accessKeyId: NODE_KEY_ID,
        secretAccessKey: 'nodeSecretKey/1Qw2Er3Ty4Ui5Op6As7Df8Gh9Jk0Lz',
        sessionToken: 'node-session-token-EXAMPLE',
        arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C/i-0abc1234def567890`,
        userId: 'AROANODEEXAMPLE:i-0abc1234def567890',
        policySourceArn: NODE_ROLE_ARN,
        statements: [{ action: 'ec2:Describe*', resource: '*' }],
      },
    ],
    roles: [pipelineRole()],
    secrets: [
      {
        arn: SECRET_ARN,
        name: SECRET_NAME,
        secretString: JSON.stringify({
          kafka_username: AWS_CANARIES.kafka_username,
          kafka_password: AWS_CANARIES.kafka_password,
          api_token: AWS_CANARIES.api_token,
          db_password: AWS_CANARIES.db_password,
        }),
        kmsKeyId: `arn:aws:kms:${AWS_REGION}:${AWS_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        rotation: { enabled: true, days: 30, lastRotated: new Date(now.getTime() - 5 * day) },
        createdDate: new Date(now.getTime() - 200 * day),
      },
    ],
  }
}
