// The sandbox's Key Vault: the 401 Bearer challenge for a request without a token, then
// `GET /secrets/<name>/[<version>]` with Unix-seconds attributes, and the real 401/403/404/429 bodies —
// RBAC vs access-policy inner codes, the firewall, a disabled secret (research/wire-protocols.md §6).
// Only tokens this sandbox's Entra signed are accepted.
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { JWTPayload } from 'jose'
import { sendJson, type SimRequest } from '../server.js'
import { AZURE_VAULT_RESOURCE, type AzureSimSecret, type AzureSimState } from './state.js'
import { claimsOf, signedBy, type SigningKey } from './tokens.js'

export interface VaultContext {
  readonly state: AzureSimState
  /** The key Entra signs access tokens with. */
  readonly entraKey: SigningKey
}

interface KvError {
  readonly status: number
  readonly code: string
  readonly message: string
  readonly inner?: string
}

function kvHeaders(state: AzureSimState): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': '1.9.2164.1',
    'x-ms-keyvault-region': state.location,
    'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
    'strict-transport-security': 'max-age=31536000;includeSubDomains',
  }
}

function sendKvError(
  res: ServerResponse,
  state: AzureSimState,
  e: KvError,
  headers: Record<string, string> = {},
) {
  const body = {
    error: { code: e.code, message: e.message, ...(e.inner ? { innererror: { code: e.inner } } : {}) },
  }
  sendJson(res, e.status, body, { ...kvHeaders(state), ...headers })
}

const unauthorized = (message: string): KvError => ({ status: 401, code: 'Unauthorized', message })
const vaultLabel = (s: AzureSimState) => `${s.vaultName};location=${s.location}`

/** The claims of a token Key Vault accepts, or why it does not. */
async function authenticate(
  ctx: VaultContext,
  token: string,
  now: Date,
): Promise<{ claims: JWTPayload } | { refused: KvError }> {
  const claims = claimsOf(token)
  const { tenantId } = ctx.state
  const refuse = (message: string) => ({ refused: unauthorized(message) })
  if (!claims || !(await signedBy(token, ctx.entraKey)))
    return refuse(
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${tenantId}/, found ${String(claims?.iss ?? 'none')}.`,
    )
  if (claims.aud !== AZURE_VAULT_RESOURCE)
    return refuse(
      `AKV10022: Invalid audience. Expected ${AZURE_VAULT_RESOURCE}, found: ${String(claims.aud)}.`,
    )
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime())
    return refuse('AKV10001: Token expired.')
  return { claims }
}

/** The 403 a caller without a grant gets: its wording depends on the vault's permission model. */
function notAuthorized(state: AzureSimState, caller: string, name: string): KvError {
  if (state.permissionModel === 'rbac')
    return {
      status: 403,
      code: 'Forbidden',
      message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/expanso-rg/providers/microsoft.keyvault/vaults/${state.vaultName}/secrets/${name}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${vaultLabel(state)}\r\n`,
      inner: 'ForbiddenByRbac',
    }
  return {
    status: 403,
    code: 'Forbidden',
    message: `The user, group or application '${caller}' does not have secrets get permission on key vault '${vaultLabel(state)}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    inner: 'AccessDenied',
  }
}

/** Why a GET of `name` (at `version`) by `oid` is refused, checked in the order the service checks. */
function refusal(
  state: AzureSimState,
  oid: string,
  caller: string,
  name: string,
  version: string,
): KvError | undefined {
  if (state.firewallClientAddress)
    return {
      status: 403,
      code: 'Forbidden',
      message: `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${state.firewallClientAddress}\r\nCaller: ${caller}\r\nVault: ${vaultLabel(state)}`,
      inner: 'ForbiddenByFirewall',
    }
  if (!state.grants.some((g) => g.objectId === oid && (!g.secrets || g.secrets.includes(name))))
    return notAuthorized(state, caller, name)
  const secret = state.secrets[name]
  if (!secret || (version && secret.version && version !== secret.version))
    return {
      status: 404,
      code: 'SecretNotFound',
      message: `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    }
  if (secret.enabled === false)
    return {
      status: 403,
      code: 'Forbidden',
      message: 'Operation get is not allowed on a disabled secret.',
      inner: 'SecretDisabled',
    }
  return undefined
}

