// The narrow interface the jobspec checks see. The JobSpec's entries are checked live with the providers'
// own code, as the edge agent would use them: a `hashicorp_vault` entry gets a Vault API of its own (its
// address, TLS files and login, none of the doctor's own Vault settings), an `aws_sts` entry the node's AWS
// credentials. Metadata only, like every provider API: never a secret value or a token.
import type { AwsAssumedRole, AwsCallerIdentity, AwsCredentialReport } from '../aws/api.js'
import type { CredentialSource, CredentialSources, VaultApi } from '../vault/api.js'

export type { AwsCallerIdentity, AwsCredentialReport } from '../aws/api.js'
export type {
  CredentialSource,
  CredentialSources,
  HealthInfo,
  LoginInfo,
  MountInfo,
  SecretShape,
  TlsInfo,
  TokenInfo,
  VaultApi,
} from '../vault/api.js'

/** A `hashicorp_vault` entry as the agent would use it. */
export interface JobspecVaultTarget {
  /** `secret_providers.corp_vault`: names the session, the identity it records, and memoizes it. */
  readonly entry: string
  readonly address: string
  readonly namespace?: string
  readonly caCert?: string
  readonly clientCert?: string
  readonly clientKey?: string
  readonly skipVerify: boolean
  /** The Vault login the entry's method amounts to (`static` and `file` are a plain token). */
  readonly login: 'approle' | 'kubernetes' | 'jwt' | 'token'
  /** The auth method's name in the JobSpec (`static`, `file`, `approle` …), for messages. */
  readonly method: string
  readonly role?: string
  /** Where each credential comes from. */
  readonly sources: CredentialSources
}

/** An `aws_sts` entry: the role the agent assumes from the node's credentials. */
export interface JobspecStsTarget {
  readonly entry: string
  readonly roleArn: string
  readonly region?: string
}

/** What an AssumeRole answered: the session's ARN and end, never its credentials. */
export type AssumedRole = AwsAssumedRole

export interface JobspecApi {
  /** The Vault API for one entry, created on first use and shared by every check of the run. */
  vault(target: JobspecVaultTarget): VaultApi
  /** The node's AWS credential chain, walked the way the AWS checks walk it. */
  awsCredentials(): Promise<AwsCredentialReport>
  /** Who the node's credentials are (sts:GetCallerIdentity). */
  awsIdentity(): Promise<AwsCallerIdentity>
  /** sts:AssumeRole of the entry's `role_arn` with the node's credentials, at the STS of its `region`. */
  assumeRole(target: JobspecStsTarget): Promise<AssumedRole>
}

/** How a credential source is named in messages. */
export const describeSource = (s: CredentialSource): string =>
  s.kind === 'file' ? `file ${s.path}` : s.kind === 'env' ? `$${s.name}` : 'a value written in the JobSpec'
