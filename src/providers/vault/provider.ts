// HashiCorp Vault, through node-vault (loaded on first use). The API is metadata-only: checks get key names
// and states, token TTLs and policies, capabilities and mount versions — never a secret value or a token.
// Everything the doctor config leaves out is taken from the agent config (CONTRACT §3), so by default the
// doctor reaches Vault, trusts its CA and logs in exactly the way the agent does.
import { lookup } from 'node:dns/promises'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { isIP, Socket } from 'node:net'
import { readFile } from 'node:fs/promises'
import { format } from 'node:util'
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from 'node:tls'
import { callTimeoutMs as callLimitMs } from '../../core/net.js'
import {
  defineProvider,
  isProviderError,
  once,
  memoByKey,
  ProviderError,
  type ConfigWith,
  type ProviderSession,
} from '../../core/provider.js'
import { vaultConfig, type VaultConfig } from './config.js'

type VaultSession = ProviderSession<ConfigWith<'vault', VaultConfig>>
import { redact, registerSecret } from '../../core/redact.js'
import {
  AgentConfigError,
  agentTemplateRefs,
  readAgentConfig,
  type AgentConfig,
  type TemplateKeyRef,
} from './agent-config.js'

export const DEFAULT_JWT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export type VaultAuthMethod = 'token' | 'kubernetes' | 'approle'

/** Where a setting came from, for messages ("address from the agent config"). */
export type SettingSource = 'config' | 'env' | 'agent' | 'default'

export interface VaultSettings {
  readonly address?: string
  readonly addressSource?: SettingSource
  readonly caCert?: string
  readonly caCertSource?: SettingSource
  readonly skipVerify: boolean
  readonly skipVerifySource?: SettingSource
  readonly namespace?: string
  readonly auth: {
    readonly method: VaultAuthMethod | string
    readonly methodSource: SettingSource
    readonly role?: string
    readonly mount: string
    readonly jwtPath?: string
    readonly tokenFile?: string
    readonly roleIdFile?: string
    readonly secretIdFile?: string
  }
}

export type AgentLoad =
  | { readonly status: 'none' }
  | { readonly status: 'missing'; readonly path: string }
  | {
      readonly status: 'invalid'
      readonly path: string
      readonly message: string
      readonly line?: number
      readonly column?: number
    }
  | { readonly status: 'ok'; readonly config: AgentConfig }

/** A secret path the deployment uses, from the doctor config or an agent template. */
export interface SecretRef {
  readonly path: string
  readonly keys: readonly string[]
  readonly source: 'config' | 'template'
  /** The template file (or agent HCL for inline contents) where the path is used. */
  readonly file?: string
  readonly keyRefs?: readonly TemplateKeyRef[]
}

export interface AddressProbe {
  readonly url: string
  readonly scheme: 'http' | 'https'
  readonly host: string
  readonly port: number
  readonly addresses: readonly string[]
  readonly connectMs: number
}

export interface TlsInfo {
  readonly scheme: 'http' | 'https'
  /** Trusted chain and matching host name. */
  readonly authorized?: boolean
  /** Node's verification code: UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN… */
  readonly authorizationError?: string
  readonly hostnameError?: string
  readonly subject?: string
  readonly issuer?: string
  readonly altNames?: string
  readonly validFrom?: Date
  readonly validTo?: Date
  /** Where the trusted CA came from, or 'system' roots. */
  readonly trust: string
  /** A configured CA file that could not be read. */
  readonly caError?: string
  readonly skipVerify: boolean
}

export interface HealthInfo {
  readonly initialized: boolean
  readonly sealed: boolean
  readonly standby: boolean
  readonly performanceStandby: boolean
  readonly drSecondary: boolean
  readonly version?: string
  readonly clusterName?: string
  readonly serverTime?: Date
}

export interface LoginInfo {
  readonly method: string
  /** `VAULT_TOKEN`, `token file /x`, `agent sink /x`, `kubernetes login (auth/kubernetes, role r)`. */
  readonly source: string
  readonly mount?: string
  readonly role?: string
  readonly policies?: readonly string[]
}

export interface TokenInfo {
  readonly displayName: string
  readonly policies: readonly string[]
  readonly identityPolicies: readonly string[]
  /** Seconds left; 0 with `expireTime` null means it never expires (root, periodic without ttl). */
  readonly ttlSec: number
  readonly creationTtlSec: number
  readonly expireTime?: string
  readonly renewable: boolean
  readonly entityId?: string
  readonly path?: string
  readonly orphan?: boolean
}

