// Google Secret Manager: Application Default Credentials resolved step by step (so a check can say which
// source won and why another failed), and the Secret Manager client in REST-fallback mode against the
// configured endpoint. Metadata only: checks get key names and states, never a payload.
//
// Credentials follow ADC's order — the doctor config's `credentialsFile`, GOOGLE_APPLICATION_CREDENTIALS, the
// gcloud ADC file, the metadata server — but a service-account key is exchanged at the key file's own
// `token_uri` (google-auth-library always posts to oauth2.googleapis.com), so the doctor never talks to a
// host the user did not name. The metadata server follows the libraries' switches: METADATA_SERVER_DETECTION,
// GCE_METADATA_HOST / GCE_METADATA_IP.
import { createSign } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type * as GoogleAuthLib from 'google-auth-library'
import type { OAuth2Client } from 'google-auth-library'
import type * as SecretManagerLib from '@google-cloud/secret-manager'
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import {
  defineProvider,
  memoByKey,
  once,
  ProviderError,
  type ProviderErrorKind,
  type ProviderSession as BaseSession,
  type ConfigWith,
} from '../../core/provider.js'
import { callSignal, callTimeoutMs } from '../../core/net.js'
import { gcpConfig, type GcpConfig } from './config.js'

type ProviderSession = BaseSession<ConfigWith<'gcp', GcpConfig>>
import { registerSecret } from '../../core/redact.js'

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'
const DEFAULT_ENDPOINT = 'https://secretmanager.googleapis.com'
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'

export type GcpCredentialSource =
  | 'service-account-key'
  | 'external-account'
  | 'authorized-user'
  | 'impersonated-service-account'
  | 'metadata-server'

export interface GcpCredentials {
  readonly source: GcpCredentialSource
  /** The credentials file used and where its path came from. */
  readonly file?: string
  readonly fileFrom?: 'config' | 'GOOGLE_APPLICATION_CREDENTIALS' | 'gcloud'
  /** The identity's email, when the source names one. */
  readonly principal?: string
  /** `serviceAccount:…` / `user:…`, for IAM commands. */
  readonly member?: string
  readonly project?: string
  readonly projectFrom?: 'config' | 'GOOGLE_CLOUD_PROJECT' | 'credentials' | 'metadata'
  readonly tokenUri?: string
  readonly keyId?: string
  readonly expiresAt?: string
  /** `namespace/name` of the pod's Kubernetes service account, when running in a pod (Workload Identity). */
  readonly kubernetesServiceAccount?: string
}

/** How a value in a JSON payload looks, never what it is. */
export type KeyState = 'set' | 'empty' | 'null' | 'non-string'

export interface GcpPayloadInfo {
  /** `projects/<number>/secrets/<id>/versions/<n>` as the API named it. */
  readonly name: string
  readonly version: string
  readonly bytes: number
  readonly format: 'json-object' | 'json-other' | 'text' | 'empty'
  /** For a JSON object payload: each key's state. */
  readonly keys?: Readonly<Record<string, KeyState>>
}

export interface GcpRotationInfo {
  readonly nextRotationTime?: string
  readonly rotationPeriodSeconds?: number
}

export interface GcpSecretInfo {
  readonly name: string
  readonly createTime?: string
  readonly expireTime?: string
  readonly rotation?: GcpRotationInfo
  readonly topics: readonly string[]
}

export interface GcpVersionInfo {
  readonly name: string
  readonly version: string
  readonly state: 'ENABLED' | 'DISABLED' | 'DESTROYED' | 'UNKNOWN'
  readonly createTime?: string
}

/** A configured secret as the API addresses it. */
export interface GcpSecretRef {
  readonly project: string
  readonly secret: string
  /** `latest` unless the config pinned one. */
  readonly version: string
  /** `projects/<p>/secrets/<s>` */
  readonly resource: string
}

