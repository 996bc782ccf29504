// How every Vault API call travels: node-vault builds the request (URL, namespace, error shape) and hands it
// to a requester of ours, on axios (the HTTP client node-vault itself uses, pinned to the same version), which
// - never follows a redirect (`maxRedirects: 0`): a 3xx to another host is a redirectError, so the
//   X-Vault-Token of the call is never sent anywhere but the configured address;
// - takes the call's signal (per-call limit, run deadline), our TLS agents and a body-size cap;
// - reads the answer itself: an answer that is not Vault's JSON (an HTML page, a proxy's 502, malformed
//   JSON) is named with its HTTP status and content type and never reaches a check as data;
// - keeps the status, content type and Retry-After for the error a check shows.
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { format } from 'node:util'
import { formatBytes, InputFileError, readInput } from '../../core/files.js'
import {
  bounded,
  callSignal,
  classifyNetworkError,
  httpAnswerError,
  httpStatusError,
  isCrossOrigin,
  mediaType,
  networkFault,
  redirectError,
  RunAborted,
  type CallTarget,
} from '../../core/net.js'
import { once, ProviderError } from '../../core/provider.js'
import { redact, registerSecret } from '../../core/redact.js'
import { oneLine } from '../../core/text.js'
import type { SettingSource, VaultSettings } from './api.js'
import { cleanVaultError } from './model.js'
import type { VaultSession } from './settings.js'

export type Obj = Record<string, unknown>
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
export const strOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** What answered a call: enough to name an answer that is not Vault's, or a throttled one. */
export interface VaultAnswer {
  readonly status: number
  readonly contentType?: string
  readonly retryAfter?: string
}

export interface VaultCallOptions {
  readonly path: string
  readonly method: 'GET' | 'POST'
  readonly json?: unknown
  readonly token?: string
  /** Sees the parsed body of an error response (never passed on: bodies may hold secrets). */
  readonly onErrorBody?: (body: Obj) => void
}

export interface VaultReply {
  readonly body: unknown
  readonly answer: VaultAnswer
  readonly target: CallTarget
}

/** One Vault call, bounded by the per-call limit and the run; errors become ProviderError (or RunAborted). */
export type VaultCall = (what: string, options: VaultCallOptions) => Promise<VaultReply>

/** No Vault answer is this large; a runaway proxy or a wrong endpoint streaming a file is cut off here. */
export const MAX_BODY_BYTES = 8 << 20

const SERVICE = 'Vault'

/** The answer of a call that is not Vault's: its status and content type, never a pass. */
export const notVault = (t: CallTarget, a: VaultAnswer): ProviderError =>
  httpAnswerError(t, { ...a, service: SERVICE })

/** Vault's own error answer (`{"errors": [...]}`): its status, Vault's words and Retry-After. */
export function vaultStatusError(
  t: CallTarget,
  status: number,
  raw: string,
  retryAfter?: string,
): ProviderError {
  const error = cleanVaultError(raw)
  const base = httpStatusError(t, {
    status,
    message: /^Status \d+$/.test(error) ? undefined : error,
    retryAfter,
    service: SERVICE,
  })
  // Vault answers 403 for a token it does not know as well as for a policy that says no.
  const kind = status === 403 && /invalid token/.test(error) ? 'unauthenticated' : base.kind
  return new ProviderError('vault', kind, base.message, { ...base.facts, error })
}

/** Whatever a call threw → a ProviderError with safe facts only, or the run's own RunAborted. */
export function vaultError(e: unknown, t: CallTarget, answer?: VaultAnswer): ProviderError | RunAborted {
  if (e instanceof ProviderError || e instanceof RunAborted) return e
  // node-vault's ApiResponseError: Vault answered with its JSON error. Checked before the network
  // classifier, because Vault's own texts may say "connection refused" about its storage or a database.
  const status = (e as { response?: { statusCode?: unknown } }).response?.statusCode
  const message = e instanceof Error ? e.message : String(e)
  if (typeof status === 'number') return vaultStatusError(t, status, message, answer?.retryAfter)
  const net = classifyNetworkError(e, t)
  if (net) return net
  if (/maxContentLength/.test(message))
    return networkFault(
      t,
      'not-the-service',
      `answered with more than ${formatBytes(MAX_BODY_BYTES)}, not Vault`,
    )
  return new ProviderError('vault', 'unexpected', `${t.what}: ${oneLine(message)}`)
}

