// What the doctor talks to and how it logs in: the doctor config first, then the VAULT_* environment, then
// the agent config (CONTRACT §3) — so by default the doctor reaches Vault, trusts its CA and logs in exactly
// the way the agent does. Also the secret paths the deployment uses: configured ones plus every path the
// agent's templates read.
import { InputFileError } from '../../core/files.js'
import type { ConfigWith, ProviderSession } from '../../core/provider.js'
import { AgentConfigError, agentTemplateRefs, readAgentConfig, type AgentConfig } from './agent-config.js'
import type { AgentLoad, SecretRef, SettingSource, VaultSettings } from './api.js'
import type { VaultConfig } from './config.js'
import { DEFAULT_JWT_PATH } from './model.js'

export type VaultSession = ProviderSession<ConfigWith<'vault', VaultConfig>>

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
// Any non-empty VAULT_SKIP_VERIFY, even `false`, switches verification off in some clients (node-vault's
// own default among them): the TLS check warns about it rather than guess which client reads it.
const truthy = (v: string | undefined) => v !== undefined && v !== ''

/** The agent config named by `vault.agentConfig`, or why there is none to read. */
export async function loadAgent(path: string | undefined): Promise<AgentLoad> {
  if (!path) return { status: 'none' }
  try {
    return { status: 'ok', config: await readAgentConfig(path) }
  } catch (e) {
    if (e instanceof InputFileError)
      return e.problem === 'missing'
        ? { status: 'missing', path }
        : { status: 'unreadable', path, message: e.message }
    if (e instanceof AgentConfigError)
      return { status: 'invalid', path, message: e.message, line: e.line, column: e.column }
    return { status: 'invalid', path, message: `${path}: ${(e as Error).message}` }
  }
}

type Candidate<T> = readonly [T | undefined, SettingSource]

/** The first candidate that is set, and where it came from. */
function pick<T>(...candidates: Candidate<T>[]): [T | undefined, SettingSource | undefined] {
  for (const [v, s] of candidates) if (v !== undefined && v !== '') return [v, s]
  return [undefined, undefined]
}

function skipVerifySource(
  vc: VaultConfig,
  env: NodeJS.ProcessEnv,
  agent: AgentConfig | undefined,
): SettingSource | undefined {
  if (truthy(env.VAULT_SKIP_VERIFY)) return 'env'
  if (vc.skipVerify) return 'config'
  return agent?.tlsSkipVerify ? 'agent' : undefined
}

/** Where Vault mounts an auth method unless told otherwise: its own name (token auth is `token`). */
export const defaultMount = (method: string): string =>
  method === 'kubernetes' || method === 'approle' || method === 'jwt' ? method : 'token'

/** The login settings: what the config says, else what the agent does when it uses the same method. */
function authSettings(
  vc: VaultConfig,
  env: NodeJS.ProcessEnv,
  agent: AgentConfig | undefined,
): VaultSettings['auth'] {
  const aa = agent?.autoAuth
  const acfg = aa?.config ?? {}
  const token = vc.token ?? strOf(env.VAULT_TOKEN)
  const [method, methodSource] = pick<string>(
    [vc.auth.method, 'config'],
    [token || vc.auth.tokenFile ? 'token' : undefined, 'env'],
    [aa?.method, 'agent'],
    ['token', 'default'],
  ) as [string, SettingSource]
  const same = aa?.method === method
  const fromAgent = (key: string) => (same ? strOf(acfg[key]) : undefined)
  return {
    method,
    methodSource,
    role: vc.auth.role ?? fromAgent('role'),
    mount: (vc.auth.mount ?? (same ? aa?.mountPath : undefined) ?? defaultMount(method)).replace(
      /^\/?auth\//,
      '',
    ),
    // The agent's kubernetes method reads `token_path`; its jwt method reads `path`.
    jwtPath:
      vc.auth.jwtPath ??
      fromAgent(method === 'jwt' ? 'path' : 'token_path') ??
      (method === 'kubernetes' ? DEFAULT_JWT_PATH : undefined),
    tokenFile: vc.auth.tokenFile,
    roleIdFile: vc.auth.roleIdFile ?? fromAgent('role_id_file_path'),
    secretIdFile: vc.auth.secretIdFile ?? fromAgent('secret_id_file_path'),
  }
}

export function resolveSettings(
  vc: VaultConfig,
  env: NodeJS.ProcessEnv,
  agent: AgentConfig | undefined,
): VaultSettings {
  const [address, addressSource] = pick<string>(
    [vc.address, vc.address && vc.address === env.VAULT_ADDR ? 'env' : 'config'],
    [strOf(env.VAULT_ADDR), 'env'],
    [agent?.vaultAddress, 'agent'],
  )
  const [caCert, caCertSource] = pick<string>(
    [vc.caCert, vc.caCert && vc.caCert === env.VAULT_CACERT ? 'env' : 'config'],
    [strOf(env.VAULT_CACERT), 'env'],
    [agent?.caCert, 'agent'],
  )
  const skipSource = skipVerifySource(vc, env, agent)
  return {
    address: address?.replace(/\/+$/, ''),
    addressSource,
    caCert,
    caCertSource,
    skipVerify: skipSource !== undefined,
    skipVerifySource: skipSource,
    clientCert: vc.clientCert ?? strOf(env.VAULT_CLIENT_CERT),
    clientKey: vc.clientKey ?? strOf(env.VAULT_CLIENT_KEY),
    namespace: vc.namespace ?? strOf(env.VAULT_NAMESPACE) ?? agent?.namespace,
    auth: authSettings(vc, env, agent),
  }
}

/** Configured secrets, then every path the agent's templates read (with the keys and lines they use). */
export async function collectSecretRefs(
  vc: VaultConfig,
  agent: AgentConfig | undefined,
): Promise<{ refs: SecretRef[]; unreadableTemplates: string[] }> {
  const refs: SecretRef[] = vc.secrets.map((s) => ({
    path: s.path.replace(/^\/+/, ''),
    keys: s.keys,
    source: 'config' as const,
  }))
  if (!agent) return { refs, unreadableTemplates: [] }
  const t = await agentTemplateRefs(agent)
  for (const r of t.refs)
    for (const path of r.paths) {
      const keyRefs = r.keys.filter((k) => k.path === path)
      refs.push({
        path,
        keys: [...new Set(keyRefs.map((k) => k.key))],
        source: 'template',
        file: r.file,
        keyRefs,
      })
    }
  return { refs, unreadableTemplates: t.unreadable }
}