export interface GcpApi {
  readonly endpoint: string
  /** Resolves credentials and obtains an access token (memoized). */
  credentials(): Promise<GcpCredentials>
  /** The configured secret `name` (short, or `projects/p/secrets/s[/versions/n]`) with the resolved project. */
  ref(name: string): Promise<GcpSecretRef>
  /** AccessSecretVersion on the configured version: payload shape and key states only (memoized). */
  access(name: string): Promise<GcpPayloadInfo>
  /** GetSecret: rotation, topics, expiry (memoized). Needs secretmanager.secrets.get (roles/secretmanager.viewer). */
  secret(name: string): Promise<GcpSecretInfo>
  /** GetSecretVersion on the configured version (memoized). Needs secretmanager.versions.get. */
  version(name: string): Promise<GcpVersionInfo>
  /** One unmemoized AccessSecretVersion, timed in ms (latency sampling). */
  timeAccess(name: string): Promise<number>
}

const SM = 'gcp'

// ---------------------------------------------------------------------------------------------------------
// Credentials

interface CredentialsFile {
  readonly type?: string
  readonly client_email?: string
  readonly private_key?: string
  readonly private_key_id?: string
  readonly project_id?: string
  readonly quota_project_id?: string
  readonly token_uri?: string
  readonly service_account_impersonation_url?: string
  readonly audience?: string
  readonly refresh_token?: string
  readonly client_secret?: string
  readonly [k: string]: unknown
}

interface Resolved {
  readonly info: GcpCredentials
  readonly accessToken: string
}

function findCredentialsFile(
  session: ProviderSession,
): { file: string; from: NonNullable<GcpCredentials['fileFrom']> } | undefined {
  const { config, env } = session
  if (config.gcp.credentialsFile && config.gcp.credentialsFile !== env.GOOGLE_APPLICATION_CREDENTIALS)
    return { file: config.gcp.credentialsFile, from: 'config' }
  if (env.GOOGLE_APPLICATION_CREDENTIALS)
    return { file: env.GOOGLE_APPLICATION_CREDENTIALS, from: 'GOOGLE_APPLICATION_CREDENTIALS' }
  const gcloudDir = env.CLOUDSDK_CONFIG || join(env.HOME || homedir(), '.config', 'gcloud')
  const adc = join(gcloudDir, 'application_default_credentials.json')
  return existsSync(adc) ? { file: adc, from: 'gcloud' } : undefined
}

function readCredentialsFile(file: string, from: string): CredentialsFile {
  let text: string
  try {
    if (!statSync(file).isFile()) throw new Error('not a file')
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new ProviderError(
      SM,
      'invalid',
      `credentials file ${file} (from ${from}) does not exist or cannot be read`,
      {
        reason: 'file-missing',
        file,
        from,
        error: (e as NodeJS.ErrnoException).code ?? (e as Error).message,
      },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ProviderError(SM, 'invalid', `credentials file ${file} (from ${from}) is not JSON`, {
      reason: 'file-invalid',
      file,
      from,
    })
  }
  if (!json || typeof json !== 'object' || typeof (json as CredentialsFile).type !== 'string')
    throw new ProviderError(SM, 'invalid', `credentials file ${file} (from ${from}) has no "type" field`, {
      reason: 'file-invalid',
      file,
      from,
    })
  const cred = json as CredentialsFile
  for (const k of ['private_key', 'refresh_token', 'client_secret'] as const) registerSecret(cred[k])
  return cred
}

function networkKind(e: unknown): ProviderErrorKind | undefined {
  if (!e || typeof e !== 'object') return undefined
  if ((e as Error).name === 'CallTimeout') return 'timeout'
  const err = e as { name?: string; code?: unknown; cause?: { code?: unknown; name?: string } }
  const code = String((typeof err.code === 'string' ? err.code : undefined) ?? err.cause?.code ?? '')
  if (
    err.name === 'AbortError' ||
    err.name === 'TimeoutError' ||
    code === 'ABORT_ERR' ||
    code === 'UND_ERR_ABORTED'
  )
    return 'timeout'
  if (err.cause?.name === 'AbortError' || err.cause?.name === 'TimeoutError') return 'timeout'
  if (code === 'ECONNREFUSED') return 'refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns'
  if (
    /^(ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(
      code,
    )
  )
    return 'unreachable'
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/.test(code)) return 'tls'
  return undefined
}

function networkError(e: unknown, what: string, url: string, session: ProviderSession): ProviderError {
  const kind = networkKind(e) ?? 'unreachable'
  const detail =
    kind === 'timeout'
      ? `no answer within ${callTimeoutMs(session.timeoutMs)} ms`
      : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)
  return new ProviderError(SM, kind, `${what} at ${url}: ${detail}`, { url, target: what })
}

