// Secret Manager v1 REST, the surface the Node client's REST fallback and gcloud use: GetSecret,
// GetSecretVersion, AccessSecretVersion. Wire formats follow research/wire-protocols.md §5 — google.rpc.Status
// error bodies with ErrorInfo details, RFC 3339 timestamps, "<seconds>s" durations, base64 payloads with a
// CRC32C — and the order in which the real API decides: authentication, project, API enabled, IAM (which
// hides whether the secret exists), then the secret, the version, and its state.
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson, type SimRequest } from '../server.js'
import {
  ACCESSOR,
  rfc3339,
  VIEWER,
  type GcpSimSecret,
  type GcpSimState,
  type GcpSimVersion,
} from './state.js'

const JSON_UTF8 = { 'content-type': 'application/json; charset=UTF-8' }
const UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'

/** CRC32C (Castagnoli) as the API serialises it: an int64 in a decimal string. */
export function crc32c(bytes: Uint8Array): string {
  let c = ~0 >>> 0
  for (const x of bytes) {
    c ^= x
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1))
  }
  return String(~c >>> 0)
}

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
    { ...JSON_UTF8, vary: 'Origin, X-Origin, Referer' },
  )
}

const errorInfo = (reason: string, domain: string, metadata: Record<string, string>) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain,
  metadata,
})

function denied(res: ServerResponse, permission: string, resource: string): void {
  rpcError(
    res,
    403,
    'PERMISSION_DENIED',
    `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`,
    [errorInfo('IAM_PERMISSION_DENIED', 'secretmanager.googleapis.com', { permission, resource })],
  )
}

function serviceDisabled(res: ServerResponse, projectNumber: string): void {
  rpcError(
    res,
    403,
    'PERMISSION_DENIED',
    `Secret Manager API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/secretmanager.googleapis.com/overview?project=${projectNumber} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    [
      errorInfo('SERVICE_DISABLED', 'googleapis.com', {
        service: 'secretmanager.googleapis.com',
        consumer: `projects/${projectNumber}`,
      }),
    ],
  )
}

interface Route {
  readonly project: string
  readonly secretId: string
  readonly version?: string
  readonly access: boolean
  readonly operation: 'AccessSecretVersion' | 'GetSecretVersion' | 'GetSecret'
  readonly permission: string
  readonly resource: string
}

function route(pathname: string): Route | undefined {
  const m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)(?:\/versions\/([^/:]+))?(:access)?$/.exec(pathname)
  if (!m) return undefined
  const [, project, secretId, version, access] = m as unknown as [string, string, string, string?, string?]
  const operation = access ? 'AccessSecretVersion' : version ? 'GetSecretVersion' : 'GetSecret'
  const permission = access
    ? 'secretmanager.versions.access'
    : version
      ? 'secretmanager.versions.get'
      : 'secretmanager.secrets.get'
  const resource = `projects/${project}/secrets/${secretId}${version ? `/versions/${version}` : ''}`
  return { project, secretId, version, access: !!access, operation, permission, resource }
}

function allowed(state: GcpSimState, principal: string, secret: GcpSimSecret | undefined, r: Route): boolean {
  const member = `serviceAccount:${principal}`
  const roles = [...(state.projectIam[member] ?? []), ...(secret?.iam[member] ?? [])]
  return roles.includes('roles/secretmanager.admin') || roles.includes(r.access ? ACCESSOR : VIEWER)
}

function secretJson(state: GcpSimState, id: string, s: GcpSimSecret): Record<string, unknown> {
  const rotation = s.rotation && {
    ...(s.rotation.nextRotationTime ? { nextRotationTime: s.rotation.nextRotationTime } : {}),
    ...(s.rotation.rotationPeriodSeconds ? { rotationPeriod: `${s.rotation.rotationPeriodSeconds}s` } : {}),
  }
  return {
    name: `projects/${state.projectNumber}/secrets/${id}`,
    replication: { automatic: {} },
    createTime: rfc3339(s.createTime),
    ...(s.labels ? { labels: s.labels } : {}),
    ...(s.topics ? { topics: s.topics.map((name) => ({ name })) } : {}),
    ...(s.expireTime ? { expireTime: rfc3339(s.expireTime) } : {}),
    etag: `"${randomBytes(7).toString('hex')}"`,
    ...(rotation ? { rotation } : {}),
  }
}

function versionJson(full: string, secretId: string, v: GcpSimVersion): Record<string, unknown> {
  return {
    name: `${full}/versions/${v.id}`,
    createTime: rfc3339(v.createTime),
    ...(v.state === 'DESTROYED' ? { destroyTime: rfc3339(v.createTime) } : {}),
    state: v.state,
    replicationStatus: { automatic: {} },
    etag: `"${v.id.toString(16)}${secretId.length.toString(16)}"`,
    clientSpecifiedPayloadChecksum: true,
  }
}

/** `latest` is the highest version number, whatever its state. */
const findVersion = (secret: GcpSimSecret, version: string) =>
  version === 'latest'
    ? secret.versions.reduce<GcpSimVersion | undefined>((a, b) => (!a || b.id > a.id ? b : a), undefined)
    : secret.versions.find((x) => String(x.id) === version)

function answerVersion(res: ServerResponse, full: string, secret: GcpSimSecret, r: Route): void {
  const v = findVersion(secret, r.version as string)
  if (!v)
    return r.version === 'latest'
      ? rpcError(res, 404, 'NOT_FOUND', `Secret [${full}] not found or has no versions.`)
      : rpcError(res, 404, 'NOT_FOUND', `Secret Version [${full}/versions/${r.version}] not found.`)
  if (!r.access) return sendJson(res, 200, versionJson(full, r.secretId, v), JSON_UTF8)
  if (v.state !== 'ENABLED')
    return rpcError(
      res,
      400,
      'FAILED_PRECONDITION',
      `Secret Version [${full}/versions/${v.id}] is in ${v.state} state.`,
    )
  const bytes = Buffer.from(v.data, 'utf8')
  sendJson(
    res,
    200,
    {
      name: `${full}/versions/${v.id}`,
      payload: { data: bytes.toString('base64'), dataCrc32c: crc32c(bytes) },
    },
    JSON_UTF8,
  )
}

export function handleSecretManager(state: GcpSimState, { req, res, url, log }: SimRequest): void {
  const r = route(url.pathname)
  if (!r || req.method !== 'GET') return rpcError(res, 404, 'NOT_FOUND', 'Method not found.')
  log.operation = r.operation
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  const principal = bearer ? state.tokens.get(bearer) : undefined
  if (!principal) return rpcError(res, 401, 'UNAUTHENTICATED', UNAUTHENTICATED)
  if (r.project !== state.projectId && r.project !== state.projectNumber)
    return denied(res, r.access ? 'secretmanager.versions.access' : 'secretmanager.secrets.get', r.resource)
  if (!state.apiEnabled) return serviceDisabled(res, state.projectNumber)
  const secret = state.secrets[r.secretId]
  // Without the permission the API cannot say whether the secret exists: "(or it may not exist)".
  if (!allowed(state, principal, secret, r)) return denied(res, r.permission, r.resource)
  const full = `projects/${state.projectNumber}/secrets/${r.secretId}`
  if (!secret)
    return rpcError(
      res,
      404,
      'NOT_FOUND',
      r.version ? `Secret [${full}] not found or has no versions.` : `Secret [${full}] not found.`,
    )
  if (!r.version) return sendJson(res, 200, secretJson(state, r.secretId, secret), JSON_UTF8)
  answerVersion(res, full, secret, r)
}
