// Azure Key Vault over @azure/keyvault-secrets and @azure/identity, both loaded on first use.
// The API is metadata-only: checks learn which credential resolved and who it is, and each secret's
// attributes and whether its value is set — never the value, which is registered with the redactor the
// moment it is read. Loopback endpoints relax exactly what CONTRACT §3 allows: a loopback vault URL skips
// the challenge's resource check, a loopback authority host turns off instance discovery.
import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import type { TokenCredential } from '@azure/identity'
import type { SecretClient } from '@azure/keyvault-secrets'
import {
  defineProvider,
  ProviderError,
  memoByKey,
  once,
  type ProviderErrorKind,
  type ProviderSession as BaseSession,
  type ConfigWith,
} from '../../core/provider.js'
import { callTimeoutMs } from '../../core/net.js'
import { azureConfig, type AzureConfig } from './config.js'

type ProviderSession = BaseSession<ConfigWith<'azure', AzureConfig>>
import { registerSecret } from '../../core/redact.js'

export type AzureCredentialSource = 'workload-identity' | 'client-secret' | 'managed-identity'

export const AZURE_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com'
export const WORKLOAD_IDENTITY_VARS = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
] as const

/** What the doctor will authenticate with, decided from config and environment alone (no I/O). */
export interface AzureCredentialPlan {
  readonly source: AzureCredentialSource
  readonly clientId?: string
  readonly tenantId?: string
  readonly tokenFile?: string
  readonly authorityHost: string
  /** Workload-identity variables that are missing while others are set (a half-injected pod). */
  readonly missing: readonly string[]
}

/** The claims of the projected service-account token, never the token. */
export interface FederatedTokenInfo {
  readonly path: string
  readonly error?: string
  readonly issuer?: string
  readonly subject?: string
  readonly audience?: readonly string[]
  readonly issuedAt?: Date
  readonly expiresAt?: Date
}

export interface AzureTokenInfo {
  readonly source: AzureCredentialSource
  readonly clientId?: string
  readonly tenantId?: string
  readonly objectId?: string
  readonly appId?: string
  readonly expiresAt: Date
  readonly authorityHost: string
}

export interface AzureSecretInfo {
  readonly name: string
  readonly version?: string
  readonly enabled: boolean
  readonly expiresOn?: Date
  readonly notBefore?: Date
  readonly createdOn?: Date
  readonly updatedOn?: Date
  readonly contentType?: string
  /** `set` or `empty`: the only thing a check learns about the value. */
  readonly value: 'set' | 'empty'
  /** Top-level key names when the value is a JSON object. */
  readonly jsonKeys?: readonly string[]
}

export interface AzureApi {
  readonly vaultUrl?: string
  /** The vault's name: from a `*.vault.azure.net` URL, else learned from the vault's own answers. */
  vaultName(): string | undefined
  credentialPlan(): AzureCredentialPlan
  federatedToken(): Promise<FederatedTokenInfo | undefined>
  /** Acquires a Key Vault token (memoized) and returns who it names. */
  token(): Promise<AzureTokenInfo>
  /** GET the latest version of a secret (memoized per name). */
  secret(name: string): Promise<AzureSecretInfo>
  /** One fresh, unmemoized read of a secret; returns its wall time in ms. */
  timeSecretRead(name: string): Promise<number>
}

const isLoopbackHost = (host: string) =>
  /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i.test(host.replace(/:\d+$/, ''))

export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false
  try {
    return isLoopbackHost(new URL(url).hostname)
  } catch {
    return false
  }
}

export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1]
  if (!part) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return claims && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
const secondsToDate = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000) : undefined)

