// JWT payloads (service-account tokens, Entra access tokens, federated tokens) are read for their claims —
// issuer, audience, expiry, subject — never verified here: the service that receives the token does that.
// jose decodes them; nothing here hand-parses base64url.
import { decodeJwt, decodeProtectedHeader } from 'jose'

export type JwtClaims = Readonly<Record<string, unknown>>

/** The payload's claims, or undefined when the text is not a JWT. */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  try {
    return decodeJwt(token.trim())
  } catch {
    return undefined
  }
}

/** The protected header (`alg`, `kid`), or undefined when the text is not a JWT. */
export function decodeJwtHeader(token: string): JwtClaims | undefined {
  try {
    return decodeProtectedHeader(token.trim())
  } catch {
    return undefined
  }
}

/** `aud` as a list, whether the token carries one audience or several. */
export function audiences(claims: JwtClaims): string[] {
  const aud = claims.aud
  return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : []
}

/** `exp` as a Date, when present. */
export function expiresAt(claims: JwtClaims): Date | undefined {
  return typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined
}
