// How the doctor gets its token — the way the agent does: a static token (VAULT_TOKEN, a token file, the
// agent's file sink, or a source a JobSpec names), or a login (Kubernetes service-account JWT, AppRole, a JWT
// from any OIDC issuer). Every credential is registered with the redactor the moment it is read; a file that
// cannot be read or a variable that is unset is an `invalid` ProviderError naming it.
import { InputFileError, readInput, type InputKind } from '../../core/files.js'
import { ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { AgentConfig } from './agent-config.js'
import type { CredentialSource, LoginInfo, VaultSettings } from './api.js'
import { DEFAULT_JWT_PATH } from './model.js'
import type { VaultSession } from './settings.js'
import { isObj, strOf, type VaultCall } from './transport.js'

export interface Login {
  readonly token: string
  readonly info: LoginInfo
}

const invalid = (message: string, facts: Record<string, string> = {}) =>
  new ProviderError('vault', 'invalid', message, facts)

/** A credential file's trimmed text, registered with the redactor. */
async function readCredential(path: string, kind: InputKind, label: string): Promise<string> {
  let text: string
  try {
    text = await readInput(path, kind)
  } catch (e) {
    if (e instanceof InputFileError) throw invalid(`cannot read the ${label}: ${e.message}`, { file: path })
    throw e
  }
  const value = text.trim()
  registerSecret(value)
  if (!value) throw invalid(`the ${label} ${path} is empty`, { file: path })
  return value
}

/** What a source holds, read the way the agent reads it; `label` names the credential in errors. */
async function readSource(
  session: VaultSession,
  source: CredentialSource,
  kind: InputKind,
  label: string,
): Promise<string> {
  if (source.kind === 'file') return readCredential(source.path, kind, label)
  if (source.kind === 'value') {
    registerSecret(source.value)
    if (!source.value.trim()) throw invalid(`the ${label} is empty`)
    return source.value.trim()
  }
  const value = session.env[source.name]
  registerSecret(value)
  if (value === undefined)
    throw invalid(`the ${label} variable ${source.name} is not set`, { env: source.name })
  if (!value.trim()) throw invalid(`the ${label} variable ${source.name} is empty`, { env: source.name })
  return value.trim()
}

/** The source a credential comes from, as a report names it (`file /x`, `$VAR`, `the config`). */
export const describeSource = (source: CredentialSource): string =>
  source.kind === 'file' ? `file ${source.path}` : source.kind === 'env' ? `$${source.name}` : 'the config'

/** The configured source of a credential: the explicit one, else the doctor config's file. */
const sourceOf = (explicit: CredentialSource | undefined, file: string | undefined) =>
  explicit ?? (file ? ({ kind: 'file', path: file } as const) : undefined)

async function tokenLogin(
  session: VaultSession,
  s: VaultSettings,
  agent: AgentConfig | undefined,
): Promise<Login> {
  const own = s.auth.sources?.token
  if (own) {
    const token = await readSource(session, own, 'token file', 'Vault token')
    return { token, info: { method: 'token', source: `token from ${describeSource(own)}` } }
  }
  const envToken = session.config.vault.token ?? strOf(session.env.VAULT_TOKEN)
  if (envToken) {
    registerSecret(envToken)
    return { token: envToken, info: { method: 'token', source: 'VAULT_TOKEN' } }
  }
  const candidates: [string | undefined, string][] = [
    [s.auth.tokenFile, 'token file'],
    [agent?.sinks.find((k) => k.type === 'file' && k.path)?.path, 'agent sink'],
  ]
  for (const [file, label] of candidates) {
    if (!file) continue
    const token = await readCredential(file, 'token file', label)
    return { token, info: { method: 'token', source: `${label} ${file}` } }
  }
  throw invalid('no token: set VAULT_TOKEN, vault.auth.tokenFile, or an agent file sink')
}

/** The token a login answered with, and what the report says about it. */
function fromLogin(body: unknown, info: { method: string; mount: string; role?: string }): Login {
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
      policies: Array.isArray(a?.policies) ? a.policies.map(String) : undefined,
    },
  }
}