export function credentialPlan(session: ProviderSession): AzureCredentialPlan {
  const a = session.config.azure
  const authorityHost = (a.authorityHost || AZURE_PUBLIC_AUTHORITY).replace(/\/+$/, '')
  const wi = {
    AZURE_CLIENT_ID: a.clientId,
    AZURE_TENANT_ID: a.tenantId,
    AZURE_FEDERATED_TOKEN_FILE: a.federatedTokenFile,
  }
  const set = WORKLOAD_IDENTITY_VARS.filter((k) => wi[k])
  const base = { clientId: a.clientId, tenantId: a.tenantId, authorityHost }
  if (a.federatedTokenFile) {
    return {
      ...base,
      source: 'workload-identity',
      tokenFile: a.federatedTokenFile,
      missing: WORKLOAD_IDENTITY_VARS.filter((k) => !wi[k]),
    }
  }
  if (session.env.AZURE_CLIENT_SECRET && a.clientId && a.tenantId) {
    return { ...base, source: 'client-secret', missing: [] }
  }
  // A client id alone is how a user-assigned managed identity is chosen; a tenant id with it but no token
  // file is the half-injected workload-identity pod.
  const missing = set.length >= 2 ? WORKLOAD_IDENTITY_VARS.filter((k) => !wi[k]) : []
  return { ...base, source: 'managed-identity', missing }
}

/** Safe facts and a kind for any error the identity library or SecretClient throws. */
export function normalizeAzureError(e: unknown, what: string): ProviderError {
  if (e instanceof ProviderError) return e
  const err = e as {
    name?: string
    message?: string
    code?: string
    statusCode?: number
    errorResponse?: {
      error?: string
      errorDescription?: string
      errorCodes?: unknown[]
      correlationId?: string
    }
    details?: {
      error?: {
        code?: string
        message?: string
        innererror?: { code?: string }
        innerError?: { code?: string }
      }
    }
    response?: { headers?: { get(name: string): string | undefined } }
    cause?: unknown
  }
  const message = String(err?.message ?? e)
  // Network failures first: they hide inside identity errors as text, and inside RestError as `code`.
  const net = `${err?.code ?? ''} ${message} ${String((err?.cause as { code?: string })?.code ?? '')}`
  const netKind: [RegExp, ProviderErrorKind][] = [
    [/ECONNREFUSED/, 'refused'],
    [/ENOTFOUND|EAI_AGAIN/, 'dns'],
    [/ETIMEDOUT|AbortError|aborted|timed? ?out/i, 'timeout'],
    [/ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up/, 'unreachable'],
    [/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|certificate/i, 'tls'],
  ]
  const aadsts = /AADSTS(\d+)/.exec(err?.errorResponse?.errorDescription ?? message)?.[1]
  if (!aadsts && !err?.statusCode) {
    for (const [re, kind] of netKind)
      if (re.test(net))
        return new ProviderError('azure', kind, `${what}: ${firstLine(message)}`, { code: err?.code })
  }
  if (err?.name === 'CredentialUnavailableError' && !aadsts) {
    return new ProviderError('azure', 'unauthenticated', `${what}: ${firstLine(message)}`, {
      credentialUnavailable: 1,
    })
  }
  if (aadsts || err?.name === 'AuthenticationError' || err?.name === 'AggregateAuthenticationError') {
    const description = err?.errorResponse?.errorDescription ?? message
    return new ProviderError('azure', 'unauthenticated', `${what}: ${entraDescription(description)}`, {
      aadsts: aadsts ? `AADSTS${aadsts}` : undefined,
      error: err?.errorResponse?.error,
      status: err?.statusCode,
    })
  }
  const status = err?.statusCode
  const body = err?.details?.error
  const bodyMessage = body?.message ?? message
  const facts = {
    status,
    code: body?.code ?? err?.code,
    innerCode: body?.innerError?.code ?? body?.innererror?.code,
    requestId: err?.response?.headers?.get('x-ms-request-id'),
    callerObjectId: /oid=([0-9a-fA-F-]{8,})/.exec(bodyMessage)?.[1],
    callerAppId: /appid=([0-9a-fA-F-]{8,})/.exec(bodyMessage)?.[1],
    resource: /Resource: '([^']+)'/.exec(bodyMessage)?.[1],
    clientAddress: /Client address: ([^\s\\]+)/.exec(bodyMessage)?.[1],
    vault: /(?:Vault: |key vault ')([^;'\s]+);location=/.exec(bodyMessage)?.[1],
  }
  const kind: ProviderErrorKind =
    status === 401
      ? 'unauthenticated'
      : status === 403
        ? 'denied'
        : status === 404
          ? 'not-found'
          : status === 429
            ? 'throttled'
            : status && status >= 500
              ? 'unavailable'
              : 'unexpected'
  // The first line of a Key Vault message is the sentence an operator searches for; the rest names the caller.
  return new ProviderError('azure', kind, `${what}: ${firstLine(bodyMessage)}`, facts)
}

