// Workload identity federation, impersonation and gcloud user credentials: google-auth-library knows their
// flows (an STS exchange, then generateAccessToken; a refresh-token grant), so it runs them — bounded by one
// call limit, its requests aborted with it, never redirected nor retried, and every answer judged by a hook
// on the library's own HTTP clients before the library reads it: an answer that is not JSON is named with
// its status and content type (the library itself would fail on it with "Cannot create property 'res' on
// string '<!DOCTYPE html>…'"), and faults on the way are classified like every other call's.
import type { gaxios as Gaxios } from 'google-auth-library'
import {
  bounded,
  callSignal,
  httpStatusError,
  isCrossOrigin,
  redirectError,
  RunAborted,
} from '../../core/net.js'
import { isNetworkFault, isProviderError, ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import { oneLine } from '../../core/text.js'
import type { GcpCredentialSource } from './api.js'
import type { CredentialsFile } from './credentials-file.js'
import { loadAuth } from './sdk.js'
import type { GcpSession } from './session.js'
import { CLOUD_PLATFORM_SCOPE, DEFAULT_TOKEN_URI, TOKEN_ENDPOINT } from './token.js'
import { callFailure, isJson, notTheService } from './transport.js'

interface GaxiosLike {
  readonly message?: string
  readonly config?: { readonly url?: unknown }
  readonly response?: Pick<Gaxios.GaxiosResponse, 'status' | 'headers' | 'config'>
}

/** Throws for an answer that is not the token service's: a redirect, or a body that is not JSON. */
function judgeAnswer(res: Pick<Gaxios.GaxiosResponse, 'status' | 'headers' | 'config'>): void {
  const url = String(res.config?.url ?? '')
  const contentType = res.headers.get('content-type') ?? undefined
  const reply = { url, status: res.status, headers: res.headers, contentType, text: '' }
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location')
    if (location && isCrossOrigin(url, location))
      throw redirectError({ provider: 'gcp', what: TOKEN_ENDPOINT.what, endpoint: url }, res.status, location)
    throw notTheService(TOKEN_ENDPOINT, reply, 'a redirect')
  }
  if (!isJson(contentType)) throw notTheService(TOKEN_ENDPOINT, reply)
}

/** Every request of the library's client runs under the call's signal and its answers are judged first. */
function guard(transporter: Gaxios.Gaxios, signal: AbortSignal): void {
  transporter.interceptors.request.add({
    // One attempt: the library retries a 5xx three times with back-off, which would turn an outage the
    // doctor should name into "no answer" at the end of the call's limit.
    resolved: async (opts) => {
      // node-fetch ends the process on a body it aborts before sending: do not start a call already over.
      if (signal.aborted) throw signal.reason
      return { ...opts, signal, redirect: 'manual', retry: false, retryConfig: undefined }
    },
  })
  transporter.interceptors.response.add({
    resolved: async (res) => {
      judgeAnswer(res)
      return res
    },
    rejected: (err) => {
      if (err.response) judgeAnswer(err.response)
      throw err
    },
  })
}

/**
 * The HTTP clients a credentials client of the library uses: its own, and those of the helpers it holds —
 * the STS exchange of a federation config makes its requests with a Gaxios of its own (`stsCredential`).
 */
function transportersOf(client: object & { readonly transporter: Gaxios.Gaxios }): Gaxios.Gaxios[] {
  const own = client.transporter
  const helpers = Object.values(client)
    .map((v: unknown) =>
      v && typeof v === 'object' ? (v as { transporter?: unknown }).transporter : undefined,
    )
    .filter((t): t is Gaxios.Gaxios => t instanceof own.constructor && t !== own)
  return [own, ...helpers]
}

function libraryFailure(
  e: unknown,
  endpoint: string,
  signal: AbortSignal,
  source: GcpCredentialSource,
): Error {
  if (isProviderError(e)) return e
  const err = (e ?? {}) as GaxiosLike
  const url = err.config?.url ? String(err.config.url) : endpoint
  const status = err.response?.status
  const text = oneLine(err.message ?? String(e), 300)
  if (!status) {
    const f = callFailure(e, TOKEN_ENDPOINT, url, signal)
    if (f instanceof RunAborted || isNetworkFault(f)) return f
    // No HTTP exchange failed: the library could not use the file (a credential_source that is not there).
    return new ProviderError('gcp', 'invalid', `${source} credentials cannot be used: ${text}`, {
      reason: 'file-invalid',
    })
  }
  // Throttling or an outage is not a verdict on the credentials.
  if (status === 429 || status >= 500)
    return httpStatusError(
      { provider: 'gcp', what: TOKEN_ENDPOINT.what, endpoint: url },
      {
        status,
        service: TOKEN_ENDPOINT.service,
        retryAfter: err.response?.headers.get('retry-after') ?? undefined,
        message: text,
      },
    )
  return new ProviderError('gcp', 'unauthenticated', `${source} credentials were refused: ${text}`, {
    reason: 'token-rejected',
    status,
    description: text,
  })
}

export async function fromLibrary(
  session: GcpSession,
  cred: CredentialsFile,
  source: GcpCredentialSource,
): Promise<string> {
  const { GoogleAuth } = await loadAuth()
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })
  const client = auth.fromJSON(cred as Parameters<typeof auth.fromJSON>[0])
  const signal = callSignal(session)
  for (const transporter of transportersOf(client)) guard(transporter, signal)
  const endpoint = String(cred.token_url ?? cred.token_uri ?? DEFAULT_TOKEN_URI)
  try {
    const r = await bounded(client.getAccessToken(), signal)
    if (!r.token) throw new Error('no access token returned')
    registerSecret(r.token)
    return r.token
  } catch (e) {
    throw libraryFailure(e, endpoint, signal, source)
  }
}
