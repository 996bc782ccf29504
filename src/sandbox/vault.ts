// A loopback HashiCorp Vault, faithful to research/wire-protocols.md §1: sys/health's status codes and
// bodies, the seal status, Kubernetes, AppRole and JWT login, token self-lookup, capabilities-self,
// sys/internal/ui/mounts (KV v1/v2 detection), KV v1 and v2 reads with their exact not-found shapes,
// sys/audit (sudo), ACL policies with glob paths, the go-multierror error strings, and `Cache-Control:
// no-store`. The state object is mutable between requests; every request lands in the request log.
// This file routes requests and starts the server; the endpoints live in ./vault/.
import {
  type LoopbackServer,
  type RequestLogEntry,
  type ServerKnobs,
  type SimRequest,
  startLoopbackServer,
} from './server.js'
import { type CertificateAuthority, createCA, issueCertificate } from './tls.js'
import { allows } from './vault/acl.js'
import { login, lookupSelf, renewSelf, tokenOf } from './vault/auth.js'
import { kv } from './vault/kv.js'
import type { VaultSimState, VaultSimToken } from './vault/state.js'
import { audit, capabilitiesSelf, health, leader, sealStatus, uiMounts } from './vault/sys.js'
import {
  errors,
  INVALID_TOKEN,
  PD,
  send,
  WRITE_METHODS,
  type AuthedRequest,
  type VaultRequest,
} from './vault/wire.js'

export { capabilitiesFor } from './vault/acl.js'
export { makeServiceAccountJwt } from './vault/auth.js'
export { makeJwt } from './vault/jwt.js'
export {
  DEFAULT_POLICY,
  newToken,
  type VaultAppRole,
  type VaultJwtRole,
  type VaultKubernetesRole,
  type VaultPolicyRule,
  type VaultSimSecret,
  type VaultSimState,
  type VaultSimToken,
} from './vault/state.js'

export type VaultTlsMode = 'valid' | 'expired' | 'expiring' | 'wrong-host' | 'untrusted'

export interface VaultSimOptions {
  /** HTTPS with a certificate of this kind; plain HTTP when absent. */
  readonly tls?: VaultTlsMode
  /** Reuse a CA (e.g. one the scenario already wrote to disk). */
  readonly ca?: CertificateAuthority
  readonly knobs?: Partial<ServerKnobs>
  /** Days left for `expiring` (default 5). */
  readonly expiringDays?: number
}

export interface VaultSim {
  readonly url: string
  readonly port: number
  readonly state: VaultSimState
  readonly knobs: ServerKnobs
  readonly requests: RequestLogEntry[]
  /** The CA the doctor should trust (for `untrusted`, the CA that did NOT sign the server cert). */
  readonly caPem?: string
  readonly server: LoopbackServer
  close(): Promise<void>
}

const DAY = 86_400_000

/** Requests that change nothing: reads, logins, lookups, capability simulations. */
export function isReadOnlyRequest(e: RequestLogEntry): boolean {
  if (e.method === 'GET' || e.method === 'HEAD' || e.method === 'LIST') return true
  if (e.method === 'POST' || e.method === 'PUT')
    return /^\/v1\/auth\/.+\/login$/.test(e.path) || e.path === '/v1/sys/capabilities-self'
  return false
}

type Methods = readonly string[] | 'any'

/** Routes that answer without a token, even while sealed. */
const OPEN_ROUTES: readonly [Methods, string, (q: VaultRequest) => void][] = [
  ['any', 'sys/health', ({ state, r }) => health(state, r)],
  ['any', 'sys/seal-status', ({ state, r }) => sealStatus(state, r)],
  [['GET'], 'sys/init', ({ state, r }) => send(r.res, 200, { initialized: state.initialized })],
  [['GET'], 'sys/leader', ({ state, r }) => leader(state, r)],
]

/** Routes with handlers of their own once the token is known; every other path is ACL-checked KV. */
const TOKEN_ROUTES: readonly [Methods, RegExp, (q: AuthedRequest) => void][] = [
  [['GET'], /^auth\/token\/lookup-self$/, lookupSelf],
  [WRITE_METHODS, /^auth\/token\/renew-self$/, renewSelf],
  [WRITE_METHODS, /^sys\/capabilities-self$/, capabilitiesSelf],
  [['GET'], /^sys\/internal\/ui\/mounts\/./, uiMounts],
  [['GET'], /^sys\/audit$/, audit],
]

const accepts = (m: Methods, method: string) => m === 'any' || m.includes(method)

/** `GET ?list=true` is how clients without custom verbs say LIST. */
function methodOf(r: SimRequest): string {
  const m = (r.req.method ?? 'GET').toUpperCase()
  return m === 'GET' && r.url.searchParams.get('list') ? 'LIST' : m
}

function authenticated(q: VaultRequest, who: { token: string; t: VaultSimToken }): void {
  const a: AuthedRequest = { ...q, ...who }
  const route = TOKEN_ROUTES.find(([m, re]) => accepts(m, q.method) && re.test(q.path))
  if (route) return route[2](a)
  if (!allows(q.state, who.t.policies, q.path, q.method)) return errors(q.r.res, 403, PD)
  kv(q.state, q.r, q.path, q.method)
}

