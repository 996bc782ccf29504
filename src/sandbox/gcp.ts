// Google Secret Manager simulator: the v1 REST surface the Node client's REST fallback uses, an OAuth 2.0
// token endpoint that verifies service-account JWT assertions (RFC 7523) the way oauth2.googleapis.com does,
// and a GCE/GKE metadata server. Wire formats follow research/wire-protocols.md §5: google.rpc.Status error
// bodies with ErrorInfo details, RFC 3339 timestamps, "<seconds>s" durations, base64 payloads with a CRC32C.
// Two loopback servers, because they are two hosts in real life: `api` (secretmanager.googleapis.com) and
// `auth` (the key file's token_uri and the metadata server), so one can be black-holed without the other.
import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import {
  sendJson,
  sendText,
  startLoopbackServer,
  type LoopbackServer,
  type RequestLogEntry,
  type SimRequest,
} from './server.js'

export const ACCESSOR = 'roles/secretmanager.secretAccessor'
export const VIEWER = 'roles/secretmanager.viewer'

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED'

export interface GcpSimVersion {
  readonly id: number
  state: VersionState
  createTime: string
  /** The payload; a canary in tests, which must never reach any output. */
  data: string
}

export interface GcpSimSecret {
  createTime: string
  labels?: Record<string, string>
  topics?: string[]
  rotation?: { nextRotationTime?: string; rotationPeriodSeconds?: number }
  expireTime?: string
  versions: GcpSimVersion[]
  /** member (`serviceAccount:x@p.iam.gserviceaccount.com`) → roles granted on this secret. */
  iam: Record<string, string[]>
}

export interface GcpSimServiceAccount {
  /** PEM public keys by key id; a deleted key is simply absent. */
  keys: Record<string, string>
  disabled?: boolean
}

export interface GcpSimState {
  projectId: string
  projectNumber: string
  apiEnabled: boolean
  /** Roles granted at the project level, by member. */
  projectIam: Record<string, string[]>
  secrets: Record<string, GcpSimSecret>
  serviceAccounts: Record<string, GcpSimServiceAccount>
  /** Seconds of clock difference the token endpoint tolerates on `iat`/`exp`. */
  tokenLeewaySeconds: number
  metadata: {
    /** The service account the metadata server hands out tokens for (the GSA, or the node's default SA). */
    email: string
    /** Set to the text the GKE metadata server answers when the Workload Identity binding is missing. */
    tokenDenied?: string
  }
  /** Access tokens issued, mapped to the principal they stand for. */
  readonly tokens: Map<string, string>
}

export interface GcpSimulator {
  readonly state: GcpSimState
  readonly api: LoopbackServer
  readonly auth: LoopbackServer
  /** The key file's `token_uri`. */
  readonly tokenUri: string
  /** For GCE_METADATA_HOST. */
  readonly metadataHost: string
  readonly requests: readonly (RequestLogEntry & { readonly server: string })[]
  close(): Promise<void>
}

export interface ServiceAccountKey {
  readonly type: 'service_account'
  readonly project_id: string
  readonly private_key_id: string
  readonly private_key: string
  readonly client_email: string
  readonly client_id: string
  readonly auth_uri: string
  readonly token_uri: string
  readonly universe_domain: string
}

/** A service-account key file as `gcloud iam service-accounts keys create` writes it, plus its public half. */
export function createServiceAccountKey(
  email: string,
  tokenUri: string,
): { readonly key: ServiceAccountKey; readonly keyId: string; readonly publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyId = randomBytes(20).toString('hex')
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    key: {
      type: 'service_account',
      project_id: email.split('@')[1]?.split('.')[0] ?? 'my-project',
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      universe_domain: 'googleapis.com',
    },
  }
}

export function defaultGcpState(overrides: Partial<GcpSimState> = {}): GcpSimState {
  return {
    projectId: 'my-project',
    projectNumber: '123456789012',
    apiEnabled: true,
    projectIam: {},
    secrets: {},
    serviceAccounts: {},
    tokenLeewaySeconds: 300,
    metadata: { email: 'expanso-edge@my-project.iam.gserviceaccount.com' },
    tokens: new Map(),
    ...overrides,
  }
}

/** CRC32C (Castagnoli) as the API serialises it: an int64 in a decimal string. */
export function crc32c(bytes: Uint8Array): string {
  let c = ~0 >>> 0
  for (const x of bytes) {
    c ^= x
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1))
  }
  return String(~c >>> 0)
}

