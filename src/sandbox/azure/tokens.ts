// Tokens as the real issuers make them: RS256 JWTs signed with a key of their own (jose), so that a client
// that mishandles a real token mishandles these too. Entra signs the access tokens Key Vault verifies; a
// cluster key signs the projected service-account tokens the workload-identity webhook would mount.
import type { KeyObject } from 'node:crypto'
import { compactVerify, decodeJwt, SignJWT, type JWTPayload } from 'jose'
import { rsaKeyPair } from '../keys.js'
import { TOKEN_EXCHANGE_AUDIENCE } from './state.js'

export interface SigningKey {
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
}

export function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = rsaKeyPair()
  return Promise.resolve({ kid, privateKey, publicKey })
}

export const signJwt = (claims: JWTPayload, key: SigningKey): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).sign(key.privateKey)

/** The claims of a JWT, unverified (Entra's sandbox trusts any cluster's assertion), or undefined. */
export function claimsOf(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token)
  } catch {
    return undefined
  }
}

/** Whether `key` signed this token. */
export async function signedBy(token: string, key: SigningKey): Promise<boolean> {
  try {
    await compactVerify(token, key.publicKey)
    return true
  } catch {
    return false
  }
}

// One cluster per process: its key pair is generated once, on first use.
let clusterKey: Promise<SigningKey> | undefined

/** A Kubernetes projected service-account token as the workload-identity webhook mounts it. */
export async function projectedServiceAccountToken(opts: {
  issuer: string
  namespace: string
  serviceAccount: string
  audience?: string
  issuedAt?: Date
  lifetimeSeconds?: number
}): Promise<string> {
  const iat = Math.floor((opts.issuedAt ?? new Date()).getTime() / 1000)
  clusterKey ??= signingKey('sandbox-cluster')
  return signJwt(
    {
      aud: [opts.audience ?? TOKEN_EXCHANGE_AUDIENCE],
      iss: opts.issuer,
      sub: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
      iat,
      nbf: iat,
      exp: iat + (opts.lifetimeSeconds ?? 3600),
      'kubernetes.io': { namespace: opts.namespace, serviceaccount: { name: opts.serviceAccount } },
    },
    await clusterKey,
  )
}