const unix = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : undefined)

function secretBundle(state: AzureSimState, name: string, secret: AzureSimSecret, now: Date) {
  secret.version ??= randomUUID().replace(/-/g, '')
  const created = secret.createdOn ?? new Date(now.getTime() - 30 * 86_400_000)
  return {
    value: secret.value,
    ...(secret.contentType ? { contentType: secret.contentType } : {}),
    id: `https://${state.vaultName}.vault.azure.net/secrets/${name}/${secret.version}`,
    attributes: {
      enabled: true,
      ...(secret.notBefore ? { nbf: unix(secret.notBefore) } : {}),
      ...(secret.expiresOn ? { exp: unix(secret.expiresOn) } : {}),
      created: unix(created),
      updated: unix(secret.updatedOn ?? created),
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    },
    tags: secret.tags ?? {},
  }
}

function challenge(res: ServerResponse, state: AzureSimState): void {
  res.setHeader(
    'www-authenticate',
    `Bearer authorization="https://login.microsoftonline.com/${state.challengeTenantId ?? state.tenantId}", resource="${AZURE_VAULT_RESOURCE}"`,
  )
}

async function getSecret(ctx: VaultContext, r: SimRequest, claims: JWTPayload): Promise<void> {
  const { state } = ctx
  const m = /^\/secrets\/([^/]+)(?:\/([^/]*))?$/.exec(r.url.pathname)
  if (r.req.method !== 'GET' || !m) {
    r.log.operation = `${r.req.method} ${r.url.pathname}`
    const message = `The request method '${r.req.method}' is not supported by this sandbox.`
    return sendKvError(r.res, state, { status: 405, code: 'BadParameter', message })
  }
  // The SDK percent-encodes the key (`api%2Dversion`); URLSearchParams decodes it as the service does.
  if (!r.url.searchParams.get('api-version')) {
    const message = 'The request URI contains an invalid API version. (api-version is required)'
    return sendKvError(r.res, state, { status: 400, code: 'BadParameter', message })
  }
  const name = decodeURIComponent(m[1] ?? '')
  const version = decodeURIComponent(m[2] ?? '')
  r.log.operation = 'GetSecret'
  const oid = String(claims.oid)
  const caller = `appid=${String(claims.appid)};oid=${oid};iss=https://sts.windows.net/${state.tenantId}/`
  if (!state.firewallClientAddress && state.throttleNext && state.throttleNext > 0) {
    state.throttleNext -= 1
    const message =
      'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached'
    return sendKvError(r.res, state, { status: 429, code: 'Throttled', message }, { 'retry-after': '1' })
  }
  const refused = refusal(state, oid, caller, name, version)
  if (refused) return sendKvError(r.res, state, refused)
  sendJson(
    r.res,
    200,
    secretBundle(state, name, state.secrets[name] as AzureSimSecret, r.now),
    kvHeaders(state),
  )
}

export function vaultHandler(ctx: VaultContext): (r: SimRequest) => Promise<void> {
  return async (r) => {
    const auth = r.req.headers.authorization
    if (!auth) {
      r.log.operation = 'challenge'
      challenge(r.res, ctx.state)
      return sendKvError(
        r.res,
        ctx.state,
        unauthorized('AKV10000: Request is missing a Bearer or PoP token.'),
      )
    }
    const who = await authenticate(ctx, /^Bearer (.+)$/.exec(auth)?.[1] ?? '', r.now)
    if ('refused' in who) return sendKvError(r.res, ctx.state, who.refused)
    return getSecret(ctx, r, who.claims)
  }
}
