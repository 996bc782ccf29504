// Vault's auth endpoints as the doctor meets them: Kubernetes login (the service-account JWT's claims
// checked against the role's bindings — not its signature), AppRole login, JWT login (./jwt.ts), the
// X-Vault-Token lookup every authenticated request starts with, lookup-self and renew-self.
import { randomBytes } from 'node:crypto'
import { base64url, decodeJwt } from 'jose'
import type { SimRequest } from '../server.js'
import { capabilitiesFor } from './acl.js'
import { jwtLogin } from './jwt.js'
import { issueToken } from './tokens.js'
import type { VaultKubernetesRole, VaultSimState, VaultSimToken } from './state.js'
import { envelope, errors, parseJson, PD, send, type AuthedRequest } from './wire.js'

/** A Kubernetes service-account JWT (its signature is random bytes: the simulator checks claims only). */
export function makeServiceAccountJwt(claims: {
  namespace: string
  serviceAccount: string
  iss?: string
  aud?: string | string[]
  expSec?: number
}): string {
  const segment = (o: unknown) => base64url.encode(JSON.stringify(o))
  const now = Math.floor(Date.now() / 1000)
  return [
    segment({ alg: 'RS256', kid: 'sandbox' }),
    segment({
      iss: claims.iss ?? 'https://kubernetes.default.svc.cluster.local',
      aud: claims.aud ?? ['https://kubernetes.default.svc.cluster.local'],
      sub: `system:serviceaccount:${claims.namespace}:${claims.serviceAccount}`,
      'kubernetes.io': { namespace: claims.namespace, serviceaccount: { name: claims.serviceAccount } },
      iat: now,
      exp: now + (claims.expSec ?? 3600),
    }),
    base64url.encode(randomBytes(32)),
  ].join('.')
}

function claimsOf(jwt: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(jwt)
  } catch {
    return undefined
  }
}

/** Why the role refuses these claims (Vault's own words), or undefined when it accepts them. */
function refusal(def: VaultKubernetesRole, claims: Record<string, unknown>, now: Date): string | undefined {
  const [, , ns = '', sa = ''] = String(claims.sub ?? '').split(':')
  if (typeof claims.exp === 'number' && claims.exp * 1000 < now.getTime()) return 'permission denied'
  if (def.issuer && claims.iss !== def.issuer) return 'claim "iss" is invalid'
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (def.audience && !aud.includes(def.audience))
    return 'invalid audience (aud) claim: audience claim does not match any expected audience'
  if (!def.boundServiceAccountNames.includes('*') && !def.boundServiceAccountNames.includes(sa))
    return 'service account name not authorized'
  if (!def.boundServiceAccountNamespaces.includes('*') && !def.boundServiceAccountNamespaces.includes(ns))
    return 'namespace not authorized'
  return undefined
}

function kubernetesLogin(
  state: VaultSimState,
  r: SimRequest,
  mount: string,
  roles: Record<string, VaultKubernetesRole>,
): void {
  r.log.operation = 'kubernetes-login'
  const body = parseJson(r.body)
  const role = typeof body.role === 'string' ? body.role : ''
  const jwt = typeof body.jwt === 'string' ? body.jwt : ''
  if (!role) return errors(r.res, 400, 'missing role')
  if (!jwt) return errors(r.res, 400, 'missing jwt')
  const def = roles[role]
  if (!def) return errors(r.res, 400, `invalid role name "${role}"`)
  const claims = claimsOf(jwt)
  if (!claims) return errors(r.res, 403, 'permission denied')
  const why = refusal(def, claims, r.now)
  if (why) return errors(r.res, 403, why)
  const [, , ns = '', sa = ''] = String(claims.sub ?? '').split(':')
  issueToken(state, r, {
    policies: def.policies,
    ttlSec: def.ttlSec,
    renewable: def.renewable ?? true,
    displayName: `${mount}-${ns}-${sa}`,
    path: `auth/${mount}/login`,
    meta: { role, service_account_name: sa, service_account_namespace: ns },
  })
}

