// The token every successful login answers with, whatever the method: stored in the state with the role's
// policies and TTL, and sent in Vault's `auth` envelope.
import { randomUUID } from 'node:crypto'
import type { SimRequest } from '../server.js'
import { newToken, type VaultSimState } from './state.js'
import { envelope, send } from './wire.js'

/** Answers a successful login with a fresh token carrying the role's policies (shared by every method). */
export function issueToken(
  state: VaultSimState,
  r: SimRequest,
  t: {
    policies: readonly string[]
    ttlSec: number
    renewable: boolean
    displayName: string
    path: string
    meta: Record<string, string>
  },
): void {
  const token = newToken()
  const entityId = randomUUID()
  state.tokens[token] = {
    policies: t.policies,
    expiresAt: Date.now() + t.ttlSec * 1000,
    creationTtlSec: t.ttlSec,
    renewable: t.renewable,
    displayName: t.displayName,
    entityId,
    path: t.path,
    meta: t.meta,
  }
  send(
    r.res,
    200,
    envelope({
      auth: {
        client_token: token,
        accessor: randomUUID(),
        policies: ['default', ...t.policies.filter((p) => p !== 'default')],
        token_policies: ['default', ...t.policies.filter((p) => p !== 'default')],
        metadata: t.meta,
        lease_duration: t.ttlSec,
        renewable: t.renewable,
        entity_id: entityId,
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    }),
  )
}