const rfc3339 = (iso: string) => iso.replace(/\.(\d{3})Z$/, '.$1000Z')

function rpcError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  details?: readonly Record<string, unknown>[],
): void {
  sendJson(
    res,
    code,
    { error: { code, message, status, ...(details ? { details } : {}) } },
    { 'content-type': 'application/json; charset=UTF-8', vary: 'Origin, X-Origin, Referer' },
  )
}

const UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'

export async function startGcpSimulator(state: GcpSimState = defaultGcpState()): Promise<GcpSimulator> {
  const auth = await startLoopbackServer((r) => handleAuth(state, r, tokenUriOf(r)))
  const tokenUriOf = (r: SimRequest) => `http://127.0.0.1:${auth.port}${r.url.pathname}`
  const api = await startLoopbackServer((r) => handleApi(state, r))
  return {
    state,
    api,
    auth,
    tokenUri: `${auth.url}/token`,
    metadataHost: `127.0.0.1:${auth.port}`,
    get requests() {
      return [
        ...api.requests.map((e) => ({ ...e, server: 'gcp secretmanager' })),
        ...auth.requests.map((e) => ({ ...e, server: 'gcp auth' })),
      ]
    },
    close: async () => {
      await Promise.all([api.close(), auth.close()])
    },
  }
}

// ---- OAuth token endpoint and metadata server ----