const firstLine = (s: string) => s.split(/\r?\n/)[0]?.trim() ?? s
/** The AADSTS sentence without the trace/correlation ids and timestamp Entra appends. */
const entraDescription = (s: string) =>
  firstLine(s.replace(/^.*?(AADSTS\d+:)/s, '$1').replace(/\s*Trace ID:.*$/s, ''))

const DEFAULT_RETRIES = 1

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new ProviderError('azure', 'timeout', 'request aborted (timeout)'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** GET `<authority>/<tenant>/v2.0/.well-known/openid-configuration` and classify what went wrong. */
async function probeAuthority(
  plan: AzureCredentialPlan,
  ca: string | undefined,
  signal: AbortSignal,
  what: string,
): Promise<ProviderError> {
  const url = `${plan.authorityHost}/${plan.tenantId ?? 'organizations'}/v2.0/.well-known/openid-configuration`
  const { request } = await import('node:https')
  return new Promise<ProviderError>((resolve) => {
    const req = request(url, { method: 'GET', signal, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: { error?: string; error_description?: string } = {}
        try {
          body = JSON.parse(text) as typeof body
        } catch {
          // Not Entra: a proxy page or another service on that host.
        }
        const aadsts = /AADSTS(\d+)/.exec(body.error_description ?? '')?.[1]
        resolve(
          new ProviderError(
            'azure',
            aadsts ? 'unauthenticated' : 'unexpected',
            `${what}: ${aadsts ? entraDescription(body.error_description ?? '') : `OpenID configuration answered HTTP ${res.statusCode}`}`,
            { aadsts: aadsts ? `AADSTS${aadsts}` : undefined, error: body.error, status: res.statusCode },
          ),
        )
      })
    })
    req.on('error', (e) => resolve(normalizeAzureError(e, what)))
    req.end()
  })
}