/** fetch with the run's signal and per-call timeout, recording the server's Date header. */
async function timedFetch(
  session: ProviderSession,
  source: string,
  url: string,
  init: RequestInit,
): Promise<{ status: number; text: string; headers: Headers }> {
  const sent = new Date()
  let res: Response
  let text: string
  try {
    res = await fetch(url, { ...init, signal: callSignal(session), redirect: 'error' })
    text = await res.text()
  } catch (e) {
    throw networkError(e, source, url, session)
  }
  session.recorder.observeDate(source, res.headers.get('date'), sent, new Date())
  return { status: res.status, text, headers: res.headers }
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url')

/** RFC 7523 JWT-bearer exchange of a service-account key at the key file's own token_uri. */
async function exchangeServiceAccountKey(
  session: ProviderSession,
  cred: CredentialsFile,
): Promise<{ accessToken: string; expiresAt?: string }> {
  const tokenUri = cred.token_uri || DEFAULT_TOKEN_URI
  if (!cred.client_email || !cred.private_key)
    throw new ProviderError(SM, 'invalid', 'service-account key lacks client_email or private_key', {
      reason: 'file-invalid',
    })
  const iat = Math.floor(session.now().getTime() / 1000)
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: cred.private_key_id }))
  const claims = b64url(
    JSON.stringify({
      iss: cred.client_email,
      scope: CLOUD_PLATFORM_SCOPE,
      aud: tokenUri,
      iat,
      exp: iat + 3600,
    }),
  )
  let signature: string
  try {
    signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(cred.private_key, 'base64url')
  } catch {
    throw new ProviderError(SM, 'invalid', 'the private_key in the service-account key cannot sign', {
      reason: 'file-invalid',
    })
  }
  const assertion = `${header}.${claims}.${signature}`
  registerSecret(assertion)
  const sentAt = new Date()
  const r = await timedFetch(session, 'gcp oauth2', tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    }).toString(),
  })
  let body: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {}
  try {
    body = JSON.parse(r.text) as typeof body
  } catch {
    /* a non-JSON answer is classified by status below */
  }
  registerSecret(body.access_token)
  if (r.status === 200 && body.access_token)
    return {
      accessToken: body.access_token,
      expiresAt:
        typeof body.expires_in === 'number'
          ? new Date(session.now().getTime() + body.expires_in * 1000).toISOString()
          : undefined,
    }
  const description = body.error_description ?? `HTTP ${r.status}`
  if (/reasonable timeframe|iat and exp|clock/i.test(description)) {
    const serverDate = r.headers.get('date')
    if (serverDate)
      session.recorder.observeClock({
        source: 'gcp oauth2',
        serverTime: new Date(serverDate),
        localTime: sentAt,
        rejected: description,
      })
  }
  throw new ProviderError(
    SM,
    r.status >= 500 ? 'unavailable' : 'unauthenticated',
    `token endpoint ${tokenUri} refused the key of ${cred.client_email}: ${body.error ?? r.status}: ${description}`,
    {
      reason: 'token-rejected',
      status: r.status,
      error: body.error,
      description,
      tokenUri,
      principal: cred.client_email,
      keyId: cred.private_key_id,
    },
  )
}

function metadataBase(env: NodeJS.ProcessEnv): string {
  const host = env.GCE_METADATA_HOST || env.GCE_METADATA_IP || '169.254.169.254'
  return `http://${host}/computeMetadata/v1`
}

