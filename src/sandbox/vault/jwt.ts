// Vault's JWT/OIDC auth method (vault-plugin-auth-jwt, `role_type=jwt`) as an edge agent meets it: a role and
// a JWT in, a token out. Like the Kubernetes login, the simulator judges the claims — issuer, expiry,
// audiences, subject, bound claims, the user claim — and not the signature. Refusals are the plugin's
// `logical.ErrorResponse` texts, which Vault answers with 400.
import { decodeJwt } from 'jose'
import type { SimRequest } from '../server.js'
import type { VaultJwtRole, VaultSimState } from './state.js'
import { issueToken } from './tokens.js'
import { errors, parseJson } from './wire.js'

const JOSE = 'square/go-jose/jwt: validation failed'

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]

/** Why the plugin refuses these claims for this role, in its words; undefined when it accepts them. */
function refusal(
  role: VaultJwtRole,
  boundIssuer: string | undefined,
  claims: Record<string, unknown>,
  now: Date,
): string | undefined {
  const nowSec = now.getTime() / 1000
  if (typeof claims.exp === 'number' && claims.exp < nowSec)
    return `error validating claims: ${JOSE}, token is expired (exp)`
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec)
    return `error validating claims: ${JOSE}, token not valid yet (nbf)`
  if (boundIssuer && claims.iss !== boundIssuer)
    return `error validating claims: ${JOSE}, invalid issuer claim (iss)`
  if (role.boundSubject && claims.sub !== role.boundSubject)
    return `error validating claims: ${JOSE}, invalid subject claim (sub)`
  const aud = list(claims.aud)
  const bound = role.boundAudiences ?? []
  if (aud.length && !bound.length) return 'audience claim found in JWT but no audiences bound to the role'
  if (bound.length && !bound.some((b) => aud.includes(b)))
    return 'error validating claims: aud claim does not match any bound audience'
  for (const [claim, want] of Object.entries(role.boundClaims ?? {}))
    if (!list(want).some((w) => list(claims[claim]).includes(w)))
      return `error validating claims: claim "${claim}" does not match any associated bound claim values`
  const userClaim = role.userClaim ?? 'sub'
  if (typeof claims[userClaim] !== 'string') return `claim "${userClaim}" not found in token`
  return undefined
}

export function jwtLogin(
  state: VaultSimState,
  r: SimRequest,
  mount: {
    readonly mount: string
    readonly boundIssuer?: string
    readonly roles: Record<string, VaultJwtRole>
  },
): void {
  r.log.operation = 'jwt-login'
  const body = parseJson(r.body)
  const roleName = typeof body.role === 'string' ? body.role.toLowerCase() : ''
  if (!roleName) return errors(r.res, 400, 'missing role')
  const role = mount.roles[roleName]
  if (!role) return errors(r.res, 400, `role "${roleName}" could not be found`)
  const jwt = typeof body.jwt === 'string' ? body.jwt : ''
  if (!jwt) return errors(r.res, 400, 'missing token')
  let claims: Record<string, unknown>
  try {
    claims = decodeJwt(jwt)
  } catch {
    return errors(r.res, 400, 'error parsing token: square/go-jose: compact JWS format must have three parts')
  }
  const why = refusal(role, mount.boundIssuer, claims, r.now)
  if (why) return errors(r.res, 400, why)
  const name = String(claims[role.userClaim ?? 'sub'])
  issueToken(state, r, {
    policies: role.policies,
    ttlSec: role.ttlSec,
    renewable: true,
    displayName: `${mount.mount}-${name}`,
    path: `auth/${mount.mount}/login`,
    meta: { role: roleName },
  })
}

/** A JWT as an OIDC issuer would mint it (unsigned: the simulator checks claims only). */
export function makeJwt(claims: Record<string, unknown>): string {
  const segment = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return [
    segment({ alg: 'RS256', kid: 'sandbox' }),
    segment({ iat: now, exp: now + 3600, ...claims }),
    Buffer.from('sandbox-signature').toString('base64url'),
  ].join('.')
}
