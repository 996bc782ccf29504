// The credentials file Application Default Credentials would use, in ADC's order: the doctor config's
// `credentialsFile`, GOOGLE_APPLICATION_CREDENTIALS, then the gcloud ADC file. Read as a capped regular file;
// its secrets (private key, refresh token, client secret) are registered with the redactor as it is read.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InputFileError, readInput, readOptionalInput } from '../../core/files.js'
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { GcpCredentials } from './api.js'
import type { GcpSession } from './session.js'

export interface CredentialsFile {
  readonly type?: string
  readonly client_email?: string
  readonly private_key?: string
  readonly private_key_id?: string
  readonly project_id?: string
  readonly quota_project_id?: string
  readonly token_uri?: string
  readonly token_url?: string
  readonly service_account_impersonation_url?: string
  readonly audience?: string
  readonly refresh_token?: string
  readonly client_secret?: string
  readonly [k: string]: unknown
}

export type FileFrom = NonNullable<GcpCredentials['fileFrom']>

export interface FoundFile {
  readonly file: string
  readonly from: FileFrom
  readonly cred: CredentialsFile
}

const invalid = (message: string, facts: Record<string, string | undefined>) =>
  new ProviderError('gcp', 'invalid', message, { reason: 'file-invalid', ...facts })

function readFailure(e: unknown, file: string, from: FileFrom): ProviderError {
  // A FIFO, a directory or an oversized file is a file that is there but unusable: say what it is.
  if (e instanceof InputFileError && (e.problem === 'not-regular' || e.problem === 'too-large'))
    return invalid(`credentials file (from ${from}): ${e.message}`, { file, from })
  const code = e instanceof InputFileError ? (e.code ?? e.problem) : (e as Error).message
  return new ProviderError(
    'gcp',
    'invalid',
    `credentials file ${file} (from ${from}) does not exist or cannot be read`,
    { reason: 'file-missing', file, from, error: code },
  )
}

function parseCredentials(text: string, file: string, from: FileFrom): CredentialsFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw invalid(`credentials file ${file} (from ${from}) is not JSON`, { file, from })
  }
  if (!json || typeof json !== 'object' || typeof (json as CredentialsFile).type !== 'string')
    throw invalid(`credentials file ${file} (from ${from}) has no "type" field`, { file, from })
  const cred = json as CredentialsFile
  for (const k of ['private_key', 'refresh_token', 'client_secret'] as const) registerSecret(cred[k])
  return cred
}

/** The credentials file ADC would pick, read and parsed; undefined when there is none to pick. */
export async function findCredentialsFile(session: GcpSession): Promise<FoundFile | undefined> {
  const { config, env } = session
  const explicit =
    config.gcp.credentialsFile && config.gcp.credentialsFile !== env.GOOGLE_APPLICATION_CREDENTIALS
      ? { file: config.gcp.credentialsFile, from: 'config' as const }
      : env.GOOGLE_APPLICATION_CREDENTIALS
        ? { file: env.GOOGLE_APPLICATION_CREDENTIALS, from: 'GOOGLE_APPLICATION_CREDENTIALS' as const }
        : undefined
  if (explicit) {
    let text: string
    try {
      text = await readInput(explicit.file, 'credentials file')
    } catch (e) {
      throw readFailure(e, explicit.file, explicit.from)
    }
    return { ...explicit, cred: parseCredentials(text, explicit.file, explicit.from) }
  }
  const gcloudDir = env.CLOUDSDK_CONFIG || join(env.HOME || homedir(), '.config', 'gcloud')
  const adc = join(gcloudDir, 'application_default_credentials.json')
  let text: string | undefined
  try {
    text = await readOptionalInput(adc, 'credentials file')
  } catch (e) {
    throw readFailure(e, adc, 'gcloud')
  }
  return text === undefined
    ? undefined
    : { file: adc, from: 'gcloud', cred: parseCredentials(text, adc, 'gcloud') }
}
