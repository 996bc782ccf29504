// Application Default Credentials, resolved step by step so that a check can say which source won and why
// another failed: the credentials file (config, GOOGLE_APPLICATION_CREDENTIALS, gcloud), else the metadata
// server. The project comes from the config, GOOGLE_CLOUD_PROJECT, the credentials, then the metadata server.
import { ProviderError } from '../../core/provider.js'
import type { GcpCredentialSource, GcpCredentials } from './api.js'
import { findCredentialsFile, type FoundFile } from './credentials-file.js'
import { fromLibrary } from './external.js'
import { fromMetadata, metadataMayExist } from './metadata.js'
import type { GcpSession } from './session.js'
import { DEFAULT_TOKEN_URI, exchangeServiceAccountKey } from './token.js'
import type { Transport } from './transport.js'

export interface ResolvedCredentials {
  readonly info: GcpCredentials
  readonly accessToken: string
}

const LIBRARY_FLOWS: Readonly<Record<string, GcpCredentialSource>> = {
  external_account: 'external-account',
  authorized_user: 'authorized-user',
  impersonated_service_account: 'impersonated-service-account',
}

const emailFromImpersonation = (url?: string) =>
  /serviceAccounts\/([^/:]+):generateAccessToken/.exec(url ?? '')?.[1]

async function fromFile(
  session: GcpSession,
  http: Transport,
  found: FoundFile,
): Promise<ResolvedCredentials> {
  const { cred, file, from } = found
  const base = { file, fileFrom: from }
  if (cred.type === 'service_account') {
    const { accessToken, expiresAt } = await exchangeServiceAccountKey(session, http, cred)
    return {
      accessToken,
      info: {
        expiresAt,
        ...base,
        source: 'service-account-key',
        principal: cred.client_email,
        member: `serviceAccount:${cred.client_email}`,
        tokenUri: cred.token_uri || DEFAULT_TOKEN_URI,
        keyId: cred.private_key_id,
      },
    }
  }
  const source = LIBRARY_FLOWS[cred.type ?? '']
  if (!source)
    throw new ProviderError(
      'gcp',
      'invalid',
      `credentials file ${file} has unsupported type "${cred.type}"`,
      {
        reason: 'file-invalid',
        file,
        from,
      },
    )
  const email = emailFromImpersonation(cred.service_account_impersonation_url)
  return {
    accessToken: await fromLibrary(session, cred, source),
    info: {
      ...base,
      source,
      principal: email,
      member: email ? `serviceAccount:${email}` : undefined,
      tokenUri: cred.token_uri,
    },
  }
}

function projectOf(session: GcpSession, found: FoundFile | undefined, resolved: ResolvedCredentials) {
  const { config, env } = session
  const fromFile = found?.cred.project_id || found?.cred.quota_project_id
  if (config.gcp.project) return { project: config.gcp.project, projectFrom: 'config' as const }
  if (env.GOOGLE_CLOUD_PROJECT)
    return { project: env.GOOGLE_CLOUD_PROJECT, projectFrom: 'GOOGLE_CLOUD_PROJECT' as const }
  if (fromFile) return { project: fromFile, projectFrom: 'credentials' as const }
  return { project: resolved.info.project, projectFrom: resolved.info.projectFrom }
}

export async function resolveCredentials(session: GcpSession, http: Transport): Promise<ResolvedCredentials> {
  const found = await findCredentialsFile(session)
  let resolved: ResolvedCredentials
  if (found) resolved = await fromFile(session, http, found)
  else if (await metadataMayExist(session.env)) resolved = await fromMetadata(session, http)
  else
    throw new ProviderError(
      'gcp',
      'invalid',
      'no Application Default Credentials: no credentials file, no gcloud ADC file, and no metadata server',
      { reason: 'no-credentials', detection: session.env.METADATA_SERVER_DETECTION },
    )
  const info = { ...resolved.info, ...projectOf(session, found, resolved) }
  session.recorder.identity({
    provider: 'gcp',
    principal: info.principal ?? `(${info.source})`,
    source: info.source,
    ...(info.expiresAt ? { expiresAt: info.expiresAt } : {}),
    ...(info.project ? { project: info.project } : {}),
  })
  return { ...resolved, info }
}
