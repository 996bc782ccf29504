// AWS: credentials, STS identity, Secrets Manager metadata and IAM policy simulation. The only file that
// touches the AWS SDK, loaded with `import()` on first use. Credentials are resolved one source at a time,
// in the SDK's own chain order, so a failure names the source that failed instead of the chain's generic
// "Could not load credentials from any providers". Region and endpoints come from the SDK's own resolution
// (config, AWS_REGION, profile; AWS_ENDPOINT_URL[_<SERVICE>]). Secret values never leave this file: checks
// get key names and their states, and every value is registered with the redactor as it is read.
import type { IAMClient } from '@aws-sdk/client-iam'
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types'
import {
  defineProvider,
  memoByKey,
  once,
  ProviderError,
  type ProviderSession as BaseSession,
  type ConfigWith,
} from '../../core/provider.js'
import { callSignal } from '../../core/net.js'
import { awsConfig, type AwsConfig } from './config.js'

type ProviderSession = BaseSession<ConfigWith<'aws', AwsConfig>>
import type { ProviderErrorKind } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'

export type AwsCredentialSource = 'env' | 'profile' | 'web-identity' | 'container' | 'instance-metadata'

export interface AwsCredentialAttempt {
  readonly source: AwsCredentialSource
  /** `absent`: nothing configured for it; `disabled`: switched off (AWS_EC2_METADATA_DISABLED); `failed`: configured but broke. */
  readonly outcome: 'resolved' | 'absent' | 'disabled' | 'failed'
  readonly detail: string
}

export interface AwsCredentialReport {
  readonly resolved?: {
    readonly source: AwsCredentialSource
    /** The access key id is not secret; shown so operators can match it with IAM. */
    readonly accessKeyId: string
    /** Session credentials (ASIA…, with a token) rather than long-lived keys (AKIA…). */
    readonly temporary: boolean
    readonly expiresAt?: Date
    /** Whether the SDK fetches new credentials by itself when these expire. */
    readonly refreshable: boolean
  }
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

export type AwsKeyState = 'set' | 'empty' | 'null'

export interface AwsSecretValueMeta {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly versionId?: string
  readonly createdDate?: Date
  /** What SecretString holds: a JSON object (keys listed), other JSON, plain text, or a SecretBinary. */
  readonly payload: 'json-object' | 'json-other' | 'text' | 'binary'
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

export interface AwsApi {
  region(): Promise<AwsRegionInfo>
  /** Walks the chain source by source; never throws for "no credentials" — the attempts say why. */
  credentials(): Promise<AwsCredentialReport>
  callerIdentity(): Promise<AwsCallerIdentity>
  secretValue(id: string): Promise<AwsSecretValueMeta>
  describeSecret(id: string): Promise<AwsSecretDescription>
  simulate(
    policySourceArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<AwsSimulationResult[]>
  /** One fresh, unmemoized GetSecretValue (or GetCallerIdentity without an id); its wall time in ms. */
  timeRead(id?: string): Promise<number>
  /** The Secrets Manager endpoint in use (an override, or the regional default). */
  secretsEndpoint(): Promise<string | undefined>
  /** Server clock minus local clock as the SDK learnt it from `Date` headers (ms), once a call was made. */
  clockOffsetMs(): number | undefined
}

const SERVICE_ENV: Record<'sts' | 'secretsmanager' | 'iam', string> = {
  sts: 'AWS_ENDPOINT_URL_STS',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  iam: 'AWS_ENDPOINT_URL_IAM',
}

const AUTH_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'CredentialsProviderError',
])
const THROTTLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
])

interface SdkErrorShape {
  name?: string
  message?: string
  code?: string
  $metadata?: { httpStatusCode?: number; requestId?: string }
}

