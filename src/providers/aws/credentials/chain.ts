// The credential chain, walked one source at a time in the SDK's own order, so that a failure names the source
// that failed instead of the chain's generic "Could not load credentials from any providers".
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { InputFileError } from '../../../core/files.js'
import { bounded, callSignal, RunAborted } from '../../../core/net.js'
import { once } from '../../../core/provider.js'
import { registerSecret } from '../../../core/redact.js'
import type { AwsCredentialAttempt, AwsCredentialReport, AwsCredentialSource } from '../api.js'
import { isSet } from '../context.js'
import { toAwsError } from '../errors.js'
import { containerSource } from './container.js'
import { envSource } from './env.js'
import { instanceMetadataSource } from './instance-metadata.js'
import { profileSource } from './profile.js'
import { describeSource, type CredentialSource, type SourceDeps, type SourcePlan } from './source.js'
import { webIdentitySource } from './web-identity.js'

const CHAIN: readonly (readonly [AwsCredentialSource, CredentialSource])[] = [
  ['env', envSource],
  ['profile', profileSource],
  ['web-identity', webIdentitySource],
  ['container', containerSource],
  ['instance-metadata', instanceMetadataSource],
]

/** Renew this long before expiry, as the SDK does. */
const REFRESH_MARGIN_MS = 300_000

type Tried = Extract<SourcePlan, { provider: unknown }>

interface Outcome {
  readonly attempt: AwsCredentialAttempt
  readonly identity?: AwsCredentialIdentity
}

/** Why a source failed, in one line: the file, the network fault, or the SDK's own reason. */
function failureDetail(e: unknown, source: AwsCredentialSource, plan: Tried, signal: AbortSignal): string {
  if (e instanceof InputFileError) return e.message
  const what = `${source} credentials`
  const pe = toAwsError(e, { provider: 'aws', what, endpoint: plan.endpoint, signal, service: what })
  if (pe instanceof RunAborted) throw pe
  return pe.message.startsWith(`${what}: `) ? pe.message.slice(what.length + 2) : pe.message
}

async function trySource(d: SourceDeps, source: AwsCredentialSource, plan: Tried): Promise<Outcome> {
  const signal = callSignal(d.ctx.session)
  try {
    const identity = await bounded(plan.provider(), signal)
    registerSecret(identity.secretAccessKey)
    registerSecret(identity.sessionToken)
    return { attempt: { source, outcome: 'resolved', detail: describeSource(d.ctx, source) }, identity }
  } catch (e) {
    const detail = failureDetail(e, source, plan, signal)
    return { attempt: { source, ...(plan.reread?.(detail) ?? { outcome: 'failed', detail }) } }
  }
}

export interface CredentialChain {
  report(): Promise<AwsCredentialReport>
  /** What the clients sign with: the resolved source, asked again only near expiry. */
  provider(): Promise<AwsCredentialIdentityProvider | undefined>
}

export function credentialChain(deps: Omit<SourceDeps, 'providers'>): CredentialChain {
  let resolved: AwsCredentialIdentityProvider | undefined
  const report = once(async (): Promise<AwsCredentialReport> => {
    // Load the STS client now, in this check's time, so aws.identity's budget goes to the network call.
    void import('@aws-sdk/client-sts').catch(() => undefined)
    const d: SourceDeps = { ...deps, providers: await import('@aws-sdk/credential-providers') }
    const attempts: AwsCredentialAttempt[] = []
    for (const [source, plan] of CHAIN) {
      const p = await plan(d)
      if ('skip' in p) {
        attempts.push({ source, ...p.skip })
        continue
      }
      const { attempt, identity: c } = await trySource(d, source, p)
      attempts.push(attempt)
      if (!c) continue
      resolved = async () =>
        p.refreshable && c.expiration && c.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS
          ? p.provider()
          : c
      return {
        resolved: {
          source,
          accessKeyId: c.accessKeyId,
          temporary: isSet(c.sessionToken),
          expiresAt: c.expiration,
          refreshable: p.refreshable,
        },
        attempts,
      }
    }
    return { attempts }
  })
  return {
    report,
    provider: async () => {
      await report()
      return resolved
    },
  }
}
