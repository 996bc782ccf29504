// The GCE/GKE metadata server: the default service account's email and token, the project id. It is tried
// under gcp-metadata's own switches (METADATA_SERVER_DETECTION, GCE_METADATA_HOST / GCE_METADATA_IP), and
// every answer must carry `Metadata-Flavor: Google` — anything else at that address is not a metadata server.
import { decodeJwtClaims } from '../../core/jwt.js'
import { readOptionalInput } from '../../core/files.js'
import { httpStatusError } from '../../core/net.js'
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import { oneLine } from '../../core/text.js'
import type { GcpCredentials } from './api.js'
import { METADATA_CALL } from './model.js'
import type { GcpSession } from './session.js'
import { CLOUD_PLATFORM_SCOPE, oauthJson, tokenOf, type AccessToken } from './token.js'
import { notTheService, type GcpTarget, type HttpReply, type Transport } from './transport.js'

export const METADATA_SERVER: GcpTarget = {
  what: METADATA_CALL,
  service: 'a GCE metadata server',
  source: 'gcp metadata',
}

const POD_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'
const DMI_PRODUCT = '/sys/class/dmi/id/product_name'
const SA = '/instance/service-accounts/default'

function metadataBase(env: NodeJS.ProcessEnv): string {
  const host = env.GCE_METADATA_HOST || env.GCE_METADATA_IP || '169.254.169.254'
  return `http://${host}/computeMetadata/v1`
}

/** Whether to try the metadata server at all, per gcp-metadata's METADATA_SERVER_DETECTION switch. */
export async function metadataMayExist(env: NodeJS.ProcessEnv): Promise<boolean> {
  const mode = (env.METADATA_SERVER_DETECTION ?? '').trim().toLowerCase()
  if (mode === 'none') return false
  if (mode === 'assume-present' || mode === 'ping-only') return true
  // A sysfs attribute is one short line: the smallest cap of the file reader fits it.
  const product = await readOptionalInput(DMI_PRODUCT, 'system file').catch(() => undefined)
  const onGoogle = /Google/.test(product ?? '')
  if (mode === 'bios-only') return onGoogle
  // Off Google Cloud with no override there is nothing to ping: skipping it saves every other user a timeout.
  return onGoogle || Boolean(env.GCE_METADATA_HOST || env.GCE_METADATA_IP)
}

async function get(session: GcpSession, http: Transport, path: string): Promise<HttpReply> {
  const reply = await http.request(METADATA_SERVER, `${metadataBase(session.env)}${path}`, {
    headers: { 'Metadata-Flavor': 'Google' },
  })
  if (reply.headers.get('metadata-flavor') !== 'Google')
    throw notTheService(METADATA_SERVER, reply, 'no Metadata-Flavor: Google header')
  return reply
}

const statusError = (reply: HttpReply, what: string) =>
  httpStatusError(
    { provider: 'gcp', what: `${METADATA_CALL} ${what}`, endpoint: reply.url },
    {
      status: reply.status,
      service: METADATA_SERVER.service,
      retryAfter: reply.headers.get('retry-after') ?? undefined,
      message: oneLine(reply.text, 200),
    },
  )

/** The KSA a pod runs as, from its token's `sub` (read, never verified), for the Workload Identity member. */
async function podServiceAccount(): Promise<string | undefined> {
  const token = await readOptionalInput(POD_TOKEN, 'token file').catch(() => undefined)
  if (!token) return undefined
  registerSecret(token.trim())
  const sub = decodeJwtClaims(token)?.sub
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(typeof sub === 'string' ? sub : '')
  return m ? `${m[1]}/${m[2]}` : undefined
}

async function defaultAccount(session: GcpSession, http: Transport): Promise<string> {
  const reply = await get(session, http, `${SA}/email`)
  if (reply.status === 404)
    throw new ProviderError(
      'gcp',
      'unexpected',
      'the metadata server has no default service account (HTTP 404)',
      {
        reason: 'metadata-no-account',
        status: 404,
      },
    )
  if (reply.status !== 200) throw statusError(reply, 'service account')
  return reply.text.trim()
}

/** The GKE metadata server refuses a token (403, text) when the Workload Identity binding is missing. */
async function metadataToken(
  session: GcpSession,
  http: Transport,
  email: string,
  kubernetesServiceAccount: string | undefined,
): Promise<AccessToken> {
  const reply = await get(session, http, `${SA}/token?scopes=${encodeURIComponent(CLOUD_PLATFORM_SCOPE)}`)
  if (reply.status === 200) {
    const token = tokenOf(oauthJson(METADATA_SERVER, reply), session.now())
    if (!token) throw notTheService(METADATA_SERVER, reply, 'no access_token in it')
    return token
  }
  if (reply.status !== 401 && reply.status !== 403) throw statusError(reply, 'token')
  const body = oneLine(reply.text, 400)
  throw new ProviderError(
    'gcp',
    'denied',
    `metadata server refused a token for ${email}: HTTP ${reply.status} ${body}`,
    {
      reason: 'metadata-token-denied',
      status: reply.status,
      principal: email,
      body,
      kubernetesServiceAccount,
    },
  )
}

export async function fromMetadata(
  session: GcpSession,
  http: Transport,
): Promise<{ readonly accessToken: string; readonly info: GcpCredentials }> {
  const email = await defaultAccount(session, http)
  const kubernetesServiceAccount = await podServiceAccount()
  const { accessToken, expiresAt } = await metadataToken(session, http, email, kubernetesServiceAccount)
  const project = await get(session, http, '/project/project-id')
    .then((r) => (r.status === 200 ? r.text.trim() : undefined))
    .catch(() => undefined)
  return {
    accessToken,
    info: {
      source: 'metadata-server',
      principal: email,
      member: `serviceAccount:${email}`,
      project: project || undefined,
      projectFrom: project ? 'metadata' : undefined,
      expiresAt,
      ...(kubernetesServiceAccount ? { kubernetesServiceAccount } : {}),
    },
  }
}