/** Keeps the AWS error code, HTTP status, request id and the principal a denial names; drops the rest. */
export function toProviderError(e: unknown, operation: string): ProviderError {
  if (e instanceof ProviderError) return e
  const err = (e ?? {}) as SdkErrorShape
  const name = err.name ?? 'Error'
  const message = err.message ?? String(e)
  const status = err.$metadata?.httpStatusCode
  const requestId = err.$metadata?.requestId
  const principal = /User: (arn:\S+) is not authorized/.exec(message)?.[1]
  const netCode = err.code ?? (/\b(E[A-Z]{3,}|EAI_AGAIN)\b/.exec(message)?.[1] as string | undefined)
  let kind: ProviderErrorKind = 'unexpected'
  if (name === 'AbortError' || name === 'TimeoutError' || netCode === 'ETIMEDOUT') kind = 'timeout'
  else if (netCode === 'ECONNREFUSED') kind = 'refused'
  else if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') kind = 'dns'
  else if (netCode && /^E[A-Z]+$/.test(netCode) && !status) kind = 'unreachable'
  else if (THROTTLE_CODES.has(name) || status === 429) kind = 'throttled'
  else if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'DecryptionFailure')
    kind = 'denied'
  else if (
    name === 'ResourceNotFoundException' ||
    name === 'NoSuchEntity' ||
    name === 'NoSuchEntityException'
  )
    kind = 'not-found'
  else if (AUTH_CODES.has(name)) kind = 'unauthenticated'
  else if (/Region is missing/i.test(message)) kind = 'invalid'
  else if (
    name === 'InvalidRequestException' ||
    name === 'InvalidParameterException' ||
    name === 'InvalidInputException'
  )
    kind = 'invalid'
  else if (status !== undefined && status >= 500) kind = 'unavailable'
  const text =
    kind === 'timeout' ? `${operation}: no answer in time (${message})` : `${operation}: ${name}: ${message}`
  return new ProviderError('aws', kind, text, {
    code: name === 'Error' ? netCode : name,
    status,
    requestId,
    principal,
    operation,
  })
}

/** `Signature expired: 20261127T234144Z is now earlier than …` → the skew it reveals, in ms (server − local). */
export function skewFromSignatureMessage(message: string): number | undefined {
  const stamp = (s: string) =>
    Date.UTC(
      +s.slice(0, 4),
      +s.slice(4, 6) - 1,
      +s.slice(6, 8),
      +s.slice(9, 11),
      +s.slice(11, 13),
      +s.slice(13, 15),
    )
  const expired =
    /Signature expired: (\d{8}T\d{6}Z) is now earlier than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) - /.exec(message)
  if (expired) return stamp(expired[2]!) - stamp(expired[1]!)
  const future =
    /Signature not yet current: (\d{8}T\d{6}Z) is still later than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) \+ /.exec(
      message,
    )
  if (future) return stamp(future[2]!) - stamp(future[1]!)
  return undefined
}

/** A JSON value's state, never the value. */
function keyState(v: unknown): AwsKeyState {
  if (v === null) return 'null'
  if (typeof v === 'string' && v.trim() === '') return 'empty'
  return 'set'
}

function registerDeep(v: unknown): void {
  if (typeof v === 'string') registerSecret(v)
  else if (Array.isArray(v)) v.forEach(registerDeep)
  else if (v && typeof v === 'object') Object.values(v).forEach(registerDeep)
  else if (typeof v === 'number') registerSecret(String(v))
}

const isSet = (v: string | undefined) => v !== undefined && v !== ''

