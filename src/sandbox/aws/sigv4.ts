// SigV4 verification (research/wire-protocols.md §3.8): the credential scope, the signature over the
// canonical request, `X-Amz-Date` against the server's clock (judged first, as AWS does: a skewed client gets
// "Signature expired", not a mismatch), and the session token of temporary credentials.
import { createHash, createHmac } from 'node:crypto'
import type { SimRequest } from '../server.js'
import type { AwsSimPrincipal, AwsSimState } from './state.js'

const hmac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s, 'utf8').digest()
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

/** `20261127T234144Z` */
export const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return NaN
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

export type SigFailure = {
  readonly ok: false
  readonly code: 'incomplete' | 'unknown-key' | 'mismatch' | 'expired-sig' | 'future-sig' | 'token'
  readonly message: string
}
export type SigResult =
  | {
      readonly ok: true
      readonly principal: AwsSimPrincipal
      readonly region: string
      readonly service: string
    }
  | SigFailure

const fail = (code: SigFailure['code'], message: string): SigFailure => ({ ok: false, code, message })

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

interface Authorization {
  readonly akid: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signed: string
  readonly signature: string
}

function parseAuthorization(header: string | undefined): Authorization | undefined {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header ?? '',
    )
  if (!m) return undefined
  const [, akid, date, region, service, signed, signature] = m as unknown as string[]
  return {
    akid: akid!,
    date: date!,
    region: region!,
    service: service!,
    signed: signed!,
    signature: signature!,
  }
}

/** The canonical request's hash, or a failure when the declared payload hash is not the body's. */
function canonicalRequestHash(r: SimRequest, signed: string): string | SigFailure {
  const { req, body, url } = r
  const query = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const path = url.pathname
    .split('/')
    .map((s) => uriEncode(decodeURIComponent(s)))
    .join('/')
  const headers = signed
    .split(';')
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .replace(/\s+/g, ' ')
          .trim()}\n`,
    )
    .join('')
  const declared = req.headers['x-amz-content-sha256']
  if (typeof declared === 'string' && declared !== 'UNSIGNED-PAYLOAD' && declared !== sha256(body))
    return fail('mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.')
  const payloadHash = typeof declared === 'string' ? declared : sha256(body)
  return sha256([req.method, path, query, headers, signed, payloadHash].join('\n'))
}

/** AWS's wording for a request dated too far from its clock. */
function judgeDate(xAmzDate: string, now: Date, maxSkew: number): SigFailure | undefined {
  const sent = parseAmzDate(xAmzDate)
  const serverNow = now.getTime()
  const minutes = Math.round(maxSkew / 60_000)
  if (!Number.isNaN(sent) && serverNow - sent > maxSkew) {
    return fail(
      'expired-sig',
      `Signature expired: ${xAmzDate} is now earlier than ${amzDate(new Date(serverNow - maxSkew))} (${amzDate(now)} - ${minutes} min.)`,
    )
  }
  if (!Number.isNaN(sent) && sent - serverNow > maxSkew) {
    return fail(
      'future-sig',
      `Signature not yet current: ${xAmzDate} is still later than ${amzDate(new Date(serverNow + maxSkew))} (${amzDate(now)} + ${minutes} min.)`,
    )
  }
  return undefined
}

export function verifySigV4(r: SimRequest, state: AwsSimState): SigResult {
  const auth = parseAuthorization(r.req.headers['authorization'])
  if (!auth)
    return fail(
      'incomplete',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter.",
    )
  const principal = state.principals.find((p) => p.accessKeyId === auth.akid)
  if (!principal) return fail('unknown-key', 'The security token included in the request is invalid.')
  const creqHash = canonicalRequestHash(r, auth.signed)
  if (typeof creqHash !== 'string') return creqHash
  const xAmzDate = String(r.req.headers['x-amz-date'] ?? '')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', xAmzDate, scope, creqHash].join('\n')
  const key = hmac(
    hmac(hmac(hmac('AWS4' + principal.secretAccessKey, auth.date), auth.region), auth.service),
    'aws4_request',
  )
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex')
  const dated = judgeDate(xAmzDate, r.now, state.maxSkewMs ?? 300_000)
  if (dated) return dated
  if (expected !== auth.signature || !xAmzDate.startsWith(auth.date)) return fail('mismatch', MISMATCH)
  if (
    principal.sessionToken !== undefined &&
    r.req.headers['x-amz-security-token'] !== principal.sessionToken
  )
    return fail('token', 'The security token included in the request is invalid.')
  return { ok: true, principal, region: auth.region, service: auth.service }
}

/** The error code each protocol answers a refused signature with (awsQuery codes have no `Exception`). */
const SIG_CODES: Record<'query' | 'json', Record<SigFailure['code'], string>> = {
  query: {
    incomplete: 'IncompleteSignature',
    'unknown-key': 'InvalidClientTokenId',
    token: 'InvalidClientTokenId',
    mismatch: 'SignatureDoesNotMatch',
    'expired-sig': 'SignatureDoesNotMatch',
    'future-sig': 'SignatureDoesNotMatch',
  },
  json: {
    incomplete: 'IncompleteSignatureException',
    'unknown-key': 'UnrecognizedClientException',
    token: 'UnrecognizedClientException',
    mismatch: 'InvalidSignatureException',
    'expired-sig': 'InvalidSignatureException',
    'future-sig': 'InvalidSignatureException',
  },
}

export const sigErrorCode = (sig: SigFailure, protocol: 'query' | 'json'): string =>
  SIG_CODES[protocol][sig.code]
