// sys/health: the one unauthenticated call that tells an active node from a sealed, uninitialized, standby
// or DR-secondary one. Vault answers it with a status code per state (200, 429, 472, 473, 501, 503) and the
// same JSON body, so the body decides; an answer without that body is Vault's own error (its `errors`) or
// something that is not Vault.
import { oneLine } from '../../core/text.js'
import type { HealthInfo } from './api.js'
import type { VaultSession } from './settings.js'
import {
  isObj,
  notVault,
  strOf,
  vaultStatusError,
  type Obj,
  type VaultCall,
  type VaultReply,
} from './transport.js'

/** The error an answer without `initialized` is: Vault's own (`{"errors": …}`), or not Vault at all. */
function notHealth(reply: VaultReply): Error {
  const b = reply.body
  if (isObj(b) && Array.isArray(b.errors) && reply.answer.status >= 400)
    return vaultStatusError(
      reply.target,
      reply.answer.status,
      b.errors.map(String).join('; ') || `Status ${reply.answer.status}`,
      reply.answer.retryAfter,
    )
  return notVault(reply.target, reply.answer)
}

export async function readHealth(session: VaultSession, call: VaultCall): Promise<HealthInfo> {
  const sentAt = session.now()
  const reply = await call('GET sys/health', {
    method: 'GET',
    path: '/sys/health?standbyok=false&perfstandbyok=false',
  })
  const receivedAt = session.now()
  const body = reply.body
  if (!isObj(body) || typeof body.initialized !== 'boolean') throw notHealth(reply)
  const serverTime =
    typeof body.server_time_utc === 'number' ? new Date(body.server_time_utc * 1000) : undefined
  if (serverTime)
    session.recorder.observeClock({
      source: 'vault',
      serverTime,
      localTime: new Date((sentAt.getTime() + receivedAt.getTime()) / 2),
    })
  return healthOf(body as Obj & { initialized: boolean }, serverTime)
}

const shown = (v: unknown) => {
  const s = strOf(v)
  return s === undefined ? undefined : oneLine(s, 100)
}

const healthOf = (body: Obj & { initialized: boolean }, serverTime: Date | undefined): HealthInfo => ({
  initialized: body.initialized,
  sealed: body.sealed === true,
  standby: body.standby === true,
  performanceStandby: body.performance_standby === true,
  drSecondary: body.replication_dr_mode === 'secondary',
  // Server-supplied text: shown, so never with control characters or line breaks.
  version: shown(body.version),
  clusterName: shown(body.cluster_name),
  serverTime,
})
