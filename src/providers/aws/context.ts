// What every part of the aws provider shares for one run: the session, the aws: section, the environment
// the SDK reads, and the few decisions taken once (profile, retries).
import type { ConfigWith, ProviderSession } from '../../core/provider.js'
import type { AwsConfig } from './config.js'

export type AwsSession = ProviderSession<ConfigWith<'aws', AwsConfig>>

export interface AwsContext {
  readonly session: AwsSession
  readonly env: NodeJS.ProcessEnv
  readonly cfg: AwsConfig
  /** aws.profile, else AWS_PROFILE; undefined means the default profile. */
  readonly profile?: string
  /** 1 unless AWS_MAX_ATTEMPTS is set (then undefined: the SDK reads it itself). */
  readonly maxAttempts?: number
}

export const isSet = (v: string | undefined): v is string => v !== undefined && v !== ''

export function awsContext(session: AwsSession): AwsContext {
  const env = session.env
  return {
    session,
    env,
    cfg: session.config.aws,
    profile: session.config.aws.profile ?? (isSet(env['AWS_PROFILE']) ? env['AWS_PROFILE'] : undefined),
    // Fewer retries than the SDK's 3: a doctor reports the first refusal (throttling, skew) rather than hide
    // it behind retries. AWS_MAX_ATTEMPTS, read by the SDK itself, restores the user's retry behaviour.
    maxAttempts: isSet(env['AWS_MAX_ATTEMPTS']) ? undefined : 1,
  }
}