function handleAuth(state: GcpSimState, r: SimRequest, audience: string): void {
  const { req, res, url, log } = r
  if (url.pathname.startsWith('/computeMetadata/')) return handleMetadata(state, r)
  if (url.pathname !== '/token') return sendText(res, 404, 'Not Found')
  log.operation = 'oauth2.token'
  if (req.method !== 'POST')
    return sendJson(res, 405, { error: 'invalid_request', error_description: 'POST only' })
  const form = new URLSearchParams(r.body)
  const tokenError = (description: string, error = 'invalid_grant', status = 400) =>
    sendJson(res, status, { error, error_description: description }, { 'cache-control': 'no-store' })
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    return tokenError('Invalid grant_type: ' + (form.get('grant_type') ?? ''), 'unsupported_grant_type')
  const parts = (form.get('assertion') ?? '').split('.')
  if (parts.length !== 3) return tokenError('Invalid JWT: Invalid JSON.', 'invalid_grant')
  let header: { kid?: string; alg?: string }
  let claims: { iss?: string; aud?: string; scope?: string; iat?: number; exp?: number }
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims
  } catch {
    return tokenError('Invalid JWT: Invalid JSON.')
  }
  const sa = claims.iss ? state.serviceAccounts[claims.iss] : undefined
  if (!sa) return tokenError('Invalid grant: account not found')
  if (sa.disabled) return tokenError('Invalid grant: account disabled')
  const pem = header.kid ? sa.keys[header.kid] : undefined
  const verifier = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`)
  if (
    !pem ||
    header.alg !== 'RS256' ||
    !verifier.verify(createPublicKey(pem), Buffer.from(parts[2]!, 'base64url'))
  )
    return tokenError('Invalid JWT Signature.')
  const now = Math.floor(r.now.getTime() / 1000)
  const leeway = state.tokenLeewaySeconds
  if (
    typeof claims.iat !== 'number' ||
    typeof claims.exp !== 'number' ||
    claims.iat > now + leeway ||
    claims.exp < now - leeway ||
    claims.exp - claims.iat > 3600
  )
    return tokenError(
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the assertion and use a clock with skew to account for clock skew between systems.',
    )
  if (claims.aud !== audience) return tokenError('Invalid JWT: Failed audience check.')
  if (!claims.scope) return tokenError('Invalid OAuth scope or ID token audience provided.', 'invalid_scope')
  const token = issueToken(state, claims.iss!)
  sendJson(
    res,
    200,
    { access_token: token, expires_in: 3599, token_type: 'Bearer' },
    { 'cache-control': 'no-store' },
  )
}

function issueToken(state: GcpSimState, principal: string): string {
  const token = `ya29.c.${randomBytes(48).toString('base64url')}`
  state.tokens.set(token, principal)
  return token
}

function handleMetadata(state: GcpSimState, r: SimRequest): void {
  const { req, res, url, log } = r
  const flavor = { 'metadata-flavor': 'Google' }
  log.operation = 'metadata' + url.pathname.replace('/computeMetadata/v1', '')
  if (req.headers['metadata-flavor'] !== 'Google')
    return sendText(res, 403, 'Missing required header "Metadata-Flavor": "Google"\n', flavor)
  const path = url.pathname.replace(/\/+$/, '')
  const sa = '/computeMetadata/v1/instance/service-accounts/default'
  if (path === '/computeMetadata/v1/instance') return sendText(res, 200, '', flavor)
  if (path === '/computeMetadata/v1/project/project-id') return sendText(res, 200, state.projectId, flavor)
  if (path === '/computeMetadata/v1/project/numeric-project-id')
    return sendText(res, 200, state.projectNumber, flavor)
  if (path === `${sa}/email`) return sendText(res, 200, state.metadata.email, flavor)
  if (path === `${sa}/token`) {
    if (state.metadata.tokenDenied) return sendText(res, 403, state.metadata.tokenDenied, flavor)
    return sendJson(
      res,
      200,
      { access_token: issueToken(state, state.metadata.email), expires_in: 3599, token_type: 'Bearer' },
      flavor,
    )
  }
  sendText(res, 404, 'Not Found', flavor)
}

// ---- Secret Manager v1 REST ----

function handleApi(state: GcpSimState, r: SimRequest): void {
  const { req, res, url, log } = r
  const m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(?:\/versions\/([^/:]+))?(:access)?$/.exec(
    url.pathname,
  )
  if (!m) return rpcError(res, 404, 'NOT_FOUND', `Method not found.`)
  const [, project, secretId, version, access] = m as unknown as [string, string, string, string?, string?]
  log.operation = access ? 'AccessSecretVersion' : version ? 'GetSecretVersion' : 'GetSecret'
  if (req.method !== 'GET') return rpcError(res, 404, 'NOT_FOUND', 'Method not found.')
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  const principal = bearer ? state.tokens.get(bearer) : undefined
  if (!principal) return rpcError(res, 401, 'UNAUTHENTICATED', UNAUTHENTICATED)
  if (project !== state.projectId && project !== state.projectNumber)
    return denied(
      res,
      access ? 'secretmanager.versions.access' : 'secretmanager.secrets.get',
      url.pathname.slice(4),
    )
  if (!state.apiEnabled)
    return rpcError(
      res,
      403,
      'PERMISSION_DENIED',
      `Secret Manager API has not been used in project ${state.projectNumber} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/secretmanager.googleapis.com/overview?project=${state.projectNumber} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: { service: 'secretmanager.googleapis.com', consumer: `projects/${state.projectNumber}` },
        },
      ],
    )
  const secret = state.secrets[secretId]
  const member = `serviceAccount:${principal}`
  const roles = [...(state.projectIam[member] ?? []), ...(secret?.iam[member] ?? [])]
  const permission = access
    ? 'secretmanager.versions.access'
    : version
      ? 'secretmanager.versions.get'
      : 'secretmanager.secrets.get'
  const allowed = access
    ? roles.includes(ACCESSOR) || roles.includes('roles/secretmanager.admin')
    : roles.includes(VIEWER) || roles.includes('roles/secretmanager.admin')
  const resource = `projects/${project}/secrets/${secretId}${version ? `/versions/${version}` : ''}`
  // Without the permission the API cannot say whether the secret exists: "(or it may not exist)".
  if (!allowed) return denied(res, permission, resource)
  const full = `projects/${state.projectNumber}/secrets/${secretId}`
  if (!secret) {
    return rpcError(
      res,
      404,
      'NOT_FOUND',
      version ? `Secret [${full}] not found or has no versions.` : `Secret [${full}] not found.`,
    )
  }
  if (!version) return sendJson(res, 200, secretJson(state, secretId, secret))
  const v =
    version === 'latest'
      ? secret.versions.reduce<GcpSimVersion | undefined>((a, b) => (!a || b.id > a.id ? b : a), undefined)
      : secret.versions.find((x) => String(x.id) === version)
  if (!v) {
    return version === 'latest'
      ? rpcError(res, 404, 'NOT_FOUND', `Secret [${full}] not found or has no versions.`)
      : rpcError(res, 404, 'NOT_FOUND', `Secret Version [${full}/versions/${version}] not found.`)
  }
  if (!access) {
    return sendJson(res, 200, {
      name: `${full}/versions/${v.id}`,
      createTime: rfc3339(v.createTime),
      ...(v.state === 'DESTROYED' ? { destroyTime: rfc3339(v.createTime) } : {}),
      state: v.state,
      replicationStatus: { automatic: {} },
      etag: `"${v.id.toString(16)}${secretId.length.toString(16)}"`,
      clientSpecifiedPayloadChecksum: true,
    })
  }
  if (v.state !== 'ENABLED')
    return rpcError(
      res,
      400,
      'FAILED_PRECONDITION',
      `Secret Version [${full}/versions/${v.id}] is in ${v.state} state.`,
    )
  const bytes = Buffer.from(v.data, 'utf8')
  sendJson(res, 200, {
    name: `${full}/versions/${v.id}`,
    payload: { data: bytes.toString('base64'), dataCrc32c: crc32c(bytes) },
  })
}

