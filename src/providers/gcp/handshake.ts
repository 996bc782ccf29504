// Google's endpoints are HTTPS. A call that gets no answer may have stalled in TCP (a black hole) or in the
// TLS handshake (a middlebox that accepts the connection and never answers the ClientHello) — two different
// things to fix, and only the socket knows which. This agent counts, per host:port, the sockets that have
// connected but not finished their handshake, so that a call's time-out can be worded as what it was.
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent, type RequestOptions } from 'node:https'
import type { Duplex } from 'node:stream'

const handshaking = new Map<string, number>()

const keyOf = (host: string | null | undefined, port: string | number | null | undefined) =>
  `${(host ?? '').replace(/^\[|\]$/g, '')}:${String(port ?? 443)}`

function bump(key: string, by: number): void {
  const n = (handshaking.get(key) ?? 0) + by
  if (n > 0) handshaking.set(key, n)
  else handshaking.delete(key)
}

class HandshakeWatchingAgent extends HttpsAgent {
  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback)
    if (!socket) return socket
    const key = keyOf(options.host ?? options.hostname, options.port)
    let counted = false
    const settle = () => {
      if (counted) bump(key, -1)
      counted = false
    }
    socket.once('connect', () => {
      counted = true
      bump(key, 1)
    })
    socket.once('secureConnect', settle)
    socket.once('close', settle)
    return socket
  }
}

/** Whether a socket to this URL's host:port is connected and still waiting for the TLS handshake. */
export function handshakePending(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && (handshaking.get(keyOf(u.hostname, u.port || 443)) ?? 0) > 0
  } catch {
    return false
  }
}

/** Keep-alive agents for one run: plain HTTP (loopback simulators, metadata server) and watched HTTPS. */
export function connectionAgents(): (url: URL) => HttpAgent {
  const http = new HttpAgent({ keepAlive: true })
  const https = new HandshakeWatchingAgent({ keepAlive: true })
  return (url) => (url.protocol === 'http:' ? http : https)
}