function createAwsApi(session: ProviderSession): AwsApi {
  // The SDK warns on every run that its 2027 releases will need Node 22; on Node 20 edge hosts that is
  // noise in the doctor's stderr, not a finding. The user's own setting wins.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true'
  const env = session.env
  const cfg = session.config.aws
  const profile = cfg.profile ?? env['AWS_PROFILE']
  // callSignal leaves the check time (SDK loading included) to turn a timeout into its `unreachable` finding.
  const signalForCall = () => callSignal(session)
  const withSignal = <T>(p: Promise<T>): Promise<T> => {
    // Credential providers take no AbortSignal; race them against the call's own limit.
    const signal = signalForCall()
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }
  // Fewer retries than the SDK's 3: a doctor reports the first refusal (throttling, skew) rather than hide it.
  // AWS_MAX_ATTEMPTS, read by the SDK itself, restores the user's retry behaviour.
  const maxAttempts = isSet(env['AWS_MAX_ATTEMPTS']) ? undefined : 1

  const region = once(async (): Promise<AwsRegionInfo> => {
    if (cfg.region) {
      const fromEnv = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION']
      return { region: cfg.region, source: fromEnv === cfg.region ? 'env' : 'config' }
    }
    if (isSet(env['AWS_REGION'])) return { region: env['AWS_REGION'], source: 'env' }
    const { STSClient } = await import('@aws-sdk/client-sts')
    const probe = new STSClient({ profile, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
    try {
      const r = await probe.config.region()
      return r ? { region: r, source: 'profile' } : { source: 'none' }
    } catch {
      return { source: 'none' }
    } finally {
      probe.destroy()
    }
  })

  let resolvedProvider: AwsCredentialIdentityProvider | undefined

  const credentials = once(async (): Promise<AwsCredentialReport> => {
    // Load the STS client now, in this check's time, so aws.identity's budget goes to the network call.
    void import('@aws-sdk/client-sts').catch(() => undefined)
    const cp = await import('@aws-sdk/credential-providers')
    const attempts: AwsCredentialAttempt[] = []
    const { region: r } = await region()
    const stsEndpoint = cfg.endpoint || env[SERVICE_ENV.sts] || env['AWS_ENDPOINT_URL'] || undefined
    const tryProvider = async (
      source: AwsCredentialSource,
      provider: AwsCredentialIdentityProvider,
      refreshable: boolean,
    ): Promise<AwsCredentialReport | undefined> => {
      try {
        const c: AwsCredentialIdentity = await withSignal(provider())
        registerSecret(c.secretAccessKey)
        registerSecret(c.sessionToken)
        attempts.push({ source, outcome: 'resolved', detail: describeSource(source) })
        // The clients reuse what was just resolved, and ask the source again only near expiry.
        resolvedProvider = async () =>
          refreshable && c.expiration && c.expiration.getTime() - Date.now() < 300_000 ? provider() : c
        return {
          resolved: {
            source,
            accessKeyId: c.accessKeyId,
            temporary: isSet(c.sessionToken),
            expiresAt: c.expiration,
            refreshable,
          },
          attempts,
        }
      } catch (e) {
        const pe = toProviderError(e, `${source} credentials`)
        attempts.push({ source, outcome: 'failed', detail: pe.message.replace(/^[\w -]+credentials: /, '') })
        return undefined
      }
    }
    const describeSource = (s: AwsCredentialSource): string =>
      ({
        env: 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
        profile: `profile ${profile ?? 'default'} (${env['AWS_SHARED_CREDENTIALS_FILE'] ?? '~/.aws/credentials'}, ${env['AWS_CONFIG_FILE'] ?? '~/.aws/config'})`,
        'web-identity': `${env['AWS_ROLE_ARN']} with token ${env['AWS_WEB_IDENTITY_TOKEN_FILE']}`,
        container:
          env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ??
          `169.254.170.2${env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] ?? ''}`,
        'instance-metadata': 'EC2 instance metadata (IMDS)',
      })[s]

    // 1. Environment — the SDK skips it when AWS_PROFILE is set.
    const akid = env['AWS_ACCESS_KEY_ID']
    const secret = env['AWS_SECRET_ACCESS_KEY']
    if (isSet(env['AWS_PROFILE'])) {
      attempts.push({
        source: 'env',
        outcome: 'absent',
        detail: 'skipped: AWS_PROFILE is set, so the SDK does not read AWS_ACCESS_KEY_ID',
      })
    } else if (!isSet(akid) && !isSet(secret)) {
      attempts.push({
        source: 'env',
        outcome: 'absent',
        detail: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
      })
    } else if (!isSet(akid) || !isSet(secret)) {
      attempts.push({
        source: 'env',
        outcome: 'failed',
        detail: `${isSet(akid) ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is not set (the other one is)`,
      })
    } else {
      const done = await tryProvider('env', cp.fromEnv(), false)
      if (done) return done
    }

    // 2. Shared config/credentials files (also SSO and credential_process profiles).
    {
      const done = await tryProvider('profile', cp.fromIni({ profile }), true)
      if (done) return done
      const last = attempts[attempts.length - 1]!
      // An unnamed default profile that does not exist is "nothing configured"; a named one is a failure.
      if (
        !profile &&
        /Could not resolve credentials using profile|Profile default could not be found/i.test(last.detail)
      ) {
        attempts[attempts.length - 1] = {
          source: 'profile',
          outcome: 'absent',
          detail: 'no default profile in ~/.aws/credentials or ~/.aws/config',
        }
      }
    }

    // 3. Web identity (IRSA): AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, exchanged at STS.
    const roleArn = env['AWS_ROLE_ARN']
    const tokenFile = env['AWS_WEB_IDENTITY_TOKEN_FILE']
    if (!isSet(roleArn) && !isSet(tokenFile)) {
      attempts.push({
        source: 'web-identity',
        outcome: 'absent',
        detail: 'AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set',
      })
    } else if (!isSet(roleArn) || !isSet(tokenFile)) {
      attempts.push({
        source: 'web-identity',
        outcome: 'failed',
        detail: `${isSet(roleArn) ? 'AWS_WEB_IDENTITY_TOKEN_FILE' : 'AWS_ROLE_ARN'} is not set (the other one is)`,
      })
    } else {
      const done = await tryProvider(
        'web-identity',
        cp.fromTokenFile({
          clientConfig: {
            region: r ?? 'us-east-1',
            ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
            maxAttempts: 1,
          },
        }),
        true,
      )
      if (done) return done
    }

    // 4. Container credentials (ECS task role, EKS Pod Identity).
    if (
      !isSet(env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) &&
      !isSet(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'])
    ) {
      attempts.push({
        source: 'container',
        outcome: 'absent',
        detail: 'AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI are not set',
      })
    } else {
      const done = await tryProvider(
        'container',
        cp.fromContainerMetadata({ timeout: Math.min(session.timeoutMs, 2000), maxRetries: 0 }),
        true,
      )
      if (done) return done
    }

    // 5. Instance metadata, unless switched off the way the SDK's own chain honours it.
    const imdsOff = env['AWS_EC2_METADATA_DISABLED']
    if (isSet(imdsOff) && imdsOff!.toLowerCase() !== 'false') {
      attempts.push({
        source: 'instance-metadata',
        outcome: 'disabled',
        detail: 'AWS_EC2_METADATA_DISABLED is set',
      })
    } else {
      const done = await tryProvider(
        'instance-metadata',
        cp.fromInstanceMetadata({ timeout: Math.min(session.timeoutMs, 1000), maxRetries: 0 }),
        true,
      )
      if (done) return done
    }
    return { attempts }
  })

  const observeDates = (client: STSClient | SecretsManagerClient | IAMClient, source: string) => {
    // Below the deserializer, so the raw response (and its Date header) is seen for errors as well.
    ;(client.middlewareStack as unknown as MiddlewareStack<object, object>).add(
      (next) => async (args) => {
        const sentAt = new Date()
        const out = await next(args)
        const headers = (out.response as { headers?: Record<string, string> } | undefined)?.headers
        session.recorder.observeDate(source, headers?.['date'], sentAt, new Date())
        return out
      },
      { step: 'deserialize', priority: 'low', name: 'edgeSecretsObserveDate' },
    )
  }

  const baseConfig = async () => {
    const creds = await credentials()
    if (!creds.resolved || !resolvedProvider) {
      throw new ProviderError('aws', 'unauthenticated', 'no AWS credentials could be resolved', {
        code: 'CredentialsProviderError',
      })
    }
    const { region: r } = await region()
    if (!r)
      throw new ProviderError('aws', 'invalid', 'Region is missing: set aws.region or AWS_REGION', {
        code: 'RegionMissing',
      })
    return {
      region: r,
      credentials: resolvedProvider,
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    }
  }

  const sts = once(async () => {
    const { STSClient } = await import('@aws-sdk/client-sts')
    const c = new STSClient(await baseConfig())
    observeDates(c, 'aws sts')
    return c
  })
  const sm = once(async () => {
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager')
    const c = new SecretsManagerClient(await baseConfig())
    observeDates(c, 'aws secretsmanager')
    return c
  })
  const iam = once(async () => {
    const { IAMClient } = await import('@aws-sdk/client-iam')
    const c = new IAMClient(await baseConfig())
    observeDates(c, 'aws iam')
    return c
  })

  let lastClient: { config: { systemClockOffset?: number } } | undefined

  /** Runs one SDK call with the run's signal, turning failures into ProviderErrors (and noting clock refusals). */
  const call = async <T>(
    operation: string,
    client: { config: { systemClockOffset?: number } },
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const sentAt = new Date()
    try {
      return await fn(signalForCall())
    } catch (e) {
      const pe = toProviderError(e, operation)
      const skew = skewFromSignatureMessage(String((e as SdkErrorShape)?.message ?? ''))
      if (skew !== undefined) {
        const localTime = new Date((sentAt.getTime() + Date.now()) / 2)
        session.recorder.observeClock({
          source: `aws ${operation.split('.')[0]}`,
          serverTime: new Date(localTime.getTime() + skew),
          localTime,
          rejected: pe.message,
        })
        throw new ProviderError('aws', 'unauthenticated', pe.message, { ...pe.facts, skewMs: skew })
      }
      throw pe
    } finally {
      lastClient = client
    }
  }

  const callerIdentity = once(async (): Promise<AwsCallerIdentity> => {
    const client = await sts()
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
    const out = await call('sts.GetCallerIdentity', client, (abortSignal) =>
      client.send(new GetCallerIdentityCommand({}), { abortSignal }),
    )
    return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' }
  })

  const secretValue = memoByKey(async (id: string): Promise<AwsSecretValueMeta> => {
    const client = await sm()
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
    const out = await call('secretsmanager.GetSecretValue', client, (abortSignal) =>
      client.send(new GetSecretValueCommand({ SecretId: id }), { abortSignal }),
    )
    const base = {
      id,
      arn: out.ARN ?? '',
      name: out.Name ?? id,
      versionId: out.VersionId,
      createdDate: out.CreatedDate,
    }
    // The AWSCURRENT version's creation is when the value last changed (node.env-file-freshness uses it).
    if (out.CreatedDate)
      session.recorder.sourceChanged({ provider: 'aws', secret: id, changedAt: out.CreatedDate })
    if (out.SecretString === undefined) {
      if (out.SecretBinary) registerSecret(Buffer.from(out.SecretBinary).toString('base64'))
      return { ...base, payload: 'binary', keys: [] }
    }
    const text = out.SecretString
    registerSecret(text)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return { ...base, payload: 'text', keys: [] }
    }
    registerDeep(parsed)
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { ...base, payload: 'json-other', keys: [] }
    const keys = Object.entries(parsed as Record<string, unknown>).map(([name, v]) => ({
      name,
      state: keyState(v),
    }))
    return { ...base, payload: 'json-object', keys }
  })

  const describeSecret = memoByKey(async (id: string): Promise<AwsSecretDescription> => {
    const client = await sm()
    const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager')
    const out = await call('secretsmanager.DescribeSecret', client, (abortSignal) =>
      client.send(new DescribeSecretCommand({ SecretId: id }), { abortSignal }),
    )
    return {
      id,
      arn: out.ARN ?? '',
      name: out.Name ?? id,
      kmsKeyId: out.KmsKeyId,
      rotationEnabled: out.RotationEnabled === true,
      rotationDays: out.RotationRules?.AutomaticallyAfterDays,
      scheduleExpression: out.RotationRules?.ScheduleExpression,
      rotationLambdaArn: out.RotationLambdaARN,
      lastRotatedDate: out.LastRotatedDate,
      lastChangedDate: out.LastChangedDate,
      nextRotationDate: out.NextRotationDate,
      deletedDate: out.DeletedDate,
      createdDate: out.CreatedDate,
      versionStages: out.VersionIdsToStages ?? {},
    }
  })

  const simulate = async (
    policySourceArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ) => {
    const client = await iam()
    const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam')
    const out = await call('iam.SimulatePrincipalPolicy', client, (abortSignal) =>
      client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: policySourceArn,
          ActionNames: [...actions],
          ResourceArns: [...resources],
        }),
        { abortSignal },
      ),
    )
    return (out.EvaluationResults ?? []).map((r) => ({
      action: r.EvalActionName ?? '',
      resource: r.EvalResourceName ?? '*',
      decision: r.EvalDecision ?? 'implicitDeny',
    }))
  }

  const timeRead = async (id?: string) => {
    const started = performance.now()
    if (id) {
      const client = await sm()
      const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
      const out = await call('secretsmanager.GetSecretValue', client, (abortSignal) =>
        client.send(new GetSecretValueCommand({ SecretId: id }), { abortSignal }),
      )
      registerSecret(out.SecretString)
    } else {
      const client = await sts()
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
      await call('sts.GetCallerIdentity', client, (abortSignal) =>
        client.send(new GetCallerIdentityCommand({}), { abortSignal }),
      )
    }
    return performance.now() - started
  }

  const secretsEndpoint = async () => {
    const override = cfg.endpoint || env[SERVICE_ENV.secretsmanager] || env['AWS_ENDPOINT_URL']
    if (override) return override
    const { region: r } = await region()
    return r ? `https://secretsmanager.${r}.amazonaws.com` : undefined
  }

  return {
    region,
    credentials,
    callerIdentity,
    secretValue,
    describeSecret,
    simulate,
    timeRead,
    secretsEndpoint,
    clockOffsetMs: () => lastClient?.config.systemClockOffset,
  }
}

