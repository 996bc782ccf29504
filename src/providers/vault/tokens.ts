// Token self-lookups: the doctor's own token (recorded as the run's Vault identity) and, read-only, the one
// the running agent keeps in its file sink — which is what the pipeline actually lives on.
import { InputFileError, readInput } from '../../core/files.js'
import { isProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { AgentConfig } from './agent-config.js'
import type { AgentTokenState, TokenInfo } from './api.js'
import type { Login } from './auth.js'
import type { VaultSession } from './settings.js'
import { isObj, notVault, strOf, type VaultCall } from './transport.js'

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])
const num = (v: unknown) => (typeof v === 'number' ? v : 0)

export async function lookupToken(call: VaultCall, token: string): Promise<TokenInfo> {
  const reply = await call('GET auth/token/lookup-self', {
    method: 'GET',
    path: '/auth/token/lookup-self',
    token,
  })
  const b = reply.body
  if (!isObj(b) || !isObj(b.data)) throw notVault(reply.target, reply.answer)
  const d = b.data
  registerSecret(strOf(d.id))
  return {
    displayName: strOf(d.display_name) ?? '(unnamed)',
    policies: strings(d.policies),
    identityPolicies: strings(d.identity_policies),
    ttlSec: num(d.ttl),
    creationTtlSec: num(d.creation_ttl),
    expireTime: strOf(d.expire_time),
    renewable: d.renewable === true,
    entityId: strOf(d.entity_id),
    path: strOf(d.path),
    orphan: d.orphan === true,
  }
}

/** The doctor's own token, recorded as the run's Vault identity. */
export async function tokenSelf(session: VaultSession, call: VaultCall, login: Login): Promise<TokenInfo> {
  const info = await lookupToken(call, login.token)
  session.recorder.identity({
    provider: 'vault',
    principal: info.displayName,
    source: login.info.source,
    policies: [...info.policies, ...info.identityPolicies],
    ...(info.expireTime ? { expiresAt: info.expireTime } : {}),
    ...(info.entityId ? { entityId: info.entityId } : {}),
  })
  return info
}

/** The token in the agent's plain file sink (not a wrapped or encrypted one), looked up read-only. */
export async function agentToken(
  call: VaultCall,
  agent: AgentConfig | undefined,
  ownToken: () => Promise<string>,
): Promise<AgentTokenState | undefined> {
  const path = agent?.sinks.find((k) => k.type === 'file' && k.path && !k.wrapped)?.path
  if (!path) return undefined
  let text: string
  try {
    text = await readInput(path, 'token file')
  } catch (e) {
    if (e instanceof InputFileError) return { path, state: 'unreadable' }
    throw e
  }
  const tok = text.trim()
  registerSecret(tok)
  if (!tok) return { path, state: 'empty' }
  if (tok === (await ownToken())) return { path, state: 'same-as-doctor' }
  try {
    return { path, state: 'ok', info: await lookupToken(call, tok) }
  } catch (e) {
    if (isProviderError(e) && (e.kind === 'unauthenticated' || e.kind === 'denied'))
      return { path, state: 'invalid' }
    throw e
  }
}
