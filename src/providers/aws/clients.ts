// The three SDK clients (STS, Secrets Manager, IAM), each at its own endpoint and with the answer guard, and
// the one way a call is made: bounded by the call's own limit, its failure turned into a ProviderError, and a
// signature refused for clock skew recorded as a clock observation.
import type { IAMClient } from '@aws-sdk/client-iam'
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { InputFileError, readInput } from '../../core/files.js'
import { bounded, callSignal, RunAborted } from '../../core/net.js'
import { once, ProviderError } from '../../core/provider.js'
import { guardAnswers } from './answer.js'
import type { AwsRegionInfo } from './api.js'
import { isSet, type AwsContext } from './context.js'
import { AWS_SERVICES, endpointFor, endpointOverride, type AwsService } from './endpoints.js'
import { skewFromSignatureMessage, toAwsError, type AwsCallTarget } from './errors.js'

interface SdkClient {
  readonly config: { systemClockOffset?: number }
  readonly middlewareStack: unknown
}

/** A client and the endpoint it calls (for the wording of its faults). */
export interface Made<C extends SdkClient> {
  readonly client: C
  readonly endpoint: string
  readonly service: AwsService
}

export interface ClientDeps {
  readonly region: () => Promise<AwsRegionInfo>
  /** The resolved credential source, or undefined when none resolved. */
  readonly credentials: () => Promise<AwsCredentialIdentityProvider | undefined>
}

export interface AwsClients {
  sts(): Promise<Made<STSClient>>
  /** STS without credentials, for AssumeRoleWithWebIdentity (the token is the credential). */
  anonymousSts(): Promise<Made<STSClient>>
  sm(): Promise<Made<SecretsManagerClient>>
  iam(): Promise<Made<IAMClient>>
  call<C extends SdkClient, T>(
    op: string,
    made: Made<C>,
    fn: (client: C, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T>
  /** The clock offset the last client used learnt from `Date` headers. */
  clockOffsetMs(): number | undefined
}

async function requireRegion(deps: ClientDeps): Promise<string> {
  const { region } = await deps.region()
  if (!region)
    throw new ProviderError('aws', 'invalid', 'Region is missing: set aws.region or AWS_REGION', {
      code: 'RegionMissing',
    })
  return region
}

async function requireCredentials(deps: ClientDeps): Promise<AwsCredentialIdentityProvider> {
  const provider = await deps.credentials()
  if (!provider)
    throw new ProviderError('aws', 'unauthenticated', 'no AWS credentials could be resolved', {
      code: 'CredentialsProviderError',
    })
  return provider
}

/**
 * The CA bundle the AWS SDKs and CLI trust besides the system's (AWS_CA_BUNDLE): the agent trusts it, so the
 * doctor does too — a TLS-inspecting proxy's CA is the usual content.
 */
async function caBundleHandler(ctx: AwsContext): Promise<object | undefined> {
  const path = ctx.env['AWS_CA_BUNDLE']
  if (!isSet(path)) return undefined
  let ca: string
  try {
    ca = await readInput(path, 'CA file')
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e
    throw new ProviderError('aws', 'invalid', `AWS_CA_BUNDLE: ${e.message}`, { code: 'CaBundle' })
  }
  const { Agent } = await import('node:https')
  return { httpsAgent: new Agent({ keepAlive: true, ca }) }
}

/** The options every client gets: region, retries, credentials, this service's endpoint override, the CA. */
async function clientOptions(
  ctx: AwsContext,
  deps: ClientDeps & { readonly requestHandler: () => Promise<object | undefined> },
  service: AwsService,
  anonymous = false,
) {
  // The web identity exchange falls back to us-east-1 as the SDK's own does; signed calls need the region.
  const region = anonymous ? ((await deps.region()).region ?? 'us-east-1') : await requireRegion(deps)
  const endpoint = endpointOverride(ctx, service)
  const requestHandler = await deps.requestHandler()
  return {
    region,
    ...(anonymous ? {} : { credentials: await requireCredentials(deps) }),
    ...(ctx.maxAttempts !== undefined ? { maxAttempts: ctx.maxAttempts } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(requestHandler ? { requestHandler } : {}),
  }
}

function made<C extends SdkClient>(
  ctx: AwsContext,
  client: C,
  service: AwsService,
  region: string | undefined,
): Made<C> {
  const endpoint = endpointFor(ctx, service, region)
  guardAnswers(ctx, client.middlewareStack, service, () => endpoint)
  return { client, endpoint, service }
}

/** A refusal that names a skewed signature becomes a clock observation and carries the skew. */
function recordSkew(ctx: AwsContext, pe: ProviderError, t: AwsCallTarget, sentAt: Date): ProviderError {
  const skew = pe.fault ? undefined : skewFromSignatureMessage(String(pe.facts['reason'] ?? ''))
  if (skew === undefined) return pe
  const localTime = new Date((sentAt.getTime() + Date.now()) / 2)
  ctx.session.recorder.observeClock({
    source: `aws ${t.what.split(':')[0]}`,
    serverTime: new Date(localTime.getTime() + skew),
    localTime,
    rejected: pe.message,
  })
  return new ProviderError('aws', 'unauthenticated', pe.message, { ...pe.facts, skewMs: skew })
}

export function createClients(ctx: AwsContext, clientDeps: ClientDeps): AwsClients {
  let lastClient: SdkClient | undefined
  const deps = { ...clientDeps, requestHandler: once(() => caBundleHandler(ctx)) }
  const region = async () => (await deps.region()).region

  const sts = once(async () => {
    const { STSClient } = await import('@aws-sdk/client-sts')
    return made(ctx, new STSClient(await clientOptions(ctx, deps, 'sts')), 'sts', await region())
  })
  const anonymousSts = once(async () => {
    const { STSClient } = await import('@aws-sdk/client-sts')
    return made(ctx, new STSClient(await clientOptions(ctx, deps, 'sts', true)), 'sts', await region())
  })
  const sm = once(async () => {
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager')
    const c = new SecretsManagerClient(await clientOptions(ctx, deps, 'secretsmanager'))
    return made(ctx, c, 'secretsmanager', await region())
  })
  const iam = once(async () => {
    const { IAMClient } = await import('@aws-sdk/client-iam')
    return made(ctx, new IAMClient(await clientOptions(ctx, deps, 'iam')), 'iam', await region())
  })

  const call = async <C extends SdkClient, T>(
    op: string,
    m: Made<C>,
    fn: (client: C, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const signal = callSignal(ctx.session)
    const t: AwsCallTarget = {
      provider: 'aws',
      what: `${m.service}:${op}`,
      endpoint: m.endpoint,
      signal,
      service: AWS_SERVICES[m.service].title,
    }
    const sentAt = new Date()
    try {
      return await bounded(fn(m.client, signal), signal)
    } catch (e) {
      const pe = toAwsError(e, t)
      throw pe instanceof RunAborted ? pe : recordSkew(ctx, pe, t, sentAt)
    } finally {
      lastClient = m.client
    }
  }

  return {
    sts,
    anonymousSts,
    sm,
    iam,
    call,
    clockOffsetMs: () => lastClient?.config.systemClockOffset,
  }
}