function handle(state: VaultSimState, r: SimRequest): void {
  if (!r.url.pathname.startsWith('/v1/')) return errors(r.res, 404)
  const q: VaultRequest = { state, r, path: r.url.pathname.slice(4).replace(/\/$/, ''), method: methodOf(r) }
  r.log.operation = q.path
  const open = OPEN_ROUTES.find(([m, p]) => p === q.path && accepts(m, q.method))
  if (open) return open[2](q)
  if (!state.initialized || state.sealed) return errors(r.res, 503, 'Vault is sealed')
  const loginMount = /^auth\/(.+)\/login$/.exec(q.path)?.[1]
  if (loginMount && WRITE_METHODS.includes(q.method)) return login(state, r, loginMount)
  const who = tokenOf(state, r)
  if (who === 'missing') return errors(r.res, 403, 'permission denied')
  if (who === 'invalid') return errors(r.res, 403, INVALID_TOKEN)
  authenticated(q, who)
}

function certificateFor(mode: VaultTlsMode, ca: CertificateAuthority, expiringDays: number) {
  const now = Date.now()
  switch (mode) {
    case 'expired':
      return issueCertificate(ca, { notBefore: new Date(now - 90 * DAY), notAfter: new Date(now - 2 * DAY) })
    case 'expiring':
      return issueCertificate(ca, {
        notBefore: new Date(now - 80 * DAY),
        notAfter: new Date(now + expiringDays * DAY),
      })
    case 'wrong-host':
      return issueCertificate(ca, { hosts: ['vault.other.example'], commonName: 'vault.other.example' })
    default:
      return issueCertificate(ca)
  }
}

// RSA key generation dominates start-up; one CA pair and one leaf per kind serve every simulator of a process.
let sharedCa: CertificateAuthority | undefined
let strangerCa: CertificateAuthority | undefined
const leafCache = new Map<string, { certPem: string; keyPem: string }>()

export async function startVaultSim(state: VaultSimState, options: VaultSimOptions = {}): Promise<VaultSim> {
  let tls: { certPem: string; keyPem: string } | undefined
  let caPem: string | undefined
  if (options.tls) {
    const ca = options.ca ?? (sharedCa ??= createCA('edge-secrets sandbox Vault CA'))
    caPem = ca.certPem
    // `untrusted`: the server's cert comes from a CA the doctor is not given.
    const signer = options.tls === 'untrusted' ? (strangerCa ??= createCA('unknown private CA')) : ca
    const key = `${signer.certPem}|${options.tls}|${options.expiringDays ?? 5}`
    tls = leafCache.get(key) ?? certificateFor(options.tls, signer, options.expiringDays ?? 5)
    leafCache.set(key, tls)
  }
  const server = await startLoopbackServer((r) => handle(state, r), { tls, knobs: options.knobs })
  return {
    url: server.url,
    port: server.port,
    state,
    knobs: server.knobs,
    requests: server.requests,
    caPem,
    server,
    close: () => server.close(),
  }
}

export interface HealthyVaultOptions {
  readonly rootToken?: string
  readonly appToken?: string
  /** Logical secret path of the pipeline (KV v2 mount `secret/`). */
  readonly secretPath?: string
  readonly secretData?: Record<string, string>
  readonly tokenTtlSec?: number
}

/**
 * A working Vault: KV v2 at `secret/`, KV v1 at `kv/`, a policy `expanso-edge` reading the pipeline's
 * secret, Kubernetes auth role `expanso-edge` bound to expanso-system/expanso-edge, an AppRole, a file
 * audit device, and an app token carrying the policy.
 */
export function healthyVaultState(o: HealthyVaultOptions = {}): VaultSimState {
  const secretPath = o.secretPath ?? 'secret/expanso/prod/pipeline'
  const [mount, ...rest] = secretPath.split('/')
  const policies = {
    'expanso-edge': [
      { path: `${mount}/data/${rest.join('/')}`, capabilities: ['read'] },
      { path: `${mount}/metadata/${rest.join('/')}`, capabilities: ['read', 'list'] },
      { path: 'kv/expanso/prod/*', capabilities: ['read'] },
    ],
  }
  const tokens: Record<string, VaultSimToken> = {}
  if (o.rootToken) tokens[o.rootToken] = { policies: ['root'] }
  if (o.appToken)
    tokens[o.appToken] = {
      policies: ['default', 'expanso-edge'],
      expiresAt: Date.now() + (o.tokenTtlSec ?? 3600) * 1000,
      creationTtlSec: o.tokenTtlSec ?? 3600,
      renewable: true,
      displayName: 'token-expanso-edge',
      entityId: '7d2e3179-f69b-450c-7179-ac8ee8bd8ca9',
      path: 'auth/token/create',
    }
  return {
    initialized: true,
    sealed: false,
    standby: false,
    version: '1.18.1',
    clusterName: 'vault-cluster-4c1b7a2e',
    mounts: { 'secret/': { type: 'kv', version: 2 }, 'kv/': { type: 'kv', version: 1 } },
    secrets: {
      [secretPath]: {
        data: o.secretData ?? {
          kafka_username: 'edge-user',
          kafka_password: 'kafka-pw-0000',
          api_token: 'api-token-0000',
          db_password: 'db-pw-0000',
        },
        version: 3,
        updatedTime: new Date(Date.now() - DAY).toISOString(),
      },
    },
    policies,
    tokens,
    kubernetes: {
      mount: 'kubernetes',
      roles: {
        'expanso-edge': {
          boundServiceAccountNames: ['expanso-edge'],
          boundServiceAccountNamespaces: ['expanso-system'],
          policies: ['expanso-edge'],
          ttlSec: 3600,
        },
      },
    },
    approle: undefined,
    audit: { 'file/': { type: 'file', options: { file_path: '/vault/audit/vault_audit.log' } } },
  }
}