function denied(res: ServerResponse, permission: string, resource: string): void {
  rpcError(
    res,
    403,
    'PERMISSION_DENIED',
    `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'secretmanager.googleapis.com',
        metadata: { permission, resource },
      },
    ],
  )
}

function secretJson(state: GcpSimState, id: string, s: GcpSimSecret): Record<string, unknown> {
  return {
    name: `projects/${state.projectNumber}/secrets/${id}`,
    replication: { automatic: {} },
    createTime: rfc3339(s.createTime),
    ...(s.labels ? { labels: s.labels } : {}),
    ...(s.topics ? { topics: s.topics.map((name) => ({ name })) } : {}),
    ...(s.expireTime ? { expireTime: rfc3339(s.expireTime) } : {}),
    etag: `"${randomBytes(7).toString('hex')}"`,
    ...(s.rotation
      ? {
          rotation: {
            ...(s.rotation.nextRotationTime ? { nextRotationTime: s.rotation.nextRotationTime } : {}),
            ...(s.rotation.rotationPeriodSeconds
              ? { rotationPeriod: `${s.rotation.rotationPeriodSeconds}s` }
              : {}),
          },
        }
      : {}),
  }
}

// ---- The documentation's deployment, healthy ----

export const GCP_PROJECT = 'my-project'
export const GCP_SECRET = 'expanso-pipeline-credentials'
export const GCP_EMAIL = 'expanso-edge@my-project.iam.gserviceaccount.com'
export const GCP_KEYS = ['kafka_username', 'kafka_password', 'api_token'] as const
/** Planted values: tests prove none of them reaches any output. */
export const GCP_CANARIES = {
  kafkaPassword: 'gcp-canary-kafka-Qm3v9LxT',
  apiToken: 'gcp-canary-token-Hs72kWpa',
  oldPassword: 'gcp-canary-old-Zr5yBn0c',
} as const

const DAY_MS = 86_400_000

/** The documentation's Google example: one JSON secret with the three keys its jq program reads, rotated
 * every 30 days, the edge service account holding accessor and viewer on that secret only. */
export function healthyGcpState(now = new Date()): GcpSimState {
  const t = now.getTime()
  const at = (days: number) => new Date(t + days * DAY_MS).toISOString()
  return defaultGcpState({
    projectId: GCP_PROJECT,
    secrets: {
      [GCP_SECRET]: {
        createTime: at(-120),
        labels: { env: 'prod', app: 'expanso-edge' },
        topics: [`projects/${GCP_PROJECT}/topics/secret-rotation`],
        rotation: { nextRotationTime: at(20), rotationPeriodSeconds: 30 * 86400 },
        versions: [
          {
            id: 4,
            state: 'DISABLED',
            createTime: at(-40),
            data: JSON.stringify({
              kafka_username: 'edge-pipeline',
              kafka_password: GCP_CANARIES.oldPassword,
              api_token: GCP_CANARIES.apiToken,
            }),
          },
          {
            id: 5,
            state: 'ENABLED',
            createTime: at(-10),
            data: JSON.stringify({
              kafka_username: 'edge-pipeline',
              kafka_password: GCP_CANARIES.kafkaPassword,
              api_token: GCP_CANARIES.apiToken,
            }),
          },
        ],
        iam: { [`serviceAccount:${GCP_EMAIL}`]: [ACCESSOR, VIEWER] },
      },
    },
  })
}