/** Whether to try the metadata server at all, per gcp-metadata's METADATA_SERVER_DETECTION switch. */
function metadataMayExist(env: NodeJS.ProcessEnv): boolean {
  const mode = (env.METADATA_SERVER_DETECTION ?? '').trim().toLowerCase()
  if (mode === 'none') return false
  if (mode === 'assume-present' || mode === 'ping-only') return true
  const bios = (() => {
    try {
      return /Google/.test(readFileSync('/sys/class/dmi/id/product_name', 'utf8'))
    } catch {
      return false
    }
  })()
  if (mode === 'bios-only') return bios
  // Off Google Cloud with no override there is nothing to ping: skipping it saves every other user a timeout.
  return bios || Boolean(env.GCE_METADATA_HOST || env.GCE_METADATA_IP)
}

async function metadataGet(session: ProviderSession, path: string) {
  return timedFetch(session, 'gcp metadata', `${metadataBase(session.env)}${path}`, {
    headers: { 'Metadata-Flavor': 'Google' },
  })
}

async function fromMetadata(session: ProviderSession): Promise<Resolved> {
  const emailRes = await metadataGet(session, '/instance/service-accounts/default/email')
  if (emailRes.headers.get('metadata-flavor') !== 'Google')
    throw new ProviderError(
      SM,
      'unexpected',
      `${metadataBase(session.env)} is not a metadata server (no Metadata-Flavor)`,
      {
        reason: 'metadata-invalid',
      },
    )
  if (emailRes.status !== 200)
    throw new ProviderError(
      SM,
      'unexpected',
      `metadata server has no default service account (HTTP ${emailRes.status})`,
      {
        reason: 'metadata-no-account',
        status: emailRes.status,
      },
    )
  const email = emailRes.text.trim()
  const kubernetesServiceAccount = podServiceAccount()
  const tokenRes = await metadataGet(
    session,
    `/instance/service-accounts/default/token?scopes=${encodeURIComponent(CLOUD_PLATFORM_SCOPE)}`,
  )
  let token: { access_token?: string; expires_in?: number } = {}
  try {
    token = JSON.parse(tokenRes.text) as typeof token
  } catch {
    /* text bodies are the GKE metadata server's refusals */
  }
  registerSecret(token.access_token)
  if (tokenRes.status !== 200 || !token.access_token)
    throw new ProviderError(
      SM,
      'denied',
      `metadata server refused a token for ${email}: HTTP ${tokenRes.status} ${tokenRes.text.trim().slice(0, 400)}`,
      {
        reason: 'metadata-token-denied',
        status: tokenRes.status,
        principal: email,
        body: tokenRes.text.trim().slice(0, 400),
        kubernetesServiceAccount,
      },
    )
  const project = (await metadataGet(session, '/project/project-id').catch(() => undefined))?.text.trim()
  const expiresAt =
    typeof token.expires_in === 'number'
      ? new Date(session.now().getTime() + token.expires_in * 1000).toISOString()
      : undefined
  return {
    accessToken: token.access_token,
    info: {
      source: 'metadata-server',
      principal: email,
      member: `serviceAccount:${email}`,
      project: project || undefined,
      projectFrom: project ? 'metadata' : undefined,
      expiresAt,
      ...(kubernetesServiceAccount ? { kubernetesServiceAccount } : {}),
    },
  }
}

const isProviderErrorLike = (e: unknown) => e instanceof ProviderError

const POD_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/** The KSA a pod runs as, from its token's `sub` (read, never verified), for the Workload Identity member. */
function podServiceAccount(): string | undefined {
  try {
    const token = readFileSync(POD_TOKEN, 'utf8').trim()
    registerSecret(token)
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: string
    }
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(claims.sub ?? '')
    return m ? `${m[1]}/${m[2]}` : undefined
  } catch {
    return undefined
  }
}

/** External-account, authorized-user and impersonation files: google-auth-library knows their flows. */
async function fromLibrary(
  session: ProviderSession,
  cred: CredentialsFile,
  source: GcpCredentialSource,
): Promise<string> {
  const { GoogleAuth } = await loadAuth()
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })
  const client = auth.fromJSON(cred as Parameters<typeof auth.fromJSON>[0])
  const signal = callSignal(session)
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener(
      'abort',
      () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
      {
        once: true,
      },
    ),
  )
  try {
    const r = await Promise.race([client.getAccessToken(), aborted])
    if (!r.token) throw new Error('no access token returned')
    registerSecret(r.token)
    return r.token
  } catch (e) {
    if (networkKind(e)) throw networkError(e, `gcp ${source}`, cred.token_uri ?? 'token endpoint', session)
    const status = (e as { status?: number; response?: { status?: number } }).response?.status
    throw new ProviderError(
      SM,
      'unauthenticated',
      `${source} credentials were refused: ${(e as Error).message}`,
      {
        reason: 'token-rejected',
        status,
        description: (e as Error).message.slice(0, 300),
      },
    )
  }
}

