// A loopback Azure Key Vault and Microsoft Entra token endpoint, faithful to research/wire-protocols.md §6:
// Key Vault answers an unauthenticated request with the 401 Bearer challenge, then serves
// `GET /secrets/<name>/[<version>]` with Unix-seconds attributes and the real 401/403/404 bodies (RBAC vs
// access-policy inner error codes, firewall, disabled secret). Entra serves the OpenID configuration and the
// client-credentials token endpoint the workload-identity flow uses, validating the federated assertion
// against the identity's federated credentials exactly (issuer, subject, audience — case-sensitive) and
// answering with AADSTS errors when it does not match. Both run HTTPS on 127.0.0.1 with one sandbox CA.
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { createCA, issueCertificate, type CertificateAuthority, type LeafCertificate } from './tls.js'
import {
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
  type RequestLogEntry,
  type ServerKnobs,
  type SimRequest,
} from './server.js'

export interface AzureSimSecret {
  value: string
  enabled?: boolean
  expiresOn?: Date
  notBefore?: Date
  createdOn?: Date
  updatedOn?: Date
  contentType?: string
  /** 32 hex chars, as Key Vault makes them; generated when absent. */
  version?: string
  tags?: Record<string, string>
}

export interface AzureSimFederatedCredential {
  issuer: string
  subject: string
  audience?: string
}

/** A user-assigned managed identity or app registration that can sign in. */
export interface AzureSimIdentity {
  clientId: string
  objectId: string
  federatedCredentials?: AzureSimFederatedCredential[]
  clientSecret?: string
}

export interface AzureSimState {
  tenantId: string
  /** The vault's name: ids in responses read `https://<vaultName>.vault.azure.net/secrets/…`. */
  vaultName: string
  location: string
  /** `enableRbacAuthorization`: decides the 403 body a missing grant gets. */
  permissionModel: 'rbac' | 'access-policy'
  identities: AzureSimIdentity[]
  /** Who may `get` secrets: an object id, vault-wide or for the listed secrets only. */
  grants: { objectId: string; secrets?: string[] }[]
  secrets: Record<string, AzureSimSecret>
  /** When set, the vault firewall refuses every caller: 403 ForbiddenByFirewall naming this address. */
  firewallClientAddress?: string
  /** Access token lifetime, seconds. */
  tokenLifetimeSeconds: number
  /** The tenant the vault's 401 challenge names; a vault of another tenant than the identity's. */
  challengeTenantId?: string
  /** Answer this many Key Vault secret reads with 429 Throttled before serving again. */
  throttleNext?: number
}

export interface AzureSimulator {
  readonly state: AzureSimState
  readonly vaultUrl: string
  /** `AZURE_AUTHORITY_HOST` for the identity library. */
  readonly authorityHost: string
  readonly ca: CertificateAuthority
  readonly vault: LoopbackServer
  readonly login: LoopbackServer
  requestLog(): (RequestLogEntry & { readonly server: string })[]
  close(): Promise<void>
}

export interface AzureSimOptions {
  readonly ca?: CertificateAuthority
  readonly vaultKnobs?: Partial<ServerKnobs>
  readonly loginKnobs?: Partial<ServerKnobs>
}