export default defineProvider({
  id: 'aws',
  title: 'AWS Secrets Manager',
  config: awsConfig,
  configured: (config) => config.aws.configured,
  notConfigured: 'no AWS here: add an aws: section or AWS credentials to the environment',
  create: createAwsApi,
})

// ---------- pure helpers the aws checks share (no SDK) ----------

export interface ParsedArn {
  readonly partition: string
  readonly service: string
  readonly region: string
  readonly account: string
  readonly resource: string
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([\w-]+):([\w-]+):([\w-]*):(\d{12}|aws)?:(.+)$/.exec(arn)
  if (!m) return undefined
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4] ?? '', resource: m[5]! }
}

/** The role name of an assumed-role session ARN or an IAM role ARN (paths dropped); undefined otherwise. */
export function roleNameOf(arn: string): string | undefined {
  const p = parseArn(arn)
  if (!p) return undefined
  if (p.service === 'sts' && p.resource.startsWith('assumed-role/')) return p.resource.split('/')[1]
  if (p.service === 'iam' && p.resource.startsWith('role/')) return p.resource.split('/').pop()
  return undefined
}

/** The session part of an assumed-role ARN (`i-0abc…` for an EC2 instance role). */
export const sessionNameOf = (arn: string): string | undefined =>
  parseArn(arn)?.resource.startsWith('assumed-role/')
    ? parseArn(arn)!.resource.split('/').slice(2).join('/')
    : undefined

