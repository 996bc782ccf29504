// The loopback AWS's state: principals with their policies, secrets, web identities, metadata services and
// the failures to play. Tests mutate it between requests.

export interface AwsSimStatement {
  readonly effect?: 'Allow' | 'Deny'
  /** `secretsmanager:GetSecretValue`, `secretsmanager:*`, `*`. */
  readonly action: string
  /** An ARN pattern with `*` and `?`, as in an IAM policy. */
  readonly resource: string
}

export interface AwsSimPrincipal {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Present for temporary credentials (ASIA…); checked when set. */
  readonly sessionToken?: string
  /** What GetCallerIdentity answers: `arn:aws:sts::123456789012:assumed-role/expanso-edge/i-0abc`. */
  readonly arn: string
  readonly userId?: string
  /** The IAM entity SimulatePrincipalPolicy knows it by (`arn:aws:iam::…:role/expanso-edge`). */
  readonly policySourceArn?: string
  /** The token has expired: every call is refused with ExpiredToken(Exception). */
  readonly expired?: boolean
  readonly statements: readonly AwsSimStatement[]
}

export interface AwsSimRotation {
  readonly enabled: boolean
  readonly days?: number
  readonly lastRotated?: Date
  readonly nextRotation?: Date
  /** A rotation stuck half-way: an AWSPENDING version that never became AWSCURRENT. */
  readonly pendingStuck?: boolean
  readonly lambdaArn?: string
}

export interface AwsSimSecret {
  /** Full ARN including the six-character suffix; its region is where the secret lives. */
  readonly arn: string
  readonly name: string
  readonly secretString?: string
  /** Base64 of a binary secret (SecretBinary). */
  readonly secretBinary?: string
  readonly kmsKeyId?: string
  /** `denied`: the caller may not use the customer-managed key; `decryption-failure`: the key cannot decrypt. */
  readonly kms?: 'ok' | 'denied' | 'decryption-failure'
  readonly rotation?: AwsSimRotation
  readonly createdDate?: Date
  readonly deletedDate?: Date
  /** Present (JSON policy text) when a resource policy is attached; allows like an identity policy would. */
  readonly resourcePolicyAllows?: readonly string[]
}

export interface AwsSimWebIdentity {
  /** The JWT the token file holds. */
  readonly token: string
  /** Role the token may assume; AssumeRoleWithWebIdentity for any other role is AccessDenied. */
  readonly roleArn: string
  /** Access key of the principal whose temporary credentials are issued. */
  readonly issues: string
}

/** The session credentials an AssumeRole of a role hands out. */
export interface AwsSimRoleSession {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
}

/** An IAM role sts:AssumeRole can assume: who its trust policy lets in, and what its sessions may do. */
export interface AwsSimRole {
  /** `arn:aws:iam::123456789012:role/pipeline-writer` */
  readonly arn: string
  /** The role's unique id (AROA…): the first half of a session's AssumedRoleId. */
  readonly roleId: string
  /**
   * The trust policy's AWS principals: a role or user ARN lets that principal in by itself; the account
   * (`arn:aws:iam::123456789012:root`) delegates to the account, whose principals then also need
   * sts:AssumeRole on the role in their own policy, as IAM evaluates it.
   */
  readonly trusts: readonly string[]
  /** The role's permissions, which calls signed with a session's credentials get. */
  readonly statements: readonly AwsSimStatement[]
  readonly session: AwsSimRoleSession
}

export interface AwsSimState {
  region: string
  account: string
  principals: AwsSimPrincipal[]
  /** Roles sts:AssumeRole knows; any other role ARN is refused as AccessDenied, as STS hides existence. */
  roles?: AwsSimRole[]
  secrets: AwsSimSecret[]
  webIdentities?: AwsSimWebIdentity[]
  /** Operations (`GetSecretValue`, `GetCallerIdentity`…) answered with a throttling error; `*` for all. */
  throttle?: readonly string[]
  /** Maximum accepted difference between `X-Amz-Date` and the server clock, default 5 min as AWS. */
  maxSkewMs?: number
  /** EC2 instance metadata (IMDSv2) on the same server: the instance role and whose keys it hands out. */
  instanceProfile?: { readonly roleName: string; readonly issues: string }
  /** Container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI = <url><path>). */
  containerCredentials?: { readonly path: string; readonly issues: string }
}

/** What a read-only client may call. Anything else in the log is a write (or a bug). */
export const AWS_READ_OPERATIONS: ReadonlySet<string> = new Set([
  'sts.GetCallerIdentity',
  'sts.AssumeRoleWithWebIdentity',
  // Hands out session credentials and changes nothing in the account.
  'sts.AssumeRole',
  'secretsmanager.GetSecretValue',
  'secretsmanager.DescribeSecret',
  'secretsmanager.ListSecrets',
  'secretsmanager.GetResourcePolicy',
  'secretsmanager.ListSecretVersionIds',
  'iam.SimulatePrincipalPolicy',
  'iam.GetRole',
  'imds.GetToken',
  'imds.GetCredentials',
  'container.GetCredentials',
])

/** What every request handler of the simulator shares: the state and the operation log. */
export interface SimContext {
  readonly state: AwsSimState
  /** Names the request's operation in the request log and the operation list. */
  record(log: { operation?: string }, operation: string): void
}

export const isThrottled = (state: AwsSimState, op: string): boolean =>
  (state.throttle ?? []).some((t) => t === '*' || t === op)

/** The account of an ARN, or the simulator's own. */
export const accountOf = (state: AwsSimState, arn: string): string =>
  /^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1] ?? state.account

/** `arn:aws:sts::123456789012:assumed-role/expanso-edge/i-0abc` → `arn:aws:iam::123456789012:role/expanso-edge` */
export function roleArnOf(callerArn: string): string | undefined {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined
}