export const AZURE_VAULT_RESOURCE = 'https://vault.azure.net'
const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export function defaultAzureState(overrides: Partial<AzureSimState> = {}): AzureSimState {
  return {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    vaultName: 'expanso-secrets',
    location: 'westeurope',
    permissionModel: 'rbac',
    identities: [],
    grants: [],
    secrets: {},
    tokenLifetimeSeconds: 3599,
    ...overrides,
  }
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** An unsigned JWT-shaped token; the simulators and the doctor only ever read its claims. */
export function makeJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'sandbox' })}.${b64url(claims)}.${Buffer.from(randomUUID()).toString('base64url')}`
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1]
  if (!part) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** A Kubernetes projected service-account token as the workload-identity webhook mounts it. */
export function projectedServiceAccountToken(opts: {
  issuer: string
  namespace: string
  serviceAccount: string
  audience?: string
  issuedAt?: Date
  lifetimeSeconds?: number
}): string {
  const iat = Math.floor((opts.issuedAt ?? new Date()).getTime() / 1000)
  return makeJwt({
    aud: [opts.audience ?? TOKEN_EXCHANGE_AUDIENCE],
    iss: opts.issuer,
    sub: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
    iat,
    nbf: iat,
    exp: iat + (opts.lifetimeSeconds ?? 3600),
    'kubernetes.io': { namespace: opts.namespace, serviceaccount: { name: opts.serviceAccount } },
  })
}

// Key generation is synchronous and slow: one loopback certificate per CA serves every simulator started
// with it, so a test file that starts many does not stall its own event loop (and its simulators).
const leaves = new WeakMap<CertificateAuthority, LeafCertificate>()

const unix = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : undefined)
const entraTimestamp = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')

export async function startAzureSimulator(
  initial: Partial<AzureSimState> = {},
  options: AzureSimOptions = {},
): Promise<AzureSimulator> {
  const state = defaultAzureState(initial)
  const ca = options.ca ?? createCA('edge-secrets azure sandbox CA')
  let tls = leaves.get(ca)
  if (!tls) leaves.set(ca, (tls = issueCertificate(ca)))
  /** Tokens this Entra issued: Key Vault accepts no others (a token from elsewhere has the wrong issuer). */
  const issued = new Set<string>()
  const entraError = (
    res: ServerResponse,
    status: number,
    error: string,
    code: number,
    description: string,
    now: Date,
  ) => {
    const trace = randomUUID()
    const correlation = randomUUID()
    const timestamp = entraTimestamp(now)
    sendJson(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `${login.url}/error?code=${code}`,
    })
  }

  const tenantNotFound = (res: ServerResponse, tenant: string, now: Date) =>
    entraError(
      res,
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      now,
    )

  const loginHandler = ({ req, res, url, body, log, now }: SimRequest) => {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
      url.pathname,
    )
    if (!m)
      return entraError(res, 404, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', now)
    const [, tenant = '', what] = m
    if (tenant !== state.tenantId) return tenantNotFound(res, tenant, now)
    const base = `${login.url}/${tenant}`
    if (what?.startsWith('v2.0')) {
      log.operation = 'openid-configuration'
      return sendJson(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      })
    }
    log.operation = 'token'
    if (req.method !== 'POST') {
      return entraError(res, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', now)
    }
    const form = new URLSearchParams(body)
    const clientId = form.get('client_id') ?? ''
    const identity = state.identities.find((i) => i.clientId === clientId)
    if (!identity) {
      return entraError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        now,
      )
    }
    const assertion = form.get('client_assertion')
    if (assertion) {
      const claims = jwtClaims(assertion)
      if (!claims)
        return entraError(res, 400, 'invalid_client', 50027, 'JWT token is invalid or malformed.', now)
      const exp = typeof claims.exp === 'number' ? claims.exp : 0
      const nbf = typeof claims.nbf === 'number' ? claims.nbf : (claims.iat as number | undefined)
      if (exp * 1000 <= now.getTime()) {
        const iso = (s: number | undefined) =>
          s ? new Date(s * 1000).toISOString().replace('Z', '0000Z') : ''
        return entraError(
          res,
          401,
          'invalid_client',
          700024,
          `Client assertion is not within its valid time range. Current time: ${now.toISOString().replace('Z', '0000Z')}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}.`,
          now,
        )
      }
      const iss = String(claims.iss ?? '')
      const sub = String(claims.sub ?? '')
      const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud ?? '')]
      const fics = identity.federatedCredentials ?? []
      const sameIssuer = fics.filter((f) => f.issuer === iss)
      if (sameIssuer.length === 0) {
        return entraError(
          res,
          401,
          'invalid_client',
          700211,
          `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
          now,
        )
      }
      const match = sameIssuer.find(
        (f) => f.subject === sub && aud.includes(f.audience ?? TOKEN_EXCHANGE_AUDIENCE),
      )
      if (!match) {
        return entraError(
          res,
          401,
          'invalid_client',
          70021,
          `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud.join(',')}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
          now,
        )
      }
    } else if (form.has('client_secret')) {
      if (!identity.clientSecret || identity.clientSecret !== form.get('client_secret')) {
        return entraError(
          res,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
          now,
        )
      }
    } else {
      return entraError(
        res,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        now,
      )
    }
    const iat = Math.floor(now.getTime() / 1000)
    const token = makeJwt({
      aud: AZURE_VAULT_RESOURCE,
      iss: `https://sts.windows.net/${tenant}/`,
      iat,
      nbf: iat,
      exp: iat + state.tokenLifetimeSeconds,
      appid: identity.clientId,
      appidacr: '2',
      idtyp: 'app',
      oid: identity.objectId,
      sub: identity.objectId,
      tid: tenant,
      ver: '1.0',
    })
    issued.add(token)
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: state.tokenLifetimeSeconds,
      ext_expires_in: state.tokenLifetimeSeconds,
      access_token: token,
    })
  }

  const kvHeaders = () => ({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': '1.9.2164.1',
    'x-ms-keyvault-region': state.location,
    'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
    'strict-transport-security': 'max-age=31536000;includeSubDomains',
  })
  const kvError = (res: ServerResponse, status: number, code: string, message: string, inner?: string) =>
    sendJson(
      res,
      status,
      { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } },
      kvHeaders(),
    )
  const vaultLabel = () => `${state.vaultName};location=${state.location}`
  const publicVaultUrl = () => `https://${state.vaultName}.vault.azure.net`

  const vaultHandler = ({ req, res, url, now, log }: SimRequest) => {
    const auth = req.headers.authorization
    if (!auth) {
      log.operation = 'challenge'
      return kvError(
        res,
        401,
        'Unauthorized',
        'AKV10000: Request is missing a Bearer or PoP token.',
        undefined,
      )
    }
    const token = /^Bearer (.+)$/.exec(auth)?.[1] ?? ''
    const claims = jwtClaims(token)
    if (!claims || !issued.has(token)) {
      return kvError(
        res,
        401,
        'Unauthorized',
        `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${state.tenantId}/, found ${String(claims?.iss ?? 'none')}.`,
      )
    }
    if (claims.aud !== AZURE_VAULT_RESOURCE) {
      return kvError(
        res,
        401,
        'Unauthorized',
        `AKV10022: Invalid audience. Expected ${AZURE_VAULT_RESOURCE}, found: ${String(claims.aud)}.`,
      )
    }
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime()) {
      return kvError(res, 401, 'Unauthorized', 'AKV10001: Token expired.')
    }
    const oid = String(claims.oid)
    const caller = `appid=${String(claims.appid)};oid=${oid};iss=https://sts.windows.net/${state.tenantId}/`
    const m = /^\/secrets\/([^/]+)\/([^/]*)$/.exec(url.pathname) ?? /^\/secrets\/([^/]+)$/.exec(url.pathname)
    if (req.method !== 'GET' || !m) {
      log.operation = `${req.method} ${url.pathname}`
      return kvError(
        res,
        405,
        'BadParameter',
        `The request method '${req.method}' is not supported by this sandbox.`,
      )
    }
    // The SDK percent-encodes the key (`api%2Dversion`); URLSearchParams decodes it as the service does.
    if (!url.searchParams.get('api-version')) {
      return kvError(
        res,
        400,
        'BadParameter',
        'The request URI contains an invalid API version. (api-version is required)',
      )
    }
    const name = decodeURIComponent(m[1] ?? '')
    const version = decodeURIComponent(m[2] ?? '')
    log.operation = 'GetSecret'
    if (state.firewallClientAddress) {
      return kvError(
        res,
        403,
        'Forbidden',
        `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${state.firewallClientAddress}\r\nCaller: ${caller}\r\nVault: ${vaultLabel()}`,
        'ForbiddenByFirewall',
      )
    }
    if (state.throttleNext && state.throttleNext > 0) {
      state.throttleNext -= 1
      res.setHeader('retry-after', '1')
      return kvError(
        res,
        429,
        'Throttled',
        'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
      )
    }
    const allowed = state.grants.some((g) => g.objectId === oid && (!g.secrets || g.secrets.includes(name)))
    if (!allowed) {
      if (state.permissionModel === 'rbac') {
        return kvError(
          res,
          403,
          'Forbidden',
          `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/expanso-rg/providers/microsoft.keyvault/vaults/${state.vaultName}/secrets/${name}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${vaultLabel()}\r\n`,
          'ForbiddenByRbac',
        )
      }
      return kvError(
        res,
        403,
        'Forbidden',
        `The user, group or application '${caller}' does not have secrets get permission on key vault '${vaultLabel()}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
        'AccessDenied',
      )
    }
    const secret = state.secrets[name]
    if (!secret || (version && secret.version && version !== secret.version)) {
      return kvError(
        res,
        404,
        'SecretNotFound',
        `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      )
    }
    if (secret.enabled === false) {
      return kvError(
        res,
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
        'SecretDisabled',
      )
    }
    secret.version ??= randomUUID().replace(/-/g, '')
    const created = secret.createdOn ?? new Date(now.getTime() - 30 * 86_400_000)
    sendJson(
      res,
      200,
      {
        value: secret.value,
        ...(secret.contentType ? { contentType: secret.contentType } : {}),
        id: `${publicVaultUrl()}/secrets/${name}/${secret.version}`,
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
      },
      kvHeaders(),
    )
  }

  const challenge = (res: ServerResponse) => {
    res.setHeader(
      'www-authenticate',
      `Bearer authorization="https://login.microsoftonline.com/${state.challengeTenantId ?? state.tenantId}", resource="${AZURE_VAULT_RESOURCE}"`,
    )
  }

  // The handlers above read `login.url` only when answering, after this line has run.
  const login = await startLoopbackServer(loginHandler, { tls, knobs: options.loginKnobs })
  const vault = await startLoopbackServer(
    (r) => {
      if (!r.req.headers.authorization) challenge(r.res)
      return vaultHandler(r)
    },
    { tls, knobs: options.vaultKnobs },
  )

  return {
    state,
    vaultUrl: vault.url,
    authorityHost: login.url,
    ca,
    vault,
    login,
    requestLog: () => [
      ...vault.requests.map((r) => ({ ...r, server: 'azure-keyvault' })),
      ...login.requests.map((r) => ({ ...r, server: 'azure-entra' })),
    ],
    close: async () => {
      await Promise.all([vault.close(), login.close()])
    },
  }
}
