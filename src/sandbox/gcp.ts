// Google Secret Manager simulator: the v1 REST surface the Node client's REST fallback uses (gcp/secret-manager.ts),
// an OAuth 2.0 token endpoint that verifies service-account JWT assertions (RFC 7523) the way
// oauth2.googleapis.com does, and a GCE/GKE metadata server (gcp/oauth.ts). Wire formats follow
// research/wire-protocols.md §5. Two loopback servers, because they are two hosts in real life: `api`
// (secretmanager.googleapis.com) and `auth` (the key file's token_uri and the metadata server), so one can be
// black-holed, or answer a fault, without the other.
import { randomBytes } from 'node:crypto'
import { rsaKeyPair } from './keys.js'
import { handleMetadata, handleToken } from './gcp/oauth.js'
import { handleSecretManager } from './gcp/secret-manager.js'
import { ACCESSOR, defaultGcpState, VIEWER, type GcpSimState } from './gcp/state.js'
import {
  sendText,
  startLoopbackServer,
  type LoopbackServer,
  type RequestLogEntry,
  type SimRequest,
} from './server.js'

export { crc32c } from './gcp/secret-manager.js'
export {
  ACCESSOR,
  defaultGcpState,
  VIEWER,
  type GcpSimSecret,
  type GcpSimServiceAccount,
  type GcpSimState,
  type GcpSimVersion,
  type VersionState,
} from './gcp/state.js'

export interface GcpSimulator {
  readonly state: GcpSimState
  readonly api: LoopbackServer
  readonly auth: LoopbackServer
  /** The key file's `token_uri`. */
  readonly tokenUri: string
  /** For GCE_METADATA_HOST. */
  readonly metadataHost: string
  readonly requests: readonly (RequestLogEntry & { readonly server: string })[]
  close(): Promise<void>
}

export interface ServiceAccountKey {
  readonly type: 'service_account'
  readonly project_id: string
  readonly private_key_id: string
  readonly private_key: string
  readonly client_email: string
  readonly client_id: string
  readonly auth_uri: string
  readonly token_uri: string
  readonly universe_domain: string
}

/** A service-account key file as `gcloud iam service-accounts keys create` writes it, plus its public half. */
export function createServiceAccountKey(
  email: string,
  tokenUri: string,
): { readonly key: ServiceAccountKey; readonly keyId: string; readonly publicKeyPem: string } {
  const { privateKey, publicKey } = rsaKeyPair()
  const keyId = randomBytes(20).toString('hex')
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    key: {
      type: 'service_account',
      project_id: email.split('@')[1]?.split('.')[0] ?? 'my-project',
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      universe_domain: 'googleapis.com',
    },
  }
}

/** The auth host: the token endpoint at /token (its own URL is the audience) and the metadata server. */
function handleAuth(state: GcpSimState, r: SimRequest, port: number): void | Promise<void> {
  if (r.url.pathname.startsWith('/computeMetadata/')) return handleMetadata(state, r)
  if (r.url.pathname !== '/token') return sendText(r.res, 404, 'Not Found')
  return handleToken(state, r, `http://127.0.0.1:${port}${r.url.pathname}`)
}

export async function startGcpSimulator(state: GcpSimState = defaultGcpState()): Promise<GcpSimulator> {
  const auth = await startLoopbackServer((r) => handleAuth(state, r, auth.port))
  const api = await startLoopbackServer((r) => handleSecretManager(state, r))
  return {
    state,
    api,
    auth,
    tokenUri: `${auth.url}/token`,
    metadataHost: `127.0.0.1:${auth.port}`,
    get requests() {
      return [
        ...api.requests.map((e) => ({ ...e, server: 'gcp secretmanager' })),
        ...auth.requests.map((e) => ({ ...e, server: 'gcp auth' })),
      ]
    },
    close: async () => {
      await Promise.all([api.close(), auth.close()])
    },
  }
}

// ---- The documentation's deployment, healthy ----

export const GCP_PROJECT = 'my-project'
export const GCP_SECRET = 'expanso-pipeline-credentials'
export const GCP_EMAIL = 'expanso-edge@my-project.iam.gserviceaccount.com'
export const GCP_KEYS = ['kafka_username', 'kafka_password', 'api_token'] as const
/** Planted values: tests prove none of them reaches any output. */
export const GCP_CANARIES = {
  kafkaPassword: 'gcp-canary-kafka-Qm3v9LxT',
  apiToken: 'gcp-canary-token-Hs72kWpa',
  oldPassword: 'gcp-canary-old-Zr5yBn0c',
} as const

const DAY_MS = 86_400_000

/** The documentation's Google example: one JSON secret with the three keys its jq program reads, rotated
 * every 30 days, the edge service account holding accessor and viewer on that secret only. */
export function healthyGcpState(now = new Date()): GcpSimState {
  const t = now.getTime()
  const at = (days: number) => new Date(t + days * DAY_MS).toISOString()
  return defaultGcpState({
    projectId: GCP_PROJECT,
    secrets: {
      [GCP_SECRET]: {
        createTime: at(-120),
        labels: { env: 'prod', app: 'expanso-edge' },
        topics: [`projects/${GCP_PROJECT}/topics/secret-rotation`],
        rotation: { nextRotationTime: at(20), rotationPeriodSeconds: 30 * 86400 },
        versions: [
          {
            id: 4,
            state: 'DISABLED',
            createTime: at(-40),
            data: JSON.stringify({
              kafka_username: 'edge-pipeline',
              kafka_password: GCP_CANARIES.oldPassword,
              api_token: GCP_CANARIES.apiToken,
            }),
          },
          {
            id: 5,
            state: 'ENABLED',
            createTime: at(-10),
            data: JSON.stringify({
              kafka_username: 'edge-pipeline',
              kafka_password: GCP_CANARIES.kafkaPassword,
              api_token: GCP_CANARIES.apiToken,
            }),
          },
        ],
        iam: { [`serviceAccount:${GCP_EMAIL}`]: [ACCESSOR, VIEWER] },
      },
    },
  })
}