const emailFromImpersonation = (url?: string) =>
  /serviceAccounts\/([^/:]+):generateAccessToken/.exec(url ?? '')?.[1]

async function resolveCredentials(session: ProviderSession): Promise<Resolved> {
  const found = findCredentialsFile(session)
  let resolved: Resolved
  let fileProject: string | undefined
  if (found) {
    const cred = readCredentialsFile(found.file, found.from)
    fileProject = cred.project_id || cred.quota_project_id
    const base = { file: found.file, fileFrom: found.from }
    switch (cred.type) {
      case 'service_account': {
        const { accessToken, expiresAt } = await exchangeServiceAccountKey(session, cred)
        resolved = {
          accessToken,
          info: {
            expiresAt,
            ...base,
            source: 'service-account-key',
            principal: cred.client_email,
            member: `serviceAccount:${cred.client_email}`,
            tokenUri: cred.token_uri || DEFAULT_TOKEN_URI,
            keyId: cred.private_key_id,
          },
        }
        break
      }
      case 'external_account':
      case 'impersonated_service_account':
      case 'authorized_user': {
        const source: GcpCredentialSource =
          cred.type === 'external_account'
            ? 'external-account'
            : cred.type === 'authorized_user'
              ? 'authorized-user'
              : 'impersonated-service-account'
        const email = emailFromImpersonation(cred.service_account_impersonation_url)
        resolved = {
          accessToken: await fromLibrary(session, cred, source),
          info: {
            ...base,
            source,
            principal: email,
            member: email ? `serviceAccount:${email}` : undefined,
            tokenUri: cred.token_uri,
          },
        }
        break
      }
      default:
        throw new ProviderError(
          SM,
          'invalid',
          `credentials file ${found.file} has unsupported type "${cred.type}"`,
          {
            reason: 'file-invalid',
            file: found.file,
            from: found.from,
          },
        )
    }
  } else if (metadataMayExist(session.env)) {
    resolved = await fromMetadata(session)
  } else {
    throw new ProviderError(
      SM,
      'invalid',
      'no Application Default Credentials: no credentials file, no gcloud ADC file, and no metadata server',
      { reason: 'no-credentials', detection: session.env.METADATA_SERVER_DETECTION },
    )
  }
  const { config, env } = session
  const project = config.gcp.project
    ? { project: config.gcp.project, projectFrom: 'config' as const }
    : env.GOOGLE_CLOUD_PROJECT
      ? { project: env.GOOGLE_CLOUD_PROJECT, projectFrom: 'GOOGLE_CLOUD_PROJECT' as const }
      : fileProject
        ? { project: fileProject, projectFrom: 'credentials' as const }
        : { project: resolved.info.project, projectFrom: resolved.info.projectFrom }
  const info = { ...resolved.info, ...project }
  session.recorder.identity({
    provider: 'gcp',
    principal: info.principal ?? `(${info.source})`,
    source: info.source,
    ...(info.expiresAt ? { expiresAt: info.expiresAt } : {}),
    ...(info.project ? { project: info.project } : {}),
  })
  return { ...resolved, info }
}

// ---------------------------------------------------------------------------------------------------------
// Secret Manager

type AuthModule = typeof GoogleAuthLib
type SmModule = typeof SecretManagerLib
let authModule: Promise<AuthModule> | undefined
let smModule: Promise<SmModule> | undefined
// CJS packages: named exports may sit on `default` depending on how the loader interops.
const pick = <M>(m: M & { default?: unknown }, probe: string): M =>
  m.default && typeof m.default === 'object' && probe in m.default ? (m.default as M) : m
