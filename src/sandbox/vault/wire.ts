// Vault's wire format (research/wire-protocols.md §1): JSON with a trailing newline and `Cache-Control:
// no-store`, the response envelope, `{"errors": [...]}` with go-multierror texts, and the sys/ routes that
// repeat `data` at the top level.
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { SimRequest } from '../server.js'
import type { VaultSimState, VaultSimToken } from './state.js'

export const PD = '1 error occurred:\n\t* permission denied\n\n'
export const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'

export function send(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : `${JSON.stringify(body)}\n`
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    headers['Content-Length'] = String(Buffer.byteLength(text))
  }
  res.writeHead(status, headers)
  res.end(text)
}

export const errors = (res: ServerResponse, status: number, ...msgs: string[]): void =>
  send(res, status, { errors: msgs })

export function envelope(fields: {
  data?: unknown
  auth?: unknown
  leaseDuration?: number
  renewable?: boolean
  leaseId?: string
  warnings?: string[] | null
  mountType?: string
}): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: fields.leaseId ?? '',
    renewable: fields.renewable ?? false,
    lease_duration: fields.leaseDuration ?? 0,
    data: fields.data ?? null,
    wrap_info: null,
    warnings: fields.warnings ?? null,
    auth: fields.auth ?? null,
    mount_type: fields.mountType ?? '',
  }
}

/** sys/ routes listed in Vault's injectDataIntoTopRoutes duplicate `data` at the top level. */
export const injected = (env: Record<string, unknown>): Record<string, unknown> => ({
  ...(env.data as Record<string, unknown>),
  ...env,
})

export const parseBool = (v: string | null): boolean | undefined =>
  v === null ? undefined : v === '' || v === 'true' || v === '1'

export function parseJson(body: string): Record<string, unknown> {
  if (!body.trim()) return {}
  try {
    const v = JSON.parse(body) as unknown
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** One request as the handlers see it: the state, the request, its API path (no `/v1/`) and method. */
export interface VaultRequest {
  readonly state: VaultSimState
  readonly r: SimRequest
  /** `secret/data/x`, without `/v1/` and the trailing slash. */
  readonly path: string
  /** The HTTP method, `LIST` for `GET ?list=true`. */
  readonly method: string
}

/** A request with a valid token. */
export interface AuthedRequest extends VaultRequest {
  readonly token: string
  readonly t: VaultSimToken
}

export const WRITE_METHODS: readonly string[] = ['POST', 'PUT']