/** What node-vault hands its request-promise: our call's options, with the URI it built. */
interface RpOptions {
  readonly method: string
  readonly uri: string
  readonly headers?: Record<string, string>
  readonly json?: unknown
  readonly signal?: AbortSignal
  readonly what: string
  /** Set by the requester: what answered. */
  answer?: VaultAnswer
}

interface RpResponse {
  readonly statusCode: number
  readonly body: unknown
  readonly request: { readonly path: string }
}

interface AxiosLike {
  request(config: Obj): Promise<{ status: number; headers: Obj; data: unknown }>
}

export interface Agents {
  readonly http: HttpAgent
  readonly https: HttpsAgent
}

const header = (headers: Obj, name: string) => {
  const v = headers[name]
  return typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(', ') : undefined
}

/** The body of an answer that is Vault's (parsed JSON, or undefined when empty); throws for any other. */
function vaultBody(t: CallTarget, a: VaultAnswer, location: string | undefined, data: unknown): unknown {
  if (a.status >= 300 && a.status < 400) {
    if (location && isCrossOrigin(t.endpoint ?? '', location)) throw redirectError(t, a.status, location)
    throw notVault(t, a)
  }
  const text = typeof data === 'string' ? data : ''
  if (!text.trim()) {
    // Vault says "no content" with 204; an empty 200 is something else answering.
    if (a.status === 200) throw notVault(t, a)
    return undefined
  }
  if (mediaType(a.contentType) !== 'application/json') throw notVault(t, a)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw notVault(t, a)
  }
}

/** node-vault's `request-promise` option: how it sends a request it has built. */
function requester(axios: AxiosLike, agents: Agents) {
  return async (o: RpOptions): Promise<RpResponse> => {
    const res = await axios.request({
      method: o.method,
      url: o.uri,
      headers: o.headers,
      data: o.json,
      httpAgent: agents.http,
      httpsAgent: agents.https,
      signal: o.signal,
      maxRedirects: 0,
      maxContentLength: MAX_BODY_BYTES,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
    })
    const answer = {
      status: res.status,
      contentType: header(res.headers, 'content-type'),
      retryAfter: header(res.headers, 'retry-after'),
    }
    o.answer = answer
    const t = { provider: 'vault', what: o.what, endpoint: o.uri }
    const body = vaultBody(t, answer, header(res.headers, 'location'), res.data)
    return { statusCode: res.status, body, request: { path: new URL(o.uri).pathname } }
  }
}

/**
 * Under DEBUG=*, the `debug` package prints whatever its users log (axios' follow-redirects logs request
 * options, X-Vault-Token included) straight to stderr: route it through the redactor before node-vault loads.
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

interface NodeVaultClient {
  request(options: Obj): Promise<unknown>
  token?: string
  namespace?: string
}

/**
 * node-vault, and axios imported as a module of ours, not resolved from node-vault's folder at run time: the
 * bundle and the single executable carry no node_modules to resolve it in.
 */
async function loadNodeVault(): Promise<{ nodeVault: (o: Obj) => NodeVaultClient; axios: AxiosLike }> {
  await redactDebugOutput()
  const [mod, ax] = await Promise.all([
    import('node-vault') as unknown as Promise<{ default: (o: Obj) => NodeVaultClient }>,
    import('axios') as unknown as Promise<{ default: AxiosLike }>,
  ])
  return { nodeVault: mod.default, axios: ax.default }
}

const SOURCE_WORDS: Record<SettingSource, string> = {
  config: 'vault.caCert',
  env: 'VAULT_CACERT',
  agent: 'the agent config',
  default: 'default',
  jobspec: 'tls.ca_cert in the pipeline JobSpec',
}

