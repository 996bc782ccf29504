// How the doctor proves who it is to the API server, from the kubeconfig's current context. Static
// credentials — a bearer token (the in-cluster case), a client certificate, a user name and password — need
// nothing but a TLS agent and a header, built here. Credentials that must be produced or refreshed (an exec
// plugin such as `aws eks get-token` or `kubelogin`, a legacy auth-provider), impersonation and proxies are
// left to @kubernetes/client-node, loaded only then: it is a large library, and on a small or busy node its
// first load costs seconds of the check that reaches the API.
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type * as K8s from '@kubernetes/client-node'
import { bounded, callSignal, CallTimeout } from '../../core/net.js'
import { once, ProviderError, type ConfigWith, type ProviderSession } from '../../core/provider.js'
import { formatDuration } from '../../core/duration.js'
import { registerSecret } from '../../core/redact.js'
import { oneLine } from '../../core/text.js'
import type { KubernetesConfig } from './config.js'

export type Session = ProviderSession<ConfigWith<'kubernetes', KubernetesConfig>>

/** A kubeconfig as YAML gives it; only the fields read here are narrowed. */
export type Doc = Record<string, unknown>

export interface RequestAuth {
  readonly headers: Readonly<Record<string, string>>
  readonly agent: HttpAgent
}

export interface Connection {
  /** The API server's URL, as the kubeconfig names it. */
  readonly server: string
  /** Who the kubeconfig says we are (SelfSubjectReview may know better). */
  readonly user: string
  readonly source: 'kubeconfig' | 'in-cluster'
  /** Headers and TLS agent for a request; produced once per run (an exec plugin runs once, not per call). */
  authorize(): Promise<RequestAuth>
}

const invalid = (message: string) => new ProviderError('kubernetes', 'invalid', message)

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const named = (doc: Doc, list: string, name: string | undefined): Doc | undefined => {
  const entries = Array.isArray(doc[list]) ? (doc[list] as Doc[]) : []
  const hit = entries.find((e) => e && typeof e === 'object' && e.name === name)
  const key = list.slice(0, -1)
  return hit && typeof hit[key] === 'object' && hit[key] ? (hit[key] as Doc) : undefined
}

/** The connection the kubeconfig's current (or the configured) context describes. */
export function connection(doc: Doc, session: Session, source: Connection['source']): Connection {
  // In a pod there is one way in, whatever context a kubeconfig elsewhere would have been asked for.
  const configured = source === 'in-cluster' ? undefined : session.config.kubernetes.context
  const contextName = configured ?? str(doc['current-context'])
  const context = named(doc, 'contexts', contextName)
  const cluster = named(doc, 'clusters', str(context?.cluster))
  if (!context || !cluster)
    throw invalid(`kubeconfig has no cluster for context "${contextName ?? '(none)'}"`)
  const server = str(cluster.server)?.replace(/\/+$/, '')
  if (!server) throw invalid(`kubeconfig cluster ${String(context.cluster)} has no server`)
  const skipVerify = cluster['insecure-skip-tls-verify'] === true
  if (server.startsWith('http:') && !skipVerify)
    throw invalid(
      `kubeconfig cluster ${String(context.cluster)} uses plain http (${server}) without insecure-skip-tls-verify`,
    )
  const userName = str(context.user)
  const user = named(doc, 'users', userName) ?? {}
  const dynamic = 'exec' in user || 'auth-provider' in user || 'as' in user || 'proxy-url' in cluster
  return {
    server,
    user: userName ?? 'anonymous',
    source,
    authorize: once(
      dynamic
        ? () => libraryAuth(doc, contextName as string, session)
        : async () => staticAuth(server, cluster, user),
    ),
  }
}

const pem = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined)

function staticAuth(server: string, cluster: Doc, user: Doc): RequestAuth {
  const token = str(user.token)?.trim()
  const username = str(user.username)
  const password = typeof user.password === 'string' ? user.password : ''
  const key = pem(user['client-key-data'])
  for (const secret of [token, password, key]) registerSecret(secret)
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  else if (username)
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  if (!server.startsWith('https:')) return { headers, agent: new HttpAgent() }
  const servername = str(cluster['tls-server-name'])
  const agent = new HttpsAgent({
    ca: pem(cluster['certificate-authority-data']),
    cert: pem(user['client-certificate-data']),
    key,
    ...(servername ? { servername } : {}),
    ...(cluster['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
  })
  return { headers, agent }
}

/** Credentials client-node produces: it runs the exec plugin (bounded by one call limit) or auth-provider. */
async function libraryAuth(doc: Doc, contextName: string, session: Session): Promise<RequestAuth> {
  let sdk: typeof K8s
  try {
    sdk = await import('@kubernetes/client-node')
  } catch (e) {
    throw new ProviderError('kubernetes', 'unexpected', `cannot load @kubernetes/client-node: ${String(e)}`)
  }
  const kc = new sdk.KubeConfig()
  let init: Awaited<ReturnType<K8s.KubeConfig['applyToFetchOptions']>>
  try {
    kc.loadFromString(JSON.stringify(doc))
    kc.setCurrentContext(contextName)
    init = await bounded(kc.applyToFetchOptions({}), callSignal(session))
  } catch (e) {
    const why =
      e instanceof CallTimeout
        ? `no credentials within ${formatDuration(e.limitMs)} (is the exec plugin waiting for input?)`
        : oneLine((e as Error).message, 300)
    throw invalid(`the kubeconfig's credentials: ${why}`)
  }
  const headers: Record<string, string> = {}
  // node-fetch's Headers, whatever RequestInit's type allows.
  const given = init.headers as { forEach(cb: (value: string, name: string) => void): void } | undefined
  given?.forEach((value, name) => {
    headers[name.toLowerCase()] = value
  })
  // Tokens an exec plugin or auth provider produced exist only here: the redactor learns them now.
  registerSecret(headers.authorization?.replace(/^(Bearer|Basic)\s+/i, ''))
  return { headers, agent: init.agent as HttpAgent }
}
