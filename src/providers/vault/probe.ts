// Reaching Vault below HTTP: resolve the address, open a TCP connection, and complete a TLS handshake to read
// the certificate as the agent would judge it. Each step is bounded by the per-call limit; a fault is
// classified by core/net, so "refused", "no answer within 3s" or a stalled handshake read as for any provider.
import { lookup } from 'node:dns/promises'
import { connect, isIP } from 'node:net'
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls'
import {
  bounded,
  CallTimeout,
  callSignal,
  classifyNetworkError,
  networkFault,
  type CallTarget,
} from '../../core/net.js'
import { ProviderError } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import type { AddressProbe, TlsInfo, VaultSettings } from './api.js'
import type { VaultSession } from './settings.js'
import { isObj, readCa, readClientCert } from './transport.js'

type Target = CallTarget & { readonly signal: AbortSignal }

/** Any error of a probe → its classified fault, else an `unexpected` ProviderError with the library's words. */
function probeError(e: unknown, t: Target): Error {
  return (
    classifyNetworkError(e, t) ??
    new ProviderError(
      'vault',
      'unexpected',
      `${t.what}: ${oneLine(e instanceof Error ? e.message : String(e))}`,
    )
  )
}

/** The address as a URL the doctor can probe, or a ProviderError saying why not. */
function parseAddress(address: string | undefined): URL {
  if (!address)
    throw new ProviderError('vault', 'invalid', 'no Vault address: set vault.address or VAULT_ADDR')
  let url: URL
  try {
    url = new URL(address)
  } catch {
    throw new ProviderError('vault', 'invalid', `not a URL: ${address}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProviderError('vault', 'invalid', `unsupported scheme ${url.protocol} in ${address}`)
  return url
}

function tcpConnect(host: string, port: number, t: Target): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sock = connect({ host, port })
    const done = (err?: Error) => {
      sock.destroy()
      t.signal.removeEventListener('abort', onAbort)
      if (err) reject(err)
      else resolve()
    }
    const onAbort = () => done(probeError(t.signal.reason, t))
    if (t.signal.aborted) return onAbort()
    t.signal.addEventListener('abort', onAbort, { once: true })
    sock.once('connect', () => done())
    sock.once('error', (e) => done(probeError(e, t)))
  })
}

export async function probeAddress(session: VaultSession, s: VaultSettings): Promise<AddressProbe> {
  const url = parseAddress(s.address)
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port || (scheme === 'https' ? 443 : 80))
  const t: Target = {
    provider: 'vault',
    what: 'connect',
    endpoint: `${host}:${port}`,
    signal: callSignal(session),
  }
  let addresses: string[]
  try {
    addresses = isIP(host)
      ? [host]
      : (await bounded(lookup(host, { all: true }), t.signal)).map((a) => a.address)
  } catch (e) {
    throw probeError(e, t)
  }
  const started = performance.now()
  await tcpConnect(addresses[0] as string, port, t)
  return {
    url: s.address as string,
    scheme,
    host,
    port,
    addresses,
    connectMs: Math.round(performance.now() - started),
  }
}

/** A handshake that verifies nothing itself (the certificate is judged afterwards, as facts). */
function handshake(
  probe: AddressProbe,
  trust: { ca?: string; cert?: string; key?: string },
  t: Target,
): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    const sock = tlsConnect({
      host: probe.addresses[0],
      port: probe.port,
      servername: isIP(probe.host) ? undefined : probe.host,
      ca: trust.ca,
      cert: trust.cert,
      key: trust.key,
      rejectUnauthorized: false,
    })
    const onAbort = () => {
      sock.destroy()
      const reason: unknown = t.signal.reason
      reject(
        reason instanceof CallTimeout
          ? networkFault(t, 'tls-handshake', 'ETIMEDOUT', reason.limitMs)
          : probeError(reason, t),
      )
    }
    if (t.signal.aborted) return onAbort()
    t.signal.addEventListener('abort', onAbort, { once: true })
    sock.once('error', (e) => {
      t.signal.removeEventListener('abort', onAbort)
      reject(probeError(e, t))
    })
    sock.once('secureConnect', () => {
      t.signal.removeEventListener('abort', onAbort)
      resolve(sock)
    })
  })
}

const dn = (o: unknown) =>
  isObj(o)
    ? Object.entries(o)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ')
    : undefined

/** The facts of the certificate Vault presented, judged against the host the doctor was given. */
function certificateFacts(sock: TLSSocket, host: string) {
  const cert = sock.getPeerCertificate() as PeerCertificate
  const known = cert && Object.keys(cert).length > 0
  const hostErr = known ? checkServerIdentity(host, cert) : undefined
  return {
    authorized: sock.authorized && !hostErr,
    authorizationError: sock.authorizationError ? String(sock.authorizationError) : undefined,
    hostnameError: hostErr?.message,
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    altNames: cert.subjectaltname,
    validFrom: cert.valid_from ? new Date(cert.valid_from) : undefined,
    validTo: cert.valid_to ? new Date(cert.valid_to) : undefined,
  }
}

export async function tlsInfo(
  session: VaultSession,
  s: VaultSettings,
  probe: AddressProbe,
): Promise<TlsInfo> {
  const trust = s.caCert ? `${s.caCert} (${s.caCertSource ?? 'config'})` : 'system roots'
  if (probe.scheme === 'http') return { scheme: 'http', trust, skipVerify: s.skipVerify }
  const [ca, client] = await Promise.all([readCa(s), readClientCert(s)])
  const t: Target = {
    provider: 'vault',
    what: 'TLS handshake',
    endpoint: `${probe.host}:${probe.port}`,
    signal: callSignal(session),
  }
  const sock = await handshake(probe, { ca: ca.pem, cert: client.cert, key: client.key }, t)
  try {
    return {
      scheme: 'https',
      ...certificateFacts(sock, probe.host),
      trust,
      caError: ca.error,
      ...(s.clientCert ? { clientCert: s.clientCert } : {}),
      ...(client.error ? { clientCertError: client.error } : {}),
      skipVerify: s.skipVerify,
    }
  } finally {
    sock.destroy()
  }
}