export interface MountInfo {
  readonly mount: string
  readonly type: string
  readonly kvVersion?: 1 | 2
}

export type KeyState = 'set' | 'empty' | 'no-value' | 'null' | 'not-string'

export type SecretShape =
  | {
      readonly state: 'ok'
      readonly keys: Readonly<Record<string, KeyState>>
      readonly version?: number
      readonly leaseDurationSec: number
      readonly renewable: boolean
      readonly leased: boolean
    }
  | { readonly state: 'not-found' }
  | { readonly state: 'deleted'; readonly version?: number }
  /** A v1-style path on a KV v2 mount: Vault answers 404 with an "Invalid path for a versioned K/V" warning. */
  | { readonly state: 'kv2-path-without-data'; readonly warning: string }
  | { readonly state: 'denied'; readonly message: string; readonly invalidToken: boolean }

export interface VaultApi {
  settings(): Promise<VaultSettings>
  agent(): Promise<AgentLoad>
  /** Configured secrets plus every path the agent templates use. */
  secretRefs(): Promise<{
    readonly refs: readonly SecretRef[]
    readonly unreadableTemplates: readonly string[]
  }>
  probeAddress(): Promise<AddressProbe>
  tlsInfo(): Promise<TlsInfo>
  health(): Promise<HealthInfo>
  login(): Promise<LoginInfo>
  tokenSelf(): Promise<TokenInfo>
  /**
   * The token the running agent keeps in its file sink (not the doctor's own), looked up read-only.
   * undefined when there is no plain file sink; `unreadable` when the doctor may not read it.
   */
  agentToken(): Promise<
    | { readonly path: string; readonly state: 'unreadable' | 'empty' | 'invalid' | 'same-as-doctor' }
    | { readonly path: string; readonly state: 'ok'; readonly info: TokenInfo }
    | undefined
  >
  capabilities(paths: readonly string[]): Promise<Readonly<Record<string, readonly string[]>>>
  /** undefined when the token cannot see the mount (preflight 403) or the endpoint does not exist. */
  mountInfo(path: string): Promise<MountInfo | undefined>
  readSecret(apiPath: string): Promise<SecretShape>
  audits(): Promise<readonly { readonly path: string; readonly type: string }[]>
  /** One timed read (not memoized), in ms. */
  sampleRead(apiPath: string): Promise<number>
}