const loadAuth = () =>
  (authModule ??= import('google-auth-library').then((m) => pick<AuthModule>(m, 'OAuth2Client')))
const loadSm = () =>
  (smModule ??= import('@google-cloud/secret-manager').then((m) =>
    pick<SmModule>(m, 'SecretManagerServiceClient'),
  ))

const RPC_STATUS: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
}
const HTTP_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
}

interface RpcErrorBody {
  code?: number
  message?: string
  status?: string
  details?: { '@type'?: string; reason?: string; domain?: string; metadata?: Record<string, string> }[]
}

/** Turns a GaxiosError (REST fallback: code = HTTP status, message = JSON body) or GoogleError into facts. */
export function classifyApiError(
  e: unknown,
  resource: string,
  endpoint: string,
  session: ProviderSession,
): ProviderError {
  if (e instanceof ProviderError) return e
  const err = e as {
    code?: unknown
    status?: number
    message?: string
    reason?: string
    domain?: string
    errorInfoMetadata?: Record<string, string>
    response?: { status?: number }
  }
  let httpStatus =
    typeof err.code === 'number' && err.code >= 100 ? err.code : (err.status ?? err.response?.status)
  let body: RpcErrorBody | undefined
  try {
    body = (JSON.parse(err.message ?? '') as { error?: RpcErrorBody }).error
  } catch {
    /* not a JSON body */
  }
  let rpcStatus =
    body?.status ?? (typeof err.code === 'number' && err.code < 100 ? RPC_STATUS[err.code] : undefined)
  if (!httpStatus && !rpcStatus) {
    if (networkKind(e)) return networkError(e, 'gcp secretmanager', endpoint, session)
    return new ProviderError(
      SM,
      'unexpected',
      `Secret Manager call on ${resource} failed: ${err.message ?? String(e)}`,
      {
        resource,
      },
    )
  }
  httpStatus ??= rpcStatus ? HTTP_STATUS[rpcStatus] : undefined
  rpcStatus ??=
    httpStatus === 401
      ? 'UNAUTHENTICATED'
      : httpStatus === 403
        ? 'PERMISSION_DENIED'
        : httpStatus === 404
          ? 'NOT_FOUND'
          : undefined
  const info = body?.details?.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'))
  const message = body?.message ?? err.message ?? ''
  const versionState = /Secret Version \[([^\]]+)\/versions\/(\d+)\] is in (\w+) state/.exec(message)
  const kind: ProviderErrorKind =
    rpcStatus === 'UNAUTHENTICATED'
      ? 'unauthenticated'
      : rpcStatus === 'PERMISSION_DENIED'
        ? 'denied'
        : rpcStatus === 'NOT_FOUND'
          ? 'not-found'
          : rpcStatus === 'RESOURCE_EXHAUSTED' || httpStatus === 429
            ? 'throttled'
            : rpcStatus === 'FAILED_PRECONDITION' || rpcStatus === 'INVALID_ARGUMENT'
              ? 'invalid'
              : httpStatus && httpStatus >= 500
                ? 'unavailable'
                : 'unexpected'
  return new ProviderError(SM, kind, message || `HTTP ${httpStatus}`, {
    status: httpStatus,
    code: rpcStatus,
    reason: info?.reason ?? err.reason,
    domain: info?.domain ?? err.domain,
    permission: info?.metadata?.permission ?? err.errorInfoMetadata?.permission,
    service: info?.metadata?.service,
    resource,
    version: versionState?.[2],
    versionState: versionState?.[3],
  })
}

function parseEndpoint(raw: string): {
  apiEndpoint: string
  port: number
  protocol: 'http' | 'https'
  url: string
} {
  const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`)
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443
  return {
    apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    protocol,
    url: `${protocol}://${url.host}`,
  }
}

const toIso = (t: unknown): string | undefined => {
  if (!t) return undefined
  if (typeof t === 'string') return new Date(t).toISOString()
  const ts = t as { seconds?: unknown; nanos?: number }
  if (ts.seconds === undefined || ts.seconds === null) return undefined
  const ms = Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}