/** What SimulatePrincipalPolicy takes for a caller: the IAM role behind a session, else the ARN itself. */
export function policySourceArnOf(callerArn: string): string | undefined {
  const p = parseArn(callerArn)
  if (!p) return undefined
  if (p.service === 'sts' && p.resource.startsWith('assumed-role/')) {
    return `arn:${p.partition}:iam::${p.account}:role/${p.resource.split('/')[1]}`
  }
  if (p.service === 'iam' && (p.resource.startsWith('user/') || p.resource.startsWith('role/')))
    return callerArn
  return undefined
}

/** An EC2 instance role: what a pod gets when its IRSA role did not reach it. */
export const looksLikeNodeRole = (callerArn: string): boolean =>
  /NodeInstanceRole|nodegroup|node-role|NodeRole/i.test(roleNameOf(callerArn) ?? '') ||
  /^i-[0-9a-f]{8,17}$/.test(sessionNameOf(callerArn) ?? '')

/** A policy resource for one secret: its name plus the random six-character suffix AWS appends. */
export function secretPolicyResource(id: string, region: string, account: string): string {
  const p = parseArn(id)
  if (p?.service === 'secretsmanager') return /-[A-Za-z0-9]{6}$/.test(id) ? id : `${id}-??????`
  return `arn:aws:secretsmanager:${region}:${account}:secret:${id}-??????`
}

/** The documentation's least-privilege policy (Best Practices 2), with the real secret ARNs filled in. */
export function leastPrivilegePolicy(resources: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: resources.length === 1 ? resources[0] : [...resources],
      },
    ],
  })
}

/** `aws iam put-role-policy …` with that policy, for the role in use. */
export function putPolicyCommand(roleName: string, resources: readonly string[]): string {
  return `aws iam put-role-policy --role-name ${roleName} --policy-name expanso-edge-secrets --policy-document '${leastPrivilegePolicy(resources)}'`
}

/** The region in an AWS endpoint host name (`secretsmanager.eu-west-1.amazonaws.com`, VPC endpoints too). */
export function endpointRegion(endpoint: string): string | undefined {
  try {
    const host = new URL(endpoint).hostname
    return /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
  } catch {
    return undefined
  }
}

/** A duration for humans: whole hours beyond a day, whole minutes beyond an hour (`45d`, `2h 5m`). */
export function roughDuration(ms: number, format: (ms: number) => string): string {
  const abs = Math.abs(ms)
  const unit = abs >= 86_400_000 ? 3_600_000 : abs >= 3_600_000 ? 60_000 : 1000
  return format(Math.round(ms / unit) * unit)
}
