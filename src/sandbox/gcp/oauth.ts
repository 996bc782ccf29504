// oauth2.googleapis.com's JWT-bearer grant (RFC 7523) as it judges a service-account assertion — account,
// key id and signature, then the time window, then the audience and scope, each refused in Google's words —
// and the GCE/GKE metadata server. The assertion is read and verified with jose, never by the product's code.
import { createPublicKey } from 'node:crypto'
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose'
import { sendJson, sendText, type SimRequest } from '../server.js'
import { issueToken, type GcpSimState } from './state.js'

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const TIMEFRAME =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the assertion and use a clock with skew to account for clock skew between systems.'

interface Refusal {
  readonly error: string
  readonly description: string
}
const refuse = (description: string, error = 'invalid_grant'): Refusal => ({ error, description })

function decode(assertion: string): { kid?: string; alg?: string; claims: JWTPayload } | undefined {
  try {
    const header = decodeProtectedHeader(assertion)
    return { kid: header.kid, alg: header.alg, claims: decodeJwt(assertion) }
  } catch {
    return undefined
  }
}

async function signatureValid(assertion: string, pem: string | undefined, alg: string | undefined) {
  if (!pem || alg !== 'RS256') return false
  try {
    await compactVerify(assertion, createPublicKey(pem), { algorithms: ['RS256'] })
    return true
  } catch {
    return false
  }
}

function outsideWindow(claims: JWTPayload, now: Date, leeway: number): boolean {
  const t = Math.floor(now.getTime() / 1000)
  const { iat, exp } = claims
  return (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    iat > t + leeway ||
    exp < t - leeway ||
    exp - iat > 3600
  )
}

/** The principal the assertion stands for, or Google's refusal of it. */
async function judgeAssertion(
  state: GcpSimState,
  assertion: string,
  audience: string,
  now: Date,
): Promise<{ readonly principal: string } | Refusal> {
  const jwt = decode(assertion)
  if (!jwt) return refuse('Invalid JWT: Invalid JSON.')
  const { claims } = jwt
  const sa = claims.iss ? state.serviceAccounts[claims.iss] : undefined
  if (!sa) return refuse('Invalid grant: account not found')
  if (sa.disabled) return refuse('Invalid grant: account disabled')
  if (!(await signatureValid(assertion, jwt.kid ? sa.keys[jwt.kid] : undefined, jwt.alg)))
    return refuse('Invalid JWT Signature.')
  if (outsideWindow(claims, now, state.tokenLeewaySeconds)) return refuse(TIMEFRAME)
  if (claims.aud !== audience) return refuse('Invalid JWT: Failed audience check.')
  if (!claims.scope) return refuse('Invalid OAuth scope or ID token audience provided.', 'invalid_scope')
  return { principal: claims.iss as string }
}

/** POST /token: the key file's `token_uri`. */
export async function handleToken(state: GcpSimState, r: SimRequest, audience: string): Promise<void> {
  const { req, res, log } = r
  log.operation = 'oauth2.token'
  const noStore = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' }
  if (req.method !== 'POST')
    return sendJson(res, 405, { error: 'invalid_request', error_description: 'POST only' }, noStore)
  const form = new URLSearchParams(r.body)
  const verdict =
    form.get('grant_type') !== JWT_BEARER
      ? refuse(`Invalid grant_type: ${form.get('grant_type') ?? ''}`, 'unsupported_grant_type')
      : await judgeAssertion(state, form.get('assertion') ?? '', audience, r.now)
  if ('error' in verdict)
    return sendJson(res, 400, { error: verdict.error, error_description: verdict.description }, noStore)
  const token = issueToken(state, verdict.principal)
  sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' }, noStore)
}

const SA = '/computeMetadata/v1/instance/service-accounts/default'

/** The metadata server: every answer carries `Metadata-Flavor: Google`, and every request must. */
export function handleMetadata(state: GcpSimState, r: SimRequest): void {
  const { req, res, url, log } = r
  const flavor = { 'metadata-flavor': 'Google' }
  log.operation = 'metadata' + url.pathname.replace('/computeMetadata/v1', '')
  if (req.headers['metadata-flavor'] !== 'Google')
    return sendText(res, 403, 'Missing required header "Metadata-Flavor": "Google"\n', flavor)
  const path = url.pathname.replace(/\/+$/, '')
  const text: Readonly<Record<string, string>> = {
    '/computeMetadata/v1/instance': '',
    '/computeMetadata/v1/project/project-id': state.projectId,
    '/computeMetadata/v1/project/numeric-project-id': state.projectNumber,
    [`${SA}/email`]: state.metadata.email,
  }
  if (path in text) return sendText(res, 200, text[path] as string, flavor)
  if (path !== `${SA}/token`) return sendText(res, 404, 'Not Found', flavor)
  if (state.metadata.tokenDenied) return sendText(res, 403, state.metadata.tokenDenied, flavor)
  const token = issueToken(state, state.metadata.email)
  sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' }, flavor)
}