/** The configured CA bundle, or why it cannot be used (the TLS check reports it; calls use system roots). */
export async function readCa(s: VaultSettings): Promise<{ pem?: string; error?: string }> {
  if (!s.caCert) return {}
  const from = ` (from ${SOURCE_WORDS[s.caCertSource ?? 'config']})`
  try {
    const pem = await readInput(s.caCert, 'CA file')
    if (!/-----BEGIN CERTIFICATE-----/.test(pem))
      return { error: `the CA file ${s.caCert}${from} holds no PEM certificate` }
    return { pem }
  } catch (e) {
    if (e instanceof InputFileError) return { error: `cannot read the CA file${from}: ${e.message}` }
    throw e
  }
}

/** The client certificate and key for mutual TLS, or why they cannot be used (calls then present none). */
export async function readClientCert(
  s: VaultSettings,
): Promise<{ cert?: string; key?: string; error?: string }> {
  if (!s.clientCert && !s.clientKey) return {}
  if (!s.clientCert || !s.clientKey)
    return {
      error: `a client ${s.clientCert ? 'certificate' : 'key'} without its ${s.clientCert ? 'key' : 'certificate'}`,
    }
  try {
    const cert = await readInput(s.clientCert, 'CA file')
    const key = await readInput(s.clientKey, 'credentials file')
    registerSecret(key)
    if (!/-----BEGIN CERTIFICATE-----/.test(cert))
      return { error: `the client certificate ${s.clientCert} holds no PEM certificate` }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))
      return { error: `the client key ${s.clientKey} holds no PEM private key` }
    return { cert, key }
  } catch (e) {
    if (e instanceof InputFileError)
      return { error: `cannot read the client certificate or key: ${e.message}` }
    throw e
  }
}

export interface Transport {
  readonly call: VaultCall
  /** Starts loading node-vault (a TCP probe runs meanwhile). */
  preload(): void
}

export function createTransport(session: VaultSession, settings: () => Promise<VaultSettings>): Transport {
  // One agent pair per run: TLS trust lives here, and destroying them ends every socket at the deadline.
  const agents = once(async (): Promise<Agents> => {
    const s = await settings()
    const [{ pem }, client] = await Promise.all([readCa(s), readClientCert(s)])
    const https = new HttpsAgent({
      keepAlive: true,
      ca: pem,
      cert: client.cert,
      key: client.key,
      rejectUnauthorized: !s.skipVerify,
    })
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
    const [{ nodeVault, axios }, ag] = await Promise.all([loadNodeVault(), agents()])
    const rp = requester(axios, ag)
    const c = nodeVault({
      endpoint: s.address,
      apiVersion: 'v1',
      'request-promise': { defaults: () => rp },
      // `debug` would print request bodies (JWTs, secret_ids) under DEBUG=node-vault, past the redactor.
      debug: () => {},
    })
    // node-vault falls back to VAULT_TOKEN/VAULT_NAMESPACE from process.env; the session decides instead.
    c.token = undefined
    c.namespace = s.namespace ?? ''
    return c
  })

  const call: VaultCall = async (what, o) => {
    // The clock starts before the SDK loads: loading it is part of what this call costs the check.
    const signal = callSignal(session)
    const endpoint = (await settings()).address
    // node-vault adds the URI it builds and passes this very object to the requester, which sets `answer`.
    const rp: Obj & Pick<RpOptions, 'answer'> = {
      path: o.path,
      method: o.method,
      ...(o.json === undefined ? {} : { json: o.json }),
      headers: o.token ? { 'X-Vault-Token': o.token } : {},
      signal,
      what,
    }
    const target: CallTarget = { provider: 'vault', what, endpoint, signal }
    try {
      const c = await bounded(client(), signal)
      const body = await bounded(c.request(rp), signal)
      return { body, answer: rp.answer ?? { status: 0 }, target }
    } catch (e) {
      const body = (e as { response?: { body?: unknown } }).response?.body
      if (o.onErrorBody && isObj(body)) o.onErrorBody(body)
      throw vaultError(e, target, rp.answer)
    }
  }

  return { call, preload: () => void client().catch(() => {}) }
}