async function kubernetesLogin(session: VaultSession, call: VaultCall, s: VaultSettings): Promise<Login> {
  const role = s.auth.role
  if (!role) throw invalid('kubernetes auth needs a role (vault.auth.role or auto_auth config.role)')
  const source: CredentialSource = s.auth.sources?.jwt ?? {
    kind: 'file',
    path: s.auth.jwtPath ?? DEFAULT_JWT_PATH,
  }
  const jwt = await readSource(session, source, 'token file', 'service-account token')
  const { body } = await call(`POST auth/${s.auth.mount}/login`, {
    method: 'POST',
    path: `/auth/${s.auth.mount}/login`,
    json: { role, jwt },
  })
  return fromLogin(body, { method: 'kubernetes', mount: s.auth.mount, role })
}

/** JWT/OIDC auth: a JWT from any issuer the mount trusts (GitHub Actions, SPIFFE, a customer's OIDC). */
async function jwtLogin(session: VaultSession, call: VaultCall, s: VaultSettings): Promise<Login> {
  const role = s.auth.role
  if (!role) throw invalid('JWT auth needs a role (vault.auth.role or auto_auth config.role)')
  const source = sourceOf(s.auth.sources?.jwt, s.auth.jwtPath)
  if (!source) throw invalid('JWT auth needs a JWT (vault.auth.jwtPath, or auto_auth config.path)')
  const jwt = await readSource(session, source, 'token file', 'JWT')
  const { body } = await call(`POST auth/${s.auth.mount}/login`, {
    method: 'POST',
    path: `/auth/${s.auth.mount}/login`,
    json: { role, jwt },
  })
  return fromLogin(body, { method: 'jwt', mount: s.auth.mount, role })
}

const appRoleLabel = (source: CredentialSource, what: string) =>
  `AppRole ${what}${source.kind === 'file' ? ' file' : ''}`

async function approleLogin(session: VaultSession, call: VaultCall, s: VaultSettings): Promise<Login> {
  const roleIdSource = sourceOf(s.auth.sources?.roleId, s.auth.roleIdFile)
  if (!roleIdSource) throw invalid('AppRole auth needs a role_id file (vault.auth.roleIdFile)')
  const roleId = await readSource(
    session,
    roleIdSource,
    'credentials file',
    appRoleLabel(roleIdSource, 'role_id'),
  )
  // A role may be bound by CIDR alone, with no secret_id.
  const secretIdSource = sourceOf(s.auth.sources?.secretId, s.auth.secretIdFile)
  const secretId = secretIdSource
    ? await readSource(session, secretIdSource, 'credentials file', appRoleLabel(secretIdSource, 'secret_id'))
    : undefined
  const { body } = await call(`POST auth/${s.auth.mount}/login`, {
    method: 'POST',
    path: `/auth/${s.auth.mount}/login`,
    json: secretId ? { role_id: roleId, secret_id: secretId } : { role_id: roleId },
  })
  return fromLogin(body, { method: 'approle', mount: s.auth.mount })
}

/** The token the doctor uses, and how it got it. */
export function login(
  session: VaultSession,
  call: VaultCall,
  s: VaultSettings,
  agent: AgentConfig | undefined,
): Promise<Login> {
  switch (s.auth.method) {
    case 'token':
      return tokenLogin(session, s, agent)
    case 'kubernetes':
      return kubernetesLogin(session, call, s)
    case 'approle':
      return approleLogin(session, call, s)
    case 'jwt':
      return jwtLogin(session, call, s)
    default:
      return Promise.reject(
        invalid(
          `auth method "${s.auth.method}" is not supported by the doctor (token, kubernetes, approle, jwt)`,
        ),
      )
  }
}
