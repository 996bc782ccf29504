// The loopback server every simulator is built on: node:http(s) on 127.0.0.1:0 with a request log (which
// also proves the doctor is read-only), injected latency, a black-hole mode (accepts, never answers), and a
// clock offset applied to the `Date` header, as real services send it.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export interface RequestLogEntry {
  readonly method: string
  readonly path: string
  readonly at: string
  status?: number
  /** Free-form tag a simulator sets, e.g. the AWS operation or the Vault endpoint. */
  operation?: string
}

export interface ServerKnobs {
  /** Added before every answer. */
  latencyMs: number
  /** Accept connections and requests, never answer. */
  blackHole: boolean
  /** Server clock minus real clock, in ms: the `Date` header (and signature checks) use it. */
  clockOffsetMs: number
}

export interface SimRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
  readonly body: string
  readonly log: RequestLogEntry
  /** The server's notion of now (real clock + offset). */
  readonly now: Date
}

export interface LoopbackServer {
  readonly url: string
  readonly port: number
  readonly knobs: ServerKnobs
  readonly requests: RequestLogEntry[]
  close(): Promise<void>
}

export interface StartOptions {
  readonly tls?: { readonly certPem: string; readonly keyPem: string }
  readonly knobs?: Partial<ServerKnobs>
  /** Host name used in `url` (the socket always binds 127.0.0.1). */
  readonly hostname?: string
}

const MAX_BODY = 1 << 20

export async function startLoopbackServer(
  handler: (r: SimRequest) => void | Promise<void>,
  options: StartOptions = {},
): Promise<LoopbackServer> {
  const knobs: ServerKnobs = { latencyMs: 0, blackHole: false, clockOffsetMs: 0, ...options.knobs }
  const requests: RequestLogEntry[] = []
  const sockets = new Set<Socket>()

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const log: RequestLogEntry = {
        method: req.method ?? 'GET',
        path: url.pathname,
        at: new Date().toISOString(),
      }
      requests.push(log)
      if (knobs.blackHole) return
      const now = new Date(Date.now() + knobs.clockOffsetMs)
      res.sendDate = false
      res.setHeader('Date', now.toUTCString())
      const origWriteHead = res.writeHead.bind(res)
      res.writeHead = ((status: number, ...rest: unknown[]) => {
        log.status = status
        return (origWriteHead as (...a: unknown[]) => ServerResponse)(status, ...rest)
      }) as typeof res.writeHead
      const answer = async () => {
        try {
          await handler({ req, res, url, body: Buffer.concat(chunks).toString('utf8'), log, now })
        } catch (e) {
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/plain' })
            res.end(`simulator error: ${(e as Error).message}`)
          }
        }
      }
      if (knobs.latencyMs > 0) setTimeout(() => void answer(), knobs.latencyMs)
      else void answer()
    })
  }

  const server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createHttpServer(listener)
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  // A TLS handshake failure (the client rejected our cert) is an expected outcome, not a crash.
  server.on('tlsClientError', () => {})
  server.on('clientError', (_e, socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const host = options.hostname ?? '127.0.0.1'
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    knobs,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}
