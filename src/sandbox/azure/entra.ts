// The sandbox's Microsoft Entra: a tenant's OpenID configuration and the client-credentials token endpoint
// the workload-identity and client-secret flows post to. A federated assertion is matched against the
// identity's federated credentials exactly (issuer, subject, audience — case-sensitive), as Entra does, and
// every refusal is the AADSTS error body Entra sends (research/wire-protocols.md §6).
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson, type SimRequest } from '../server.js'
import {
  AZURE_VAULT_RESOURCE,
  TOKEN_EXCHANGE_AUDIENCE,
  type AzureSimIdentity,
  type AzureSimState,
} from './state.js'
import { claimsOf, signJwt, type SigningKey } from './tokens.js'

export interface EntraContext {
  readonly state: AzureSimState
  /** The login server's own URL (known once it listens). */
  readonly url: () => string
  readonly key: SigningKey
}

/** An AADSTS refusal: status, OAuth error, code and the description Entra gives (without its trailer). */
interface Refusal {
  readonly status: number
  readonly error: string
  readonly code: number
  readonly description: string
}

const entraTimestamp = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')

function sendRefusal(res: ServerResponse, r: Refusal, now: Date, loginUrl: string): void {
  const trace = randomUUID()
  const correlation = randomUUID()
  const timestamp = entraTimestamp(now)
  sendJson(res, r.status, {
    error: r.error,
    error_description: `AADSTS${r.code}: ${r.description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [r.code],
    timestamp,
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `${loginUrl}/error?code=${r.code}`,
  })
}

const tenantNotFound = (tenant: string): Refusal => ({
  status: 400,
  error: 'invalid_tenant',
  code: 90002,
  description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
})

const postOnly: Refusal = {
  status: 405,
  error: 'invalid_request',
  code: 900561,
  description: 'The endpoint only accepts POST requests.',
}

function openIdConfiguration(base: string) {
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
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
  }
}

const iso = (s: number | undefined) => (s ? new Date(s * 1000).toISOString().replace('Z', '0000Z') : '')

/** Why Entra refuses a federated assertion, or undefined when a federated credential matches it. */
function judgeAssertion(assertion: string, identity: AzureSimIdentity, now: Date): Refusal | undefined {
  const claims = claimsOf(assertion)
  const refuse = (status: number, code: number, description: string): Refusal => ({
    status,
    error: 'invalid_client',
    code,
    description,
  })
  if (!claims) return refuse(400, 50027, 'JWT token is invalid or malformed.')
  const exp = claims.exp ?? 0
  if (exp * 1000 <= now.getTime())
    return refuse(
      401,
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString().replace('Z', '0000Z')}, assertion valid from ${iso(claims.nbf ?? claims.iat)}, expiry time of assertion ${iso(exp)}.`,
    )
  const iss = String(claims.iss ?? '')
  const sub = String(claims.sub ?? '')
  const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud ?? '')]
  const sameIssuer = (identity.federatedCredentials ?? []).filter((f) => f.issuer === iss)
  if (sameIssuer.length === 0)
    return refuse(
      401,
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    )
  if (!sameIssuer.some((f) => f.subject === sub && aud.includes(f.audience ?? TOKEN_EXCHANGE_AUDIENCE)))
    return refuse(
      401,
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud.join(',')}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    )
  return undefined
}

/** Why Entra refuses the client's proof (assertion or secret), or undefined when it holds. */
function judgeClient(form: URLSearchParams, identity: AzureSimIdentity, now: Date): Refusal | undefined {
  const assertion = form.get('client_assertion')
  if (assertion) return judgeAssertion(assertion, identity, now)
  if (!form.has('client_secret'))
    return {
      status: 401,
      error: 'invalid_client',
      code: 7000218,
      description:
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    }
  if (identity.clientSecret && identity.clientSecret === form.get('client_secret')) return undefined
  return {
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${identity.clientId}'.`,
  }
}

/** A Key Vault access token for the identity, in the v1 claim shape Entra issues for app-only tokens. */
function accessToken(
  ctx: EntraContext,
  identity: AzureSimIdentity,
  tenant: string,
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000)
  return signJwt(
    {
      aud: AZURE_VAULT_RESOURCE,
      iss: `https://sts.windows.net/${tenant}/`,
      iat,
      nbf: iat,
      exp: iat + ctx.state.tokenLifetimeSeconds,
      appid: identity.clientId,
      appidacr: '2',
      idtyp: 'app',
      oid: identity.objectId,
      sub: identity.objectId,
      tid: tenant,
      ver: '1.0',
    },
    ctx.key,
  )
}

async function tokenEndpoint(ctx: EntraContext, r: SimRequest, tenant: string): Promise<void> {
  r.log.operation = 'token'
  if (r.req.method !== 'POST') return sendRefusal(r.res, postOnly, r.now, ctx.url())
  const form = new URLSearchParams(r.body)
  const clientId = form.get('client_id') ?? ''
  const identity = ctx.state.identities.find((i) => i.clientId === clientId)
  const refusal: Refusal | undefined = identity
    ? judgeClient(form, identity, r.now)
    : {
        status: 400,
        error: 'unauthorized_client',
        code: 700016,
        description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      }
  if (refusal || !identity) return sendRefusal(r.res, refusal ?? postOnly, r.now, ctx.url())
  const lifetime = ctx.state.tokenLifetimeSeconds
  sendJson(r.res, 200, {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: await accessToken(ctx, identity, tenant, r.now),
  })
}

export function entraHandler(ctx: EntraContext): (r: SimRequest) => Promise<void> {
  return async (r) => {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
      r.url.pathname,
    )
    if (!m) return sendRefusal(r.res, { ...postOnly, status: 404 }, r.now, ctx.url())
    const [, tenant = '', what = ''] = m
    if (tenant !== ctx.state.tenantId) return sendRefusal(r.res, tenantNotFound(tenant), r.now, ctx.url())
    if (what.startsWith('v2.0')) {
      r.log.operation = 'openid-configuration'
      return sendJson(r.res, 200, openIdConfiguration(`${ctx.url()}/${tenant}`))
    }
    return tokenEndpoint(ctx, r, tenant)
  }
}
