// The narrow AWS API the aws checks see, and its types. Metadata only: key names and their states, never a
// secret value (src/core/payload.ts registers every value with the redactor as it is read).
import type { ValueState } from '../../core/payload.js'

export type AwsCredentialSource = 'env' | 'profile' | 'web-identity' | 'container' | 'instance-metadata'

export interface AwsCredentialAttempt {
  readonly source: AwsCredentialSource
  /** `absent`: nothing configured for it; `disabled`: switched off (AWS_EC2_METADATA_DISABLED); `failed`: configured but broke. */
  readonly outcome: 'resolved' | 'absent' | 'disabled' | 'failed'
  readonly detail: string
}

export interface AwsResolvedCredentials {
  readonly source: AwsCredentialSource
  /** The access key id is not secret; shown so operators can match it with IAM. */
  readonly accessKeyId: string
  /** Session credentials (ASIA…, with a token) rather than long-lived keys (AKIA…). */
  readonly temporary: boolean
  readonly expiresAt?: Date
  /** Whether the SDK fetches new credentials by itself when these expire. */
  readonly refreshable: boolean
}

export interface AwsCredentialReport {
  readonly resolved?: AwsResolvedCredentials
  readonly attempts: readonly AwsCredentialAttempt[]
}

export interface AwsRegionInfo {
  readonly region?: string
  readonly source: 'config' | 'env' | 'profile' | 'none'
}

export interface AwsCallerIdentity {
  readonly arn: string
  readonly account: string
  readonly userId: string
}

/** What one key of a JSON secret holds, never the value (see src/core/payload.ts). */
export type AwsKeyState = ValueState

export interface AwsSecretValueMeta {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly versionId?: string
  readonly createdDate?: Date
  /** What SecretString holds: a JSON object (keys listed), other JSON, plain text, nothing, or a SecretBinary. */
  readonly payload: 'json-object' | 'json-other' | 'text' | 'empty' | 'binary'
  readonly keys: readonly { readonly name: string; readonly state: AwsKeyState }[]
}

export interface AwsSecretDescription {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly kmsKeyId?: string
  readonly rotationEnabled: boolean
  readonly rotationDays?: number
  readonly scheduleExpression?: string
  readonly rotationLambdaArn?: string
  readonly lastRotatedDate?: Date
  readonly lastChangedDate?: Date
  readonly nextRotationDate?: Date
  readonly deletedDate?: Date
  readonly createdDate?: Date
  readonly versionStages: Readonly<Record<string, readonly string[]>>
}

export interface AwsSimulationResult {
  readonly action: string
  readonly resource: string
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny' | string
}

/** What sts:AssumeRole answered: the session's ARN and end, never its credentials. */
export interface AwsAssumedRole {
  /** `arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge-secrets` */
  readonly assumedRoleArn: string
  readonly expiresAt?: Date
}

export interface AwsApi {
  region(): Promise<AwsRegionInfo>
  /** Walks the chain source by source; never throws for "no credentials" — the attempts say why. */
  credentials(): Promise<AwsCredentialReport>
  callerIdentity(): Promise<AwsCallerIdentity>
  /**
   * sts:AssumeRole of `roleArn` with the resolved credentials (session name `edge-secrets`), at the STS of
   * `region` when given (where an agent configured with that region asks), else of the run's region.
   */
  assumeRole(roleArn: string, o?: { readonly region?: string }): Promise<AwsAssumedRole>
  secretValue(id: string): Promise<AwsSecretValueMeta>
  describeSecret(id: string): Promise<AwsSecretDescription>
  simulate(
    policySourceArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<AwsSimulationResult[]>
  /** One fresh, unmemoized GetSecretValue (or GetCallerIdentity without an id); its wall time in ms. */
  timeRead(id?: string): Promise<number>
  /** The Secrets Manager endpoint in use (aws.endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER, or the regional one). */
  secretsEndpoint(): Promise<string | undefined>
  /** Server clock minus local clock as the SDK learnt it from `Date` headers (ms), once a call was made. */
  clockOffsetMs(): number | undefined
}