const toSeconds = (d: unknown): number | undefined => {
  if (!d) return undefined
  if (typeof d === 'string') return Number(d.replace(/s$/, ''))
  const s = Number((d as { seconds?: unknown }).seconds)
  return Number.isFinite(s) ? s : undefined
}
const STATES = ['UNKNOWN', 'ENABLED', 'DISABLED', 'DESTROYED'] as const

/** Payload → shape and key states; every value is registered with the redactor, then dropped. */
export function describePayload(
  data: Uint8Array | string | null | undefined,
): Omit<GcpPayloadInfo, 'name' | 'version'> {
  const text =
    typeof data === 'string'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data ?? []).toString('utf8')
  registerSecret(text)
  for (const line of text.split('\n')) registerSecret(line.replace(/^[^=]*=/, ''))
  const bytes = Buffer.byteLength(text)
  if (!text.trim()) return { bytes, format: 'empty' }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { bytes, format: 'text' }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { bytes, format: 'json-other' }
  const keys: Record<string, KeyState> = {}
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') registerSecret(String(v))
    keys[k] =
      v === null
        ? 'null'
        : typeof v === 'string'
          ? v.trim() === '' || v === '<no value>'
            ? 'empty'
            : 'set'
          : typeof v === 'object'
            ? 'non-string'
            : 'set'
  }
  return { bytes, format: 'json-object', keys }
}

