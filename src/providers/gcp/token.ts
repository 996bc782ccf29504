// A service-account key exchanged for an access token at the key file's own `token_uri` (RFC 7523 JWT
// bearer grant), as the documentation's init container does through gcloud — never at a host the user did
// not name. The assertion is signed with jose; the key is parsed by node:crypto, which also takes the
// PKCS#1 ("BEGIN RSA PRIVATE KEY") keys that hand-made key files sometimes hold.
//
// What comes back must be OAuth JSON: a token at 200, an `error` otherwise. Anything else (a proxy's login
// page at 200, a 502 from a gateway) is not the token endpoint and is named with its status and content type.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import { httpStatusError } from '../../core/net.js'
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { CredentialsFile } from './credentials-file.js'
import { isClockRejection, TOKEN_CALL } from './model.js'
import type { GcpSession } from './session.js'
import { isJson, jsonOf, notTheService, type GcpTarget, type HttpReply, type Transport } from './transport.js'

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'
export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'

export const TOKEN_ENDPOINT: GcpTarget = {
  what: TOKEN_CALL,
  service: 'a Google OAuth 2.0 token endpoint',
  source: 'gcp oauth2',
}

export interface AccessToken {
  readonly accessToken: string
  readonly expiresAt?: string
}

interface OAuthBody {
  readonly access_token?: unknown
  readonly expires_in?: unknown
  readonly error?: unknown
  readonly error_description?: unknown
}

const keyProblem = (message: string) =>
  new ProviderError('gcp', 'invalid', message, { reason: 'file-invalid' })

/** The token in an OAuth answer (registered with the redactor), or undefined when it holds none. */
export function tokenOf(body: unknown, now: Date): AccessToken | undefined {
  const b = body as OAuthBody | undefined
  if (!b || typeof b !== 'object' || typeof b.access_token !== 'string' || !b.access_token) return undefined
  registerSecret(b.access_token)
  return {
    accessToken: b.access_token,
    expiresAt:
      typeof b.expires_in === 'number'
        ? new Date(now.getTime() + b.expires_in * 1000).toISOString()
        : undefined,
  }
}

/** The OAuth JSON of an answer, or the not-the-service error naming its status and content type. */
export function oauthJson(target: GcpTarget, reply: HttpReply): OAuthBody {
  const body = jsonOf(reply)
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw notTheService(target, reply, isJson(reply.contentType) ? 'the body is not OAuth JSON' : undefined)
  return body as OAuthBody
}

async function signAssertion(cred: CredentialsFile, tokenUri: string, now: Date): Promise<string> {
  if (!cred.client_email || !cred.private_key)
    throw keyProblem('service-account key lacks client_email or private_key')
  let key: KeyObject
  try {
    key = createPrivateKey(cred.private_key)
  } catch {
    throw keyProblem('the private_key in the service-account key cannot sign')
  }
  const iat = Math.floor(now.getTime() / 1000)
  const assertion = await new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
    .setProtectedHeader({
      alg: 'RS256',
      typ: 'JWT',
      ...(cred.private_key_id ? { kid: cred.private_key_id } : {}),
    })
    .setIssuer(cred.client_email)
    .setAudience(tokenUri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(key)
  registerSecret(assertion)
  return assertion
}

/** The token endpoint's refusal: the key (deleted, disabled account) or the clock, as it words them. */
function refusal(
  session: GcpSession,
  reply: HttpReply,
  body: OAuthBody,
  cred: CredentialsFile,
  sentAt: Date,
) {
  const error = String(body.error)
  const description =
    typeof body.error_description === 'string' ? body.error_description : `HTTP ${reply.status}`
  const serverDate = reply.headers.get('date')
  if (isClockRejection(description) && serverDate)
    session.recorder.observeClock({
      source: TOKEN_ENDPOINT.source,
      serverTime: new Date(serverDate),
      localTime: sentAt,
      rejected: description,
    })
  return new ProviderError(
    'gcp',
    'unauthenticated',
    `token endpoint ${reply.url} refused the key of ${cred.client_email}: ${error}: ${description}`,
    {
      reason: 'token-rejected',
      status: reply.status,
      error,
      description,
      tokenUri: reply.url,
      principal: cred.client_email,
      keyId: cred.private_key_id,
    },
  )
}

/** What the token endpoint's answer means: a token, a refusal, throttling, an outage, or not the endpoint. */
function readExchange(
  session: GcpSession,
  reply: HttpReply,
  cred: CredentialsFile,
  sentAt: Date,
): AccessToken {
  const body = oauthJson(TOKEN_ENDPOINT, reply)
  if (reply.status === 200) {
    const token = tokenOf(body, session.now())
    if (!token) throw notTheService(TOKEN_ENDPOINT, reply, 'no access_token in it')
    return token
  }
  if (typeof body.error !== 'string') throw notTheService(TOKEN_ENDPOINT, reply, 'no OAuth error in it')
  if (reply.status === 429 || reply.status >= 500)
    throw httpStatusError(
      { provider: 'gcp', what: TOKEN_ENDPOINT.what, endpoint: reply.url },
      {
        status: reply.status,
        service: TOKEN_ENDPOINT.service,
        retryAfter: reply.headers.get('retry-after') ?? undefined,
        message: body.error,
      },
    )
  throw refusal(session, reply, body, cred, sentAt)
}

export async function exchangeServiceAccountKey(
  session: GcpSession,
  http: Transport,
  cred: CredentialsFile,
): Promise<AccessToken> {
  const tokenUri = cred.token_uri || DEFAULT_TOKEN_URI
  const assertion = await signAssertion(cred, tokenUri, session.now())
  const sentAt = new Date()
  const reply = await http.request(TOKEN_ENDPOINT, tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    }).toString(),
  })
  return readExchange(session, reply, cred, sentAt)
}