export function createAzureApi(session: ProviderSession): AzureApi {
  const cfg = session.config.azure
  const vaultUrl = cfg.vaultUrl?.replace(/\/+$/, '')
  const plan = credentialPlan(session)
  let learnedVaultName: string | undefined
  const fromUrl = (() => {
    if (!vaultUrl) return undefined
    try {
      const host = new URL(vaultUrl).hostname
      return isLoopbackHost(host) ? undefined : host.split('.')[0]
    } catch {
      return undefined
    }
  })()

  // Each network call gets the run's signal plus a limit a little under --timeout, so a black-holed endpoint
  // ends as this call's own timeout (a finding) rather than the runner's timeout of the whole check.
  const callLimitMs = callTimeoutMs(session.timeoutMs)
  const signal = () => AbortSignal.any([session.signal, AbortSignal.timeout(callLimitMs)])
  const timedOut = (sig: AbortSignal, what: string) =>
    new ProviderError('azure', 'timeout', `${what}: no answer within ${callLimitMs}ms`, {
      reason: sig.reason instanceof Error ? sig.reason.name : undefined,
    })

  const retries =
    session.config.azure.maxRetries ?? Number(session.env.EDGE_SECRETS_AZURE_MAX_RETRIES ?? DEFAULT_RETRIES)
  const pipelineOptions = once(async () => {
    // Node applies NODE_EXTRA_CA_CERTS at startup; reading it here too keeps the trust explicit for SDK
    // agents created with their own TLS options, and lets in-process runs (tests, demo) trust a sandbox CA.
    const extra = session.config.azure.caCert ?? session.env.NODE_EXTRA_CA_CERTS
    const ca = extra ? await readFile(extra, 'utf8').catch(() => undefined) : undefined
    const clock = (source: string) => ({
      name: `edge-secrets-clock-${source}`,
      sendRequest: async (
        request: never,
        next: (r: never) => Promise<{ headers: { get(n: string): string | undefined } }>,
      ) => {
        const sentAt = new Date()
        const response = await next(request)
        session.recorder.observeDate(source, response.headers.get('date'), sentAt, new Date())
        return response
      },
    })
    return {
      ca: ca ? { ca: [...rootCertificates, ca].join('\n') } : undefined,
      retryOptions: {
        maxRetries: Number.isFinite(retries) && retries >= 0 ? retries : DEFAULT_RETRIES,
        retryDelayInMs: 200,
        maxRetryDelayInMs: 1000,
      },
      clock,
    }
  })

  const credential = once(async (): Promise<TokenCredential> => {
    const identity = await import('@azure/identity')
    const p = await pipelineOptions()
    const common = {
      authorityHost: plan.authorityHost,
      disableInstanceDiscovery: isLoopbackUrl(plan.authorityHost),
      retryOptions: p.retryOptions,
      ...(p.ca ? { tlsOptions: p.ca } : {}),
      additionalPolicies: [{ policy: p.clock('azure entra') as never, position: 'perCall' as const }],
    }
    switch (plan.source) {
      case 'workload-identity':
        if (plan.missing.length > 0) {
          throw new ProviderError(
            'azure',
            'invalid',
            `workload identity is missing ${plan.missing.join(', ')}`,
          )
        }
        return new identity.WorkloadIdentityCredential({
          ...common,
          clientId: plan.clientId,
          tenantId: plan.tenantId,
          tokenFilePath: plan.tokenFile,
        })
      case 'client-secret':
        registerSecret(session.env.AZURE_CLIENT_SECRET)
        return new identity.ClientSecretCredential(
          plan.tenantId ?? '',
          plan.clientId ?? '',
          session.env.AZURE_CLIENT_SECRET ?? '',
          common,
        )
      case 'managed-identity':
        return new identity.ManagedIdentityCredential({
          ...common,
          ...(plan.clientId ? { clientId: plan.clientId } : {}),
        })
    }
  })

  const token = once(async (): Promise<AzureTokenInfo> => {
    // The limit starts before the SDK loads: loading @azure/identity can take a second on a busy node, and
    // the whole call must end inside the check's own --timeout to be reported as this call's finding.
    const callSig = signal()
    const what = `token from ${plan.authorityHost}`
    let access
    try {
      const cred = await raceSignal(credential(), callSig)
      // MSAL does not pass the abort signal to its own requests: race it, so a black hole costs one timeout.
      access = await raceSignal(
        cred.getToken('https://vault.azure.net/.default', { abortSignal: callSig, tenantId: plan.tenantId }),
        callSig,
      )
    } catch (e) {
      if (callSig.aborted && !session.signal.aborted) throw timedOut(callSig, what)
      // MSAL reports both an unreachable authority and an unknown tenant as `endpoints_resolution_error`;
      // asking the OpenID configuration ourselves tells the two apart and recovers the AADSTS code.
      if (
        /endpoints_resolution_error/.test(String((e as Error)?.message)) &&
        plan.source !== 'managed-identity'
      ) {
        throw await probeAuthority(plan, (await pipelineOptions()).ca?.ca, callSig, what)
      }
      throw normalizeAzureError(e, what)
    }
    if (!access) throw new ProviderError('azure', 'unauthenticated', `no token from ${plan.authorityHost}`)
    registerSecret(access.token)
    const claims = decodeJwtClaims(access.token) ?? {}
    return {
      source: plan.source,
      clientId: str(claims.appid) ?? str(claims.azp) ?? plan.clientId,
      tenantId: str(claims.tid) ?? plan.tenantId,
      objectId: str(claims.oid),
      appId: str(claims.appid) ?? str(claims.azp),
      expiresAt: new Date(access.expiresOnTimestamp),
      authorityHost: plan.authorityHost,
    }
  })

  const federatedToken = once(async (): Promise<FederatedTokenInfo | undefined> => {
    const path = plan.tokenFile
    if (!path) return undefined
    let text: string
    try {
      text = (await readFile(path, 'utf8')).trim()
    } catch (e) {
      return { path, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message }
    }
    if (!text) return { path, error: 'empty file' }
    registerSecret(text)
    const claims = decodeJwtClaims(text)
    if (!claims) return { path, error: 'not a JWT' }
    const aud = claims.aud
    return {
      path,
      issuer: str(claims.iss),
      subject: str(claims.sub),
      audience: Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [],
      issuedAt: secondsToDate(claims.iat),
      expiresAt: secondsToDate(claims.exp),
    }
  })

  const client = once(async (): Promise<SecretClient> => {
    if (!vaultUrl) throw new ProviderError('azure', 'invalid', 'no Key Vault URL configured (azure.vaultUrl)')
    const [{ SecretClient }, cred, p] = await Promise.all([
      import('@azure/keyvault-secrets'),
      credential(),
      pipelineOptions(),
    ])
    return new SecretClient(vaultUrl, cred, {
      disableChallengeResourceVerification: isLoopbackUrl(vaultUrl),
      retryOptions: p.retryOptions,
      ...(p.ca ? { tlsOptions: p.ca } : {}),
      additionalPolicies: [{ policy: p.clock('azure key vault') as never, position: 'perCall' }],
    })
  })

  const read = async (name: string) => {
    const sig = signal()
    try {
      const c = await raceSignal(client(), sig)
      const s = await c.getSecret(name, { abortSignal: sig })
      registerSecret(s.value)
      return s
    } catch (e) {
      if (sig.aborted && !session.signal.aborted) throw timedOut(sig, `secret ${name}`)
      const err = normalizeAzureError(e, `secret ${name}`)
      if (typeof err.facts.vault === 'string') learnedVaultName ??= err.facts.vault
      throw err
    }
  }

  const secret = memoByKey(async (name: string): Promise<AzureSecretInfo> => {
    const s = await read(name)
    const value = s.value ?? ''
    let jsonKeys: string[] | undefined
    try {
      const parsed: unknown = JSON.parse(value)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        jsonKeys = Object.keys(parsed)
        for (const v of Object.values(parsed)) if (typeof v === 'string') registerSecret(v)
      }
    } catch {
      // Not JSON: a plain value, the common case for Key Vault.
    }
    const props = s.properties
    if (props.vaultUrl && !isLoopbackUrl(props.vaultUrl))
      learnedVaultName ??= new URL(props.vaultUrl).hostname.split('.')[0]
    return {
      name,
      version: props.version,
      enabled: props.enabled !== false,
      expiresOn: props.expiresOn,
      notBefore: props.notBefore,
      createdOn: props.createdOn,
      updatedOn: props.updatedOn,
      contentType: props.contentType,
      value: value.trim() ? 'set' : 'empty',
      jsonKeys,
    }
  })

  return {
    vaultUrl,
    vaultName: () => fromUrl ?? learnedVaultName,
    credentialPlan: () => plan,
    federatedToken,
    token,
    secret,
    timeSecretRead: async (name) => {
      const started = performance.now()
      await read(name)
      return performance.now() - started
    },
  }
}

export default defineProvider({
  id: 'azure',
  title: 'Azure Key Vault',
  config: azureConfig,
  configured: (config) => config.azure.configured,
  notConfigured:
    'no Azure here: add an azure: section or the workload identity variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE)',
  create: createAzureApi,
})