interface NodeVaultClient {
  request(options: Record<string, unknown>): Promise<unknown>
  token?: string
  namespace?: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
const truthy = (v: string | undefined) => v !== undefined && v !== ''

/** Vault's go-multierror text → `permission denied; invalid token`. */
export function cleanVaultError(message: string): string {
  const items = [...message.matchAll(/^\s*\*\s+(.+)$/gm)].map((m) => (m[1] as string).trim())
  return (items.length ? items.join('; ') : message).trim()
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/** Any failure → ProviderError with safe facts only (status, Vault's error text, network code). */
export function toProviderError(e: unknown, what: string): ProviderError {
  if (isProviderError(e)) return e
  const err = e as { code?: string; message?: string; response?: { statusCode?: number; body?: unknown } }
  const status = err.response?.statusCode
  if (typeof status === 'number') {
    const msg = cleanVaultError(err.message ?? `Status ${status}`)
    const invalidToken = /invalid token/.test(msg)
    const kind =
      status === 403
        ? invalidToken
          ? 'unauthenticated'
          : 'denied'
        : status === 404
          ? 'not-found'
          : status === 400
            ? 'invalid'
            : status === 429
              ? 'throttled'
              : status === 503 || status === 501
                ? 'unavailable'
                : 'unexpected'
    return new ProviderError('vault', kind, `${what}: ${status} ${msg}`, { status, error: msg })
  }
  const code = err.code ?? ''
  const message = err.message ?? String(e)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ProviderError('vault', 'dns', `${what}: cannot resolve host (${code})`, { code })
  if (code === 'ECONNREFUSED')
    return new ProviderError('vault', 'refused', `${what}: connection refused`, { code })
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    code === 'ABORT_ERR' ||
    /timeout/i.test(message)
  )
    return new ProviderError('vault', 'timeout', `${what}: no answer (timed out)`, {
      code: code || 'timeout',
    })
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(message))
    return new ProviderError('vault', 'tls', `${what}: TLS failure (${code || message})`, { code })
  if (code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new ProviderError('vault', 'unreachable', `${what}: ${code}`, { code })
  return new ProviderError('vault', 'unexpected', `${what}: ${message}`, { code })
}

function keyState(v: unknown): KeyState {
  if (v === null) return 'null'
  if (typeof v !== 'string') return 'not-string'
  const t = v.trim()
  if (t === '') return 'empty'
  if (t === '<no value>') return 'no-value'
  return 'set'
}

/** Registers every string inside a secret payload with the redactor (numbers and nested values too). */
function registerAll(v: unknown): void {
  if (typeof v === 'string') registerSecret(v)
  else if (typeof v === 'number') registerSecret(String(v))
  else if (Array.isArray(v)) v.forEach(registerAll)
  else if (isObj(v)) Object.values(v).forEach(registerAll)
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * Under DEBUG=*, axios' follow-redirects logs every request's options, X-Vault-Token included, straight to
 * stderr. Route the `debug` package's output through the redactor before node-vault (and axios) load.
 */
let debugPatched = false
async function redactDebugOutput(): Promise<void> {
  if (debugPatched) return
  debugPatched = true
  const name = 'debug'
  try {
    const mod = (await import(name)) as { default?: { log?: unknown } }
    if (mod.default)
      mod.default.log = (...args: unknown[]) => process.stderr.write(`${redact(format(...args))}\n`)
  } catch {
    // no debug package: nothing logs through it
  }
}

function create(session: VaultSession): VaultApi {
  const { config, env } = session
  // A call gives up before the check's own --timeout does, so the check that reaches Vault can turn a
  // black hole into its `unreachable` finding instead of ending as `error`.
  const callTimeoutMs = callLimitMs(session.timeoutMs)
  const vc = config.vault

  const agent = once(async (): Promise<AgentLoad> => {
    const path = vc.agentConfig
    if (!path) return { status: 'none' }
    try {
      return { status: 'ok', config: await readAgentConfig(path) }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', path }
      if (e instanceof AgentConfigError)
        return { status: 'invalid', path, message: e.message, line: e.line, column: e.column }
      return { status: 'invalid', path, message: `${path}: ${(e as Error).message}` }
    }
  })
  const agentConfig = async () => {
    const a = await agent()
    return a.status === 'ok' ? a.config : undefined
  }

  const settings = once(async (): Promise<VaultSettings> => {
    const a = await agentConfig()
    const pick = <T>(...c: [T | undefined, SettingSource][]): [T | undefined, SettingSource | undefined] => {
      for (const [v, s] of c) if (v !== undefined && v !== '') return [v, s]
      return [undefined, undefined]
    }
    const [address, addressSource] = pick<string>(
      [vc.address, vc.address && vc.address === env.VAULT_ADDR ? 'env' : 'config'],
      [strOf(env.VAULT_ADDR), 'env'],
      [a?.vaultAddress, 'agent'],
    )
    const [caCert, caCertSource] = pick<string>(
      [vc.caCert, 'config'],
      [strOf(env.VAULT_CACERT), 'env'],
      [a?.caCert, 'agent'],
    )
    const skipVerifySource: SettingSource | undefined = vc.skipVerify
      ? truthy(env.VAULT_SKIP_VERIFY)
        ? 'env'
        : 'config'
      : truthy(env.VAULT_SKIP_VERIFY)
        ? 'env'
        : a?.tlsSkipVerify
          ? 'agent'
          : undefined
    const aa = a?.autoAuth
    const acfg = aa?.config ?? {}
    const token = vc.token ?? strOf(env.VAULT_TOKEN)
    const [method, methodSource] = pick<string>(
      [vc.auth.method, 'config'],
      [token || vc.auth.tokenFile ? 'token' : undefined, 'env'],
      [aa?.method, 'agent'],
      ['token', 'default'],
    )
    const defaultMount = method === 'kubernetes' ? 'kubernetes' : method === 'approle' ? 'approle' : 'token'
    const agentSameMethod = aa?.method === method
    return {
      address: address?.replace(/\/+$/, ''),
      addressSource,
      caCert,
      caCertSource,
      skipVerify: skipVerifySource !== undefined,
      skipVerifySource,
      namespace: vc.namespace ?? strOf(env.VAULT_NAMESPACE) ?? a?.namespace,
      auth: {
        method: method as string,
        methodSource: methodSource as SettingSource,
        role: vc.auth.role ?? (agentSameMethod ? strOf(acfg.role) : undefined),
        mount: (vc.auth.mount ?? (agentSameMethod ? aa?.mountPath : undefined) ?? defaultMount).replace(
          /^\/?auth\//,
          '',
        ),
        jwtPath:
          vc.auth.jwtPath ??
          (agentSameMethod ? strOf(acfg.token_path) : undefined) ??
          (method === 'kubernetes' ? DEFAULT_JWT_PATH : undefined),
        tokenFile: vc.auth.tokenFile,
        roleIdFile: vc.auth.roleIdFile ?? (agentSameMethod ? strOf(acfg.role_id_file_path) : undefined),
        secretIdFile: vc.auth.secretIdFile ?? (agentSameMethod ? strOf(acfg.secret_id_file_path) : undefined),
      },
    }
  })

  const secretRefs = once(async () => {
    const refs: SecretRef[] = vc.secrets.map((s) => ({
      path: s.path.replace(/^\/+/, ''),
      keys: s.keys,
      source: 'config' as const,
    }))
    const a = await agentConfig()
    let unreadableTemplates: string[] = []
    if (a) {
      const t = await agentTemplateRefs(a)
      unreadableTemplates = t.unreadable
      for (const r of t.refs)
        for (const p of r.paths) {
          const keyRefs = r.keys.filter((k) => k.path === p)
          refs.push({
            path: p,
            keys: [...new Set(keyRefs.map((k) => k.key))],
            source: 'template',
            file: r.file,
            keyRefs,
          })
        }
    }
    return { refs, unreadableTemplates }
  })

  // One agent pair per run: TLS trust lives here, and destroying them ends every socket at the deadline.
  const agents = once(async () => {
    const s = await settings()
    let ca: string | undefined
    if (s.caCert) ca = await readOptional(s.caCert)
    const https = new HttpsAgent({ keepAlive: true, ca, rejectUnauthorized: !s.skipVerify })
    const http = new HttpAgent({ keepAlive: true })
    session.signal.addEventListener('abort', () => {
      https.destroy()
      http.destroy()
    })
    return { https, http }
  })

  const client = once(async (): Promise<NodeVaultClient> => {
    const s = await settings()
    if (!s.address)
      throw new ProviderError('vault', 'invalid', 'no Vault address: set vault.address or VAULT_ADDR')
    await redactDebugOutput()
    const mod = (await import('node-vault')) as unknown as { default: (o: Obj) => NodeVaultClient }
    // `debug` would print request bodies (JWTs, secret_ids) under DEBUG=node-vault, past the redactor.
    const c = mod.default({ endpoint: s.address, apiVersion: 'v1', requestOptions: {}, debug: () => {} })
    // node-vault falls back to VAULT_TOKEN/VAULT_NAMESPACE from process.env; the session decides instead.
    c.token = undefined
    c.namespace = s.namespace ?? ''
    return c
  })

  /** One Vault call: the run's signal, the per-call timeout, our agents, errors normalised. */
  async function call(
    what: string,
    options: {
      path: string
      method: string
      json?: unknown
      token?: string
      /** Sees the parsed body of an error response (never passed on: bodies may hold secrets). */
      onErrorBody?: (body: Obj) => void
    },
  ): Promise<unknown> {
    // The clock starts before the SDK loads: loading it is part of what this call costs the check.
    const signal = AbortSignal.any([session.signal, AbortSignal.timeout(callTimeoutMs)])
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(Object.assign(new Error('aborted: timeout'), { code: 'ETIMEDOUT' }))
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, { once: true })
    })
    aborted.catch(() => {})
    let req: Promise<unknown> | undefined
    try {
      const [c, ag] = await Promise.race([Promise.all([client(), agents()]), aborted])
      const headers: Record<string, string> = {}
      if (options.token) headers['X-Vault-Token'] = options.token
      req = c.request({
        path: options.path,
        method: options.method,
        json: options.json,
        headers,
        timeout: callTimeoutMs,
        httpsAgent: ag.https,
        httpAgent: ag.http,
      })
      return await Promise.race([req, aborted])
    } catch (e) {
      const body = (e as { response?: { body?: unknown } }).response?.body
      if (options.onErrorBody && isObj(body)) options.onErrorBody(body)
      throw toProviderError(e, what)
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort)
      req?.catch(() => {})
    }
  }

  const probeAddress = once(async (): Promise<AddressProbe> => {
    const s = await settings()
    // Load node-vault while the TCP probe runs, so the first API call does not pay for it.
    client().catch(() => {})
    if (!s.address)
      throw new ProviderError('vault', 'invalid', 'no Vault address: set vault.address or VAULT_ADDR')
    let url: URL
    try {
      url = new URL(s.address)
    } catch {
      throw new ProviderError('vault', 'invalid', `not a URL: ${s.address}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ProviderError('vault', 'invalid', `unsupported scheme ${url.protocol} in ${s.address}`)
    const scheme = url.protocol === 'https:' ? 'https' : 'http'
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const port = Number(url.port || (scheme === 'https' ? 443 : 80))
    let addresses: string[]
    if (isIP(host)) addresses = [host]
    else {
      try {
        addresses = (await lookup(host, { all: true })).map((a) => a.address)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'ENOTFOUND'
        throw new ProviderError('vault', 'dns', `cannot resolve ${host} (${code})`, { code, host })
      }
    }
    const started = Date.now()
    await new Promise<void>((resolve, reject) => {
      const sock = new Socket()
      const signal = AbortSignal.any([session.signal, AbortSignal.timeout(callTimeoutMs)])
      const done = (err?: ProviderError) => {
        sock.destroy()
        signal.removeEventListener('abort', onAbort)
        if (err) reject(err)
        else resolve()
      }
      const onAbort = () =>
        done(
          new ProviderError(
            'vault',
            'timeout',
            `no TCP answer from ${host}:${port} within ${callTimeoutMs} ms`,
            { host, port },
          ),
        )
      signal.addEventListener('abort', onAbort, { once: true })
      sock.once('connect', () => done())
      sock.once('error', (e: NodeJS.ErrnoException) =>
        done(
          e.code === 'ECONNREFUSED'
            ? new ProviderError('vault', 'refused', `connection refused by ${addresses[0]}:${port}`, {
                code: e.code,
                host,
                port,
              })
            : new ProviderError('vault', 'unreachable', `cannot connect to ${host}:${port} (${e.code})`, {
                code: e.code,
                host,
                port,
              }),
        ),
      )
      sock.connect(port, addresses[0] as string)
    })
    return { url: s.address, scheme, host, port, addresses, connectMs: Date.now() - started }
  })

  const tlsInfo = once(async (): Promise<TlsInfo> => {
    const s = await settings()
    const probe = await probeAddress()
    const trust = s.caCert ? `${s.caCert} (${s.caCertSource})` : 'system roots'
    if (probe.scheme === 'http') return { scheme: 'http', trust, skipVerify: s.skipVerify }
    let ca: string | undefined
    let caError: string | undefined
    if (s.caCert) {
      ca = await readOptional(s.caCert)
      if (ca === undefined) caError = `cannot read CA file ${s.caCert}`
    }
    return new Promise<TlsInfo>((resolve, reject) => {
      const signal = AbortSignal.any([session.signal, AbortSignal.timeout(callTimeoutMs)])
      const sock = tlsConnect({
        host: probe.addresses[0],
        port: probe.port,
        servername: isIP(probe.host) ? undefined : probe.host,
        ca,
        rejectUnauthorized: false,
      })
      const onAbort = () => {
        sock.destroy()
        reject(new ProviderError('vault', 'timeout', `no TLS handshake from ${probe.host}:${probe.port}`, {}))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      sock.once('error', (e: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort)
        reject(toProviderError(e, 'TLS handshake'))
      })
      sock.once('secureConnect', () => {
        signal.removeEventListener('abort', onAbort)
        const cert = sock.getPeerCertificate() as PeerCertificate
        const hostErr = cert && Object.keys(cert).length ? checkServerIdentity(probe.host, cert) : undefined
        const name = (o: unknown) =>
          isObj(o)
            ? Object.entries(o)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(', ')
            : undefined
        resolve({
          scheme: 'https',
          authorized: sock.authorized && !hostErr,
          authorizationError: sock.authorizationError ? String(sock.authorizationError) : undefined,
          hostnameError: hostErr?.message,
          subject: name(cert.subject),
          issuer: name(cert.issuer),
          altNames: cert.subjectaltname,
          validFrom: cert.valid_from ? new Date(cert.valid_from) : undefined,
          validTo: cert.valid_to ? new Date(cert.valid_to) : undefined,
          trust,
          caError,
          skipVerify: s.skipVerify,
        })
        sock.destroy()
      })
    })
  })

  const health = once(async (): Promise<HealthInfo> => {
    const sentAt = session.now()
    const body = await call('GET sys/health', {
      method: 'GET',
      path: '/sys/health?standbyok=false&perfstandbyok=false',
    })
    const receivedAt = session.now()
    if (!isObj(body) || typeof body.initialized !== 'boolean')
      throw new ProviderError(
        'vault',
        'unexpected',
        'sys/health did not answer like Vault (no "initialized" field)',
      )
    const serverTime =
      typeof body.server_time_utc === 'number' ? new Date(body.server_time_utc * 1000) : undefined
    if (serverTime)
      session.recorder.observeClock({
        source: 'vault',
        serverTime,
        localTime: new Date((sentAt.getTime() + receivedAt.getTime()) / 2),
      })
    return {
      initialized: body.initialized,
      sealed: body.sealed === true,
      standby: body.standby === true,
      performanceStandby: body.performance_standby === true,
      drSecondary: body.replication_dr_mode === 'secondary',
      version: strOf(body.version),
      clusterName: strOf(body.cluster_name),
      serverTime,
    }
  })

  /** The token the doctor uses, and how it got it. Tokens and credentials are registered as they are read. */
  const auth = once(async (): Promise<{ token: string; info: LoginInfo }> => {
    const s = await settings()
    const m = s.auth.method
    if (m === 'token') {
      const envToken = config.vault.token ?? strOf(env.VAULT_TOKEN)
      if (envToken) {
        registerSecret(envToken)
        return { token: envToken, info: { method: 'token', source: 'VAULT_TOKEN' } }
      }
      const a = await agentConfig()
      const candidates: [string | undefined, string][] = [
        [s.auth.tokenFile, 'token file'],
        [a?.sinks.find((k) => k.type === 'file' && k.path)?.path, 'agent sink'],
      ]
      for (const [file, label] of candidates) {
        if (!file) continue
        const text = await readOptional(file)
        if (text === undefined)
          throw new ProviderError('vault', 'invalid', `cannot read the ${label} ${file}`, { file })
        const token = text.trim()
        registerSecret(token)
        if (!token) throw new ProviderError('vault', 'invalid', `the ${label} ${file} is empty`, { file })
        return { token, info: { method: 'token', source: `${label} ${file}` } }
      }
      throw new ProviderError(
        'vault',
        'invalid',
        'no token: set VAULT_TOKEN, vault.auth.tokenFile, or an agent file sink',
      )
    }
    if (m === 'kubernetes') {
      if (!s.auth.role)
        throw new ProviderError(
          'vault',
          'invalid',
          'kubernetes auth needs a role (vault.auth.role or auto_auth config.role)',
        )
      const jwtPath = s.auth.jwtPath ?? DEFAULT_JWT_PATH
      const jwt = (await readOptional(jwtPath))?.trim()
      if (!jwt)
        throw new ProviderError('vault', 'invalid', `cannot read the service-account token ${jwtPath}`, {
          file: jwtPath,
        })
      registerSecret(jwt)
      const body = await call(`POST auth/${s.auth.mount}/login`, {
        method: 'POST',
        path: `/auth/${s.auth.mount}/login`,
        json: { role: s.auth.role, jwt },
      })
      return fromLogin(body, { method: 'kubernetes', mount: s.auth.mount, role: s.auth.role })
    }
    if (m === 'approle') {
      const roleId = s.auth.roleIdFile ? (await readOptional(s.auth.roleIdFile))?.trim() : undefined
      if (!roleId)
        throw new ProviderError(
          'vault',
          'invalid',
          `cannot read the AppRole role_id file ${s.auth.roleIdFile ?? '(unset)'}`,
        )
      const secretId = s.auth.secretIdFile ? (await readOptional(s.auth.secretIdFile))?.trim() : undefined
      registerSecret(secretId)
      const body = await call(`POST auth/${s.auth.mount}/login`, {
        method: 'POST',
        path: `/auth/${s.auth.mount}/login`,
        json: secretId ? { role_id: roleId, secret_id: secretId } : { role_id: roleId },
      })
      return fromLogin(body, { method: 'approle', mount: s.auth.mount })
    }
    throw new ProviderError(
      'vault',
      'invalid',
      `auth method "${m}" is not supported by the doctor (token, kubernetes, approle)`,
    )
  })

  function fromLogin(
    body: unknown,
    info: { method: string; mount: string; role?: string },
  ): { token: string; info: LoginInfo } {
    const a = isObj(body) && isObj(body.auth) ? body.auth : undefined
    const token = strOf(a?.client_token)
    if (!token)
      throw new ProviderError('vault', 'unexpected', `auth/${info.mount}/login returned no client_token`)
    registerSecret(token)
    return {
      token,
      info: {
        ...info,
        source: `${info.method} login (auth/${info.mount}${info.role ? `, role ${info.role}` : ''})`,
        policies: Array.isArray(a?.policies) ? (a.policies as string[]) : undefined,
      },
    }
  }

  const token = async () => (await auth()).token

  const lookupToken = async (tok: string): Promise<TokenInfo> => {
    const body = await call('GET auth/token/lookup-self', {
      method: 'GET',
      path: '/auth/token/lookup-self',
      token: tok,
    })
    const d = isObj(body) && isObj(body.data) ? body.data : {}
    registerSecret(strOf(d.id))
    return {
      displayName: strOf(d.display_name) ?? '(unnamed)',
      policies: Array.isArray(d.policies) ? (d.policies as string[]) : [],
      identityPolicies: Array.isArray(d.identity_policies) ? (d.identity_policies as string[]) : [],
      ttlSec: typeof d.ttl === 'number' ? d.ttl : 0,
      creationTtlSec: typeof d.creation_ttl === 'number' ? d.creation_ttl : 0,
      expireTime: strOf(d.expire_time),
      renewable: d.renewable === true,
      entityId: strOf(d.entity_id),
      path: strOf(d.path),
      orphan: d.orphan === true,
    }
  }

  const tokenSelf = once(async (): Promise<TokenInfo> => {
    const info = await lookupToken(await token())
    const login = (await auth()).info
    session.recorder.identity({
      provider: 'vault',
      principal: info.displayName,
      source: login.source,
      policies: [...info.policies, ...info.identityPolicies],
      ...(info.expireTime ? { expiresAt: info.expireTime } : {}),
      ...(info.entityId ? { entityId: info.entityId } : {}),
    })
    return info
  })

  const agentToken = once(async () => {
    const a = await agentConfig()
    const sink = a?.sinks.find((k) => k.type === 'file' && k.path && !k.wrapped)
    if (!sink?.path) return undefined
    const path = sink.path
    const text = await readOptional(path)
    if (text === undefined) return { path, state: 'unreadable' as const }
    const tok = text.trim()
    registerSecret(tok)
    if (!tok) return { path, state: 'empty' as const }
    if (tok === (await token())) return { path, state: 'same-as-doctor' as const }
    try {
      return { path, state: 'ok' as const, info: await lookupToken(tok) }
    } catch (e) {
      if (isProviderError(e) && (e.kind === 'unauthenticated' || e.kind === 'denied'))
        return { path, state: 'invalid' as const }
      throw e
    }
  })

  const capsCache = memoByKey(async (key: string) => {
    const paths = JSON.parse(key) as string[]
    const body = await call('POST sys/capabilities-self', {
      method: 'POST',
      path: '/sys/capabilities-self',
      json: { paths },
      token: await token(),
    })
    const data = isObj(body) && isObj(body.data) ? body.data : isObj(body) ? body : {}
    const out: Record<string, string[]> = {}
    for (const p of paths) out[p] = Array.isArray(data[p]) ? (data[p] as string[]) : ['deny']
    return out
  })

  const mountInfo = memoByKey(async (path: string): Promise<MountInfo | undefined> => {
    try {
      const body = await call(`GET sys/internal/ui/mounts/${path}`, {
        method: 'GET',
        path: `/sys/internal/ui/mounts/${path.replace(/^\/+/, '')}`,
        token: await token(),
      })
      const d = isObj(body) && isObj(body.data) ? body.data : {}
      const type = strOf(d.type) ?? 'unknown'
      const opts = isObj(d.options) ? d.options : {}
      const kvVersion = type === 'kv' || type === 'generic' ? (opts.version === '2' ? 2 : 1) : undefined
      return { mount: strOf(d.path) ?? '', type, kvVersion }
    } catch (e) {
      const pe = toProviderError(e, 'mount lookup')
      if (pe.kind === 'denied' || pe.kind === 'not-found') return undefined
      throw pe
    }
  })

  const readSecret = memoByKey(async (apiPath: string): Promise<SecretShape> => {
    // A 404 with a body matters here (soft-deleted versions, the KV v2 "Invalid path" warning); only those
    // two metadata facts are kept from it.
    let warning: string | undefined
    let deletedVersion: number | undefined
    let deleted = false
    try {
      const body = await call(`GET ${apiPath}`, {
        method: 'GET',
        path: `/${apiPath}`,
        token: await token(),
        onErrorBody: (b) => {
          if (Array.isArray(b.warnings))
            warning = b.warnings.map(String).find((w) => w.includes('Invalid path for a versioned K/V'))
          if (isObj(b.data) && isObj(b.data.metadata)) {
            deleted = true
            deletedVersion = Number(b.data.metadata.version) || undefined
          }
        },
      })
      const b = isObj(body) ? body : {}
      registerAll(b.data)
      const d = isObj(b.data) ? b.data : {}
      const kv2 = isObj(d.data) && isObj(d.metadata)
      const payload = kv2 ? (d.data as Obj) : d
      const keys: Record<string, KeyState> = {}
      for (const [k, v] of Object.entries(payload)) keys[k] = keyState(v)
      // When the current version was written: node.env-file-freshness tells a stale copy from an old source.
      const created = kv2 && isObj(d.metadata) ? strOf(d.metadata.created_time) : undefined
      if (created && !Number.isNaN(Date.parse(created)))
        session.recorder.sourceChanged({ provider: 'vault', secret: apiPath, changedAt: new Date(created) })
      return {
        state: 'ok',
        keys,
        version:
          kv2 && isObj(d.metadata) && typeof d.metadata.version === 'number' ? d.metadata.version : undefined,
        leaseDurationSec: typeof b.lease_duration === 'number' ? b.lease_duration : 0,
        renewable: b.renewable === true,
        leased: strOf(b.lease_id) !== undefined,
      }
    } catch (e) {
      const pe = e as ProviderError
      if (pe.kind === 'denied' || pe.kind === 'unauthenticated')
        return {
          state: 'denied',
          message: String(pe.facts.error ?? pe.message),
          invalidToken: pe.kind === 'unauthenticated',
        }
      if (pe.kind === 'not-found') {
        if (warning) return { state: 'kv2-path-without-data', warning }
        if (deleted) return { state: 'deleted', version: deletedVersion }
        return { state: 'not-found' }
      }
      throw pe
    }
  })

  return {
    settings,
    agent,
    secretRefs,
    probeAddress,
    tlsInfo,
    health,
    login: async () => (await auth()).info,
    tokenSelf,
    agentToken,
    capabilities: (paths) => capsCache(JSON.stringify([...paths])),
    mountInfo,
    readSecret,
    audits: once(async () => {
      const body = await call('GET sys/audit', { method: 'GET', path: '/sys/audit', token: await token() })
      const d = isObj(body) && isObj(body.data) ? body.data : {}
      return Object.entries(d)
        .filter(([, v]) => isObj(v))
        .map(([k, v]) => ({ path: k, type: strOf((v as Obj).type) ?? 'unknown' }))
    }),
    sampleRead: async (apiPath) => {
      const t = await token()
      const started = performance.now()
      try {
        await call(`GET ${apiPath}`, { method: 'GET', path: `/${apiPath}`, token: t })
      } catch (e) {
        // A 404/403 still measures the round trip; only transport failures are not a sample.
        const pe = e as ProviderError
        if (!['denied', 'not-found', 'unauthenticated', 'invalid'].includes(pe.kind)) throw pe
      }
      return performance.now() - started
    },
  }
}

export default defineProvider({
  id: 'vault',
  title: 'HashiCorp Vault',
  config: vaultConfig,
  configured: (config) => config.vault.configured,
  notConfigured: 'no Vault here: set vault.address (or VAULT_ADDR) or vault.agentConfig',
  create,
})

/** How a configured path relates to its KV mount: the API path to read, and the correction when it is wrong. */
export function kvPathCheck(
  path: string,
  mount: MountInfo,
): {
  readonly problem?: 'kv2-missing-data' | 'kv1-given-data'
  readonly corrected?: string
  readonly logical: string
} {
  const clean = path.replace(/^\/+/, '')
  const rest = clean.startsWith(mount.mount) ? clean.slice(mount.mount.length) : clean
  if (mount.kvVersion === 2) {
    if (rest.startsWith('data/') || rest.startsWith('metadata/'))
      return { logical: rest.replace(/^(data|metadata)\//, '') }
    return { problem: 'kv2-missing-data', corrected: `${mount.mount}data/${rest}`, logical: rest }
  }
  if (mount.kvVersion === 1 && rest.startsWith('data/'))
    return { problem: 'kv1-given-data', corrected: `${mount.mount}${rest.slice(5)}`, logical: rest.slice(5) }
  return { logical: rest }
}
