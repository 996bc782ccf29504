// The Secret Manager client (@google-cloud/secret-manager in REST-fallback mode) against the configured
// endpoint. Its requests go through the provider's transport instead of the client's own: the client keeps
// doing what it is for (the RPC's URL, encoding, decoding), and the transport bounds, classifies and judges
// every answer — an HTML page, a body that is not JSON or not a Secret Manager resource, a proxy's 5xx, a
// redirect — before the client can misread it. Service errors are classified here with their HTTP status
// and Retry-After, which the client would drop; none of them is retried, so a call costs one call limit.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'
import { formatDuration } from '../../core/duration.js'
import { bounded, callSignal, callTimeoutMs, RunAborted } from '../../core/net.js'
import { isNetworkFault, isProviderError, once, ProviderError } from '../../core/provider.js'
import { classifyApiError, isRpcErrorBody, serviceError } from './errors.js'
import { loadSecretManager } from './sdk.js'
import type { GcpSession } from './session.js'
import {
  callFailure,
  isJson,
  jsonOf,
  notTheService,
  type GcpTarget,
  type HttpReply,
  type Transport,
} from './transport.js'

export const DEFAULT_ENDPOINT = 'https://secretmanager.googleapis.com'

export interface SmEndpoint {
  readonly apiEndpoint: string
  readonly port: number
  readonly protocol: 'http' | 'https'
  /** `https://host[:port]` */
  readonly url: string
}

export function parseEndpoint(raw: string): SmEndpoint {
  const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`)
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443
  return {
    apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    protocol,
    url: `${protocol}://${url.host}`,
  }
}

const apiTarget = (operation: string): GcpTarget => ({
  what: `Secret Manager ${operation}`,
  service: 'Google Secret Manager',
  source: 'gcp secretmanager',
})

/** The RPC a REST URL of the client stands for, as findings name the call. */
function operationOf(url: URL): string {
  if (url.pathname.endsWith(':access')) return 'AccessSecretVersion'
  return url.pathname.includes('/versions/') ? 'GetSecretVersion' : 'GetSecret'
}

/** Every successful Secret Manager answer the doctor asks for is a resource with a `name`. */
function judge(target: GcpTarget, reply: HttpReply, url: URL): void {
  const json = jsonOf(reply)
  if (reply.status >= 200 && reply.status < 300) {
    if (json && typeof (json as { name?: unknown }).name === 'string') return
    throw notTheService(
      target,
      reply,
      json !== undefined
        ? 'no resource name in it'
        : isJson(reply.contentType)
          ? 'the body is not valid JSON'
          : undefined,
    )
  }
  if (!isRpcErrorBody(json)) throw notTheService(target, reply)
  throw serviceError(
    decodeURIComponent(url.pathname)
      .replace(/^\/v1\//, '')
      .replace(/:access$/, ''),
    {
      httpStatus: reply.status,
      body: json.error,
      retryAfter: reply.headers.get('retry-after') ?? undefined,
    },
  )
}

/** The signal of the call in progress: the transport aborts the client's request with it. */
const callContext = new AsyncLocalStorage<AbortSignal>()

interface FetchInit {
  readonly method?: string
  readonly headers?: HeadersInit
  readonly signal?: AbortSignal
}

async function clientFetch(http: Transport, token: () => Promise<string>, input: unknown, init: FetchInit) {
  const url = new URL(String(input))
  const target = apiTarget(operationOf(url))
  const signals = [callContext.getStore(), init.signal].filter(
    (s): s is AbortSignal => s instanceof AbortSignal,
  )
  const headers = new Headers(init.headers)
  headers.set('authorization', `Bearer ${await token()}`)
  const reply = await http.request(target, url.href, {
    method: init.method === 'POST' ? 'POST' : 'GET',
    headers,
    signal: signals.length ? AbortSignal.any(signals) : undefined,
  })
  judge(target, reply, url)
  return new Response(reply.text, { status: reply.status, headers: { 'content-type': 'application/json' } })
}

export interface SecretManager {
  readonly endpoint: SmEndpoint
  /** Starts loading the client (about a second), e.g. while the token exchange runs. */
  preload(): void
  /**
   * One RPC, bounded by one call limit that starts before the client is loaded; every failure a ProviderError
   * (network faults and answers that are not Secret Manager carry their `fault`), or the run's RunAborted.
   */
  call<T>(operation: string, resource: string, fn: (c: SecretManagerServiceClient) => Promise<T>): Promise<T>
}

export function createSecretManager(
  session: GcpSession,
  http: Transport,
  token: () => Promise<string>,
): SecretManager {
  const endpoint = parseEndpoint(session.config.gcp.endpoint || DEFAULT_ENDPOINT)
  const client = once(async (): Promise<SecretManagerServiceClient> => {
    const { SecretManagerServiceClient } = await loadSecretManager()
    const authClient = {
      getRequestHeaders: async () => new Headers(),
      fetch: (input: unknown, init: FetchInit = {}) => clientFetch(http, token, input, init),
    }
    return new SecretManagerServiceClient({
      fallback: true,
      apiEndpoint: endpoint.apiEndpoint,
      port: endpoint.port,
      protocol: endpoint.protocol,
      authClient,
    } as unknown as ConstructorParameters<typeof SecretManagerServiceClient>[0])
  })

  const load = async (signal: AbortSignal) => {
    try {
      return await bounded(client(), signal)
    } catch (e) {
      if (isProviderError(e) || e instanceof RunAborted || !signal.aborted) throw e
      // The limit went on loading the client: not the endpoint's fault, and not a finding about it.
      throw new ProviderError(
        'gcp',
        'unexpected',
        `the Secret Manager client did not load within ${formatDuration(callTimeoutMs(session.timeoutMs))}`,
      )
    }
  }

  return {
    endpoint,
    preload: () =>
      void client()
        .then((c) => c.initialize())
        .catch(() => {}),
    async call(operation, resource, fn) {
      const signal = callSignal(session)
      const c = await load(signal)
      try {
        return await bounded(
          callContext.run(signal, () => fn(c)),
          signal,
        )
      } catch (e) {
        const f = callFailure(e, apiTarget(operation), endpoint.url, signal)
        if (f instanceof RunAborted || isNetworkFault(f)) throw f
        throw classifyApiError(e, resource)
      }
    },
  }
}