export default defineProvider({
  id: 'gcp',
  title: 'Google Secret Manager',
  config: gcpConfig,
  configured: (config) => config.gcp.configured,
  notConfigured:
    'no Google Cloud here: add a gcp: section, GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_CLOUD_PROJECT',
  create(runSession): GcpApi {
    // callSignal gives each call less than the check's own --timeout; messages and gax quote that limit.
    const session = runSession
    const limitMs = callTimeoutMs(session.timeoutMs)
    const endpoint = parseEndpoint(session.config.gcp.endpoint || DEFAULT_ENDPOINT)
    // The Secret Manager SDK costs about a second to load and initialise: start it while the token exchange
    // runs, so that time is not charged to the first check that reads a secret.
    const creds = once(() => {
      loadSm().catch(() => {})
      const resolved = resolveCredentials(session)
      resolved.then(() => client().then((c) => c.initialize())).catch(() => {})
      return resolved
    })

    const client = once(async (): Promise<SecretManagerServiceClient> => {
      const { accessToken } = await creds()
      const [{ OAuth2Client }, { SecretManagerServiceClient }] = await Promise.all([loadAuth(), loadSm()])
      const authClient: OAuth2Client = new OAuth2Client()
      authClient.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_000_000 })
      // Every API call goes through this fetch: it adds the run's signal and per-call timeout (gax's own
      // `timeout` does not abort a black-holed REST call) and records the server's Date header.
      const baseFetch = authClient.fetch.bind(authClient) as (
        url: unknown,
        init?: Record<string, unknown>,
      ) => Promise<{
        headers?: { get?(n: string): string | null }
      }>
      authClient.fetch = (async (url: unknown, init: Record<string, unknown> = {}) => {
        const signals = [callSignal(session), init.signal].filter(
          (s): s is AbortSignal => s instanceof AbortSignal,
        )
        const sent = new Date()
        try {
          const res = await baseFetch(url, { ...init, signal: AbortSignal.any(signals) })
          session.recorder.observeDate('gcp secretmanager', res.headers?.get?.('date'), sent, new Date())
          return res
        } catch (e) {
          const h = (e as { response?: { headers?: { get?(n: string): string | null } } }).response?.headers
          session.recorder.observeDate('gcp secretmanager', h?.get?.('date'), sent, new Date())
          throw e
        }
      }) as typeof authClient.fetch
      return new SecretManagerServiceClient({
        fallback: true,
        apiEndpoint: endpoint.apiEndpoint,
        port: endpoint.port,
        protocol: endpoint.protocol,
        authClient,
      } as unknown as ConstructorParameters<typeof SecretManagerServiceClient>[0])
    })

    const ref = async (name: string): Promise<GcpSecretRef> => {
      const full = /^projects\/([^/]+)\/secrets\/([^/]+)(?:\/versions\/([^/]+))?$/.exec(name)
      if (full) {
        const [, project, secret, version] = full as unknown as [string, string, string, string?]
        return {
          project,
          secret,
          version: version ?? 'latest',
          resource: `projects/${project}/secrets/${secret}`,
        }
      }
      const { info } = await creds()
      if (!info.project)
        throw new ProviderError(
          SM,
          'invalid',
          `no project for secret "${name}": set gcp.project or GOOGLE_CLOUD_PROJECT, or use projects/<p>/secrets/<name>`,
          { reason: 'no-project' },
        )
      return {
        project: info.project,
        secret: name,
        version: 'latest',
        resource: `projects/${info.project}/secrets/${name}`,
      }
    }

    const call = async <T>(
      resource: string,
      fn: (c: SecretManagerServiceClient) => Promise<T>,
    ): Promise<T> => {
      // The call's time limit starts before the SDK is loaded, so a slow load cannot push a black-holed request
      // past the check's own --timeout; a load that alone eats the limit is not the endpoint's fault.
      const signal = callSignal(session)
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      )
      aborted.catch(() => {})
      let c: SecretManagerServiceClient
      try {
        c = await Promise.race([client(), aborted])
      } catch (e) {
        if (!signal.aborted || isProviderErrorLike(e)) throw e
        throw new ProviderError(
          SM,
          'unexpected',
          `the Secret Manager client did not load within ${limitMs} ms`,
        )
      }
      try {
        return await Promise.race([fn(c), aborted])
      } catch (e) {
        if (networkKind(e) || networkKind((e as { cause?: unknown }).cause))
          throw networkError(e, 'gcp secretmanager', endpoint.url, session)
        throw classifyApiError(e, resource, endpoint.url, session)
      }
    }
    const callOptions = () => ({ timeout: limitMs })

    const accessOnce = async (name: string): Promise<GcpPayloadInfo> => {
      const r = await ref(name)
      const versionName = `${r.resource}/versions/${r.version}`
      const [res] = await call(versionName, (c) =>
        c.accessSecretVersion({ name: versionName }, callOptions()),
      )
      const shape = describePayload(res.payload?.data as Uint8Array | string | undefined)
      const resolvedName = res.name ?? versionName
      return { name: resolvedName, version: resolvedName.split('/').pop() ?? r.version, ...shape }
    }

    return {
      endpoint: endpoint.url,
      credentials: async () => (await creds()).info,
      ref,
      access: memoByKey(accessOnce),
      secret: memoByKey(async (name) => {
        const r = await ref(name)
        const [s] = await call(r.resource, (c) => c.getSecret({ name: r.resource }, callOptions()))
        const rotation = s.rotation
          ? {
              nextRotationTime: toIso(s.rotation.nextRotationTime),
              rotationPeriodSeconds: toSeconds(s.rotation.rotationPeriod),
            }
          : undefined
        return {
          name: s.name ?? r.resource,
          createTime: toIso(s.createTime),
          expireTime: toIso(s.expireTime),
          rotation:
            rotation && (rotation.nextRotationTime || rotation.rotationPeriodSeconds) ? rotation : undefined,
          topics: (s.topics ?? []).map((t) => t.name ?? '').filter(Boolean),
        }
      }),
      version: memoByKey(async (name) => {
        const r = await ref(name)
        const versionName = `${r.resource}/versions/${r.version}`
        const [v] = await call(versionName, (c) => c.getSecretVersion({ name: versionName }, callOptions()))
        const state =
          typeof v.state === 'number' ? (STATES[v.state] ?? 'UNKNOWN') : String(v.state ?? 'UNKNOWN')
        const resolvedName = v.name ?? versionName
        return {
          name: resolvedName,
          version: resolvedName.split('/').pop() ?? r.version,
          state: (STATES as readonly string[]).includes(state)
            ? (state as GcpVersionInfo['state'])
            : 'UNKNOWN',
          createTime: toIso(v.createTime),
        }
      }),
      timeAccess: async (name) => {
        const start = performance.now()
        await accessOnce(name)
        return performance.now() - start
      },
    }
  },
})