function approleLogin(state: VaultSimState, r: SimRequest, mount: string): void {
  r.log.operation = 'approle-login'
  const body = parseJson(r.body)
  const roleId = typeof body.role_id === 'string' ? body.role_id : ''
  if (!roleId) return errors(r.res, 400, 'missing role_id')
  const entry = Object.entries(state.approle?.roles ?? {}).find(([, v]) => v.roleId === roleId)
  if (!entry || entry[1].secretId !== body.secret_id) return errors(r.res, 400, 'invalid role or secret ID')
  issueToken(state, r, {
    policies: entry[1].policies,
    ttlSec: entry[1].ttlSec,
    renewable: true,
    displayName: 'approle',
    path: `auth/${mount}/login`,
    meta: { role_name: entry[0] },
  })
}

export function login(state: VaultSimState, r: SimRequest, mount: string): void {
  if (state.kubernetes && mount === state.kubernetes.mount)
    return kubernetesLogin(state, r, mount, state.kubernetes.roles)
  if (state.approle && mount === state.approle.mount) return approleLogin(state, r, mount)
  if (state.jwt && mount === state.jwt.mount) return jwtLogin(state, r, state.jwt)
  errors(r.res, 404, `no handler for route "auth/${mount}/login". route entry not found.`)
}

export function tokenOf(
  state: VaultSimState,
  r: SimRequest,
): { token: string; t: VaultSimToken } | 'missing' | 'invalid' {
  const header = r.req.headers['x-vault-token']
  const auth = r.req.headers.authorization
  const token =
    (typeof header === 'string' ? header : undefined) ??
    (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined)
  if (!token) return 'missing'
  const t = state.tokens[token]
  if (!t) return 'invalid'
  if (t.expiresAt !== undefined && t.expiresAt <= Date.now()) return 'invalid'
  return { token, t }
}

export function lookupSelf({ state, r, token, t, path }: AuthedRequest): void {
  if (!capabilitiesFor(state, t.policies, path).some((c) => c === 'read' || c === 'root'))
    return errors(r.res, 403, PD)
  const ttl = t.expiresAt === undefined ? 0 : Math.max(0, Math.floor((t.expiresAt - Date.now()) / 1000))
  const isRoot = t.policies.includes('root')
  const iso = (ms: number) => new Date(ms).toISOString()
  send(
    r.res,
    200,
    envelope({
      mountType: 'token',
      data: {
        accessor: '8609694a-cdbc-db9b-d345-e782dbb562ed',
        creation_time: Math.floor(Date.now() / 1000) - ((t.creationTtlSec ?? 0) - ttl),
        creation_ttl: t.creationTtlSec ?? 0,
        display_name: t.displayName ?? (isRoot ? 'root' : 'token'),
        entity_id: t.entityId ?? '',
        expire_time: t.expiresAt === undefined ? null : iso(t.expiresAt),
        explicit_max_ttl: 0,
        id: token,
        identity_policies: t.identityPolicies,
        issue_time: iso(Date.now() - ((t.creationTtlSec ?? 0) - ttl) * 1000),
        meta: t.meta ?? null,
        num_uses: 0,
        orphan: true,
        path: t.path ?? (isRoot ? 'auth/token/root' : 'auth/token/create'),
        policies: isRoot ? ['root'] : ['default', ...t.policies.filter((p) => p !== 'default')],
        renewable: t.renewable ?? false,
        ttl,
        type: 'service',
      },
    }),
  )
}

export function renewSelf({ r, token, t }: AuthedRequest): void {
  if (!t.renewable) return errors(r.res, 400, 'lease is not renewable')
  t.expiresAt = Date.now() + (t.creationTtlSec ?? 0) * 1000
  send(
    r.res,
    200,
    envelope({
      auth: { client_token: token, policies: t.policies, lease_duration: t.creationTtlSec, renewable: true },
    }),
  )
}
