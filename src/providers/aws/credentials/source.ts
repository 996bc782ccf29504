// One credential source of the SDK's chain: either not tried (and why), or an SDK provider to try.
import type * as SdkProviders from '@aws-sdk/credential-providers'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import type { AwsCredentialAttempt, AwsCredentialSource } from '../api.js'
import type { AwsClients } from '../clients.js'
import type { AwsContext } from '../context.js'
import { sharedFilePaths } from '../shared-files.js'

export type CredentialProviders = typeof SdkProviders

export interface SourceDeps {
  readonly ctx: AwsContext
  readonly providers: CredentialProviders
  readonly clients: AwsClients
}

export type SourcePlan =
  /** Not tried: nothing configured for it, switched off, or set up wrong before any call. */
  | { readonly skip: Omit<AwsCredentialAttempt, 'source'> }
  | {
      readonly provider: AwsCredentialIdentityProvider
      /** Whether the SDK fetches new credentials from this source by itself. */
      readonly refreshable: boolean
      /** Where the source is fetched from, for the wording of a network fault. */
      readonly endpoint?: string
      /** Reads a failure again (an unnamed default profile that does not exist is "absent", not "failed"). */
      readonly reread?: (detail: string) => Omit<AwsCredentialAttempt, 'source'> | undefined
    }

export type CredentialSource = (d: SourceDeps) => SourcePlan | Promise<SourcePlan>

export const absent = (detail: string): SourcePlan => ({ skip: { outcome: 'absent', detail } })
export const failed = (detail: string): SourcePlan => ({ skip: { outcome: 'failed', detail } })

/** One of a pair of variables set without the other. */
export const halfSet = (set: string, missing: string): SourcePlan =>
  failed(`${missing} is not set (${set} is)`)

/** Where a resolved source's credentials came from, in the words an operator would look for. */
export function describeSource(ctx: AwsContext, s: AwsCredentialSource): string {
  const env = ctx.env
  switch (s) {
    case 'env':
      return 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY'
    case 'profile': {
      const files = sharedFilePaths(ctx)
      return `profile ${ctx.profile ?? 'default'} (${files.credentials}, ${files.config})`
    }
    case 'web-identity':
      return `${env['AWS_ROLE_ARN']} with token ${env['AWS_WEB_IDENTITY_TOKEN_FILE']}`
    case 'container':
      return (
        env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ??
        `169.254.170.2${env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] ?? ''}`
      )
    case 'instance-metadata':
      return 'EC2 instance metadata (IMDS)'
  }
}
