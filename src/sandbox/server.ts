// The loopback server every simulator is built on: node:http(s) on 127.0.0.1:0 with a request log (which
// also proves the doctor is read-only), injected latency, a black-hole mode (accepts, never answers), and a
// clock offset applied to the `Date` header, as real services send it.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net'

export interface RequestLogEntry {
  readonly method: string
  readonly path: string
  readonly at: string
  status?: number
  /** Free-form tag a simulator sets, e.g. the AWS operation or the Vault endpoint. */
  operation?: string
}

/**
 * What a hostile network or a wrong endpoint does instead of the service: the faults the doctor must name
 * (CONTRACT §7). Set `knobs.fault` (and optionally `knobs.faultWhen`) and the simulator's handler is bypassed.
 */
export type Fault =
  /** An HTML page with this status: a captive portal or login page (200), a proxy's error page (502). */
  | { readonly kind: 'html'; readonly status: number }
  /** A status with a body of its own: 429 with Retry-After, 503 with JSON… */
  | {
      readonly kind: 'status'
      readonly status: number
      readonly body?: string
      readonly contentType?: string
      readonly headers?: Readonly<Record<string, string>>
    }
  /** 200 with `content-type: application/json` and a body that is not JSON. */
  | { readonly kind: 'malformed-json' }
  /** Headers and part of the body, then the connection is reset. */
  | { readonly kind: 'reset-mid-body' }
  /** Headers and a few bytes of body, then nothing, ever. */
  | { readonly kind: 'drip-stall' }
  /** A JSON body this many bytes long (a runaway proxy, a wrong endpoint streaming a file). */
  | { readonly kind: 'huge-body'; readonly bytes: number }
  /** A redirect to another host. */
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number }

export interface ServerKnobs {
  /** Added before every answer. */
  latencyMs: number
  /** Accept connections and requests, never answer. */
  blackHole: boolean
  /** Server clock minus real clock, in ms: the `Date` header (and signature checks) use it. */
  clockOffsetMs: number
  /** Answer with this fault instead of the simulator's handler. */
  fault?: Fault
  /** Which requests get the fault (default: all). */
  faultWhen?: (method: string, path: string) => boolean
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
  // EDGE_SECRETS_SIM_LATENCY_MS adds latency to every simulator at once (npm run bench measures a slow network).
  const latencyMs = Number(process.env.EDGE_SECRETS_SIM_LATENCY_MS ?? 0) || 0
  const knobs: ServerKnobs = { latencyMs, blackHole: false, clockOffsetMs: 0, ...options.knobs }
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
        if (knobs.fault && (knobs.faultWhen?.(log.method, log.path) ?? true))
          return sendFault(res, knobs.fault)
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

const HTML_PAGE = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status === 200 ? 'Sign in' : `${status} Bad Gateway`}</title></head>` +
  `<body><h1>${status === 200 ? 'Please sign in to continue' : 'The proxy could not reach the upstream server'}</h1></body></html>\n`

/** Answers a request with a fault (see Fault). */
export function sendFault(res: ServerResponse, fault: Fault): void {
  switch (fault.kind) {
    case 'html':
      return sendBody(res, fault.status, HTML_PAGE(fault.status), 'text/html; charset=utf-8')
    case 'status':
      return sendBody(
        res,
        fault.status,
        fault.body ?? '',
        fault.contentType ?? 'application/json',
        fault.headers,
      )
    case 'malformed-json':
      return sendBody(res, 200, '{"data": {"truncated', 'application/json')
    case 'reset-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' })
      res.write('{"data": {"keys": ["a", ')
      // A TCP RST where the socket allows one (plain HTTP); a TLS socket can only be closed mid-body.
      setTimeout(() => {
        try {
          res.socket?.resetAndDestroy()
        } catch {
          res.socket?.destroy()
        }
      }, 20)
      return
    case 'drip-stall':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' })
      res.write('{"da')
      return
    case 'huge-body': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.bytes) })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let left = fault.bytes
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length)
          left -= n
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
            return void res.once('drain', pump)
        }
        res.end()
      }
      res.on('error', () => {})
      return pump()
    }
    case 'redirect':
      res.writeHead(fault.status ?? 307, { location: fault.location, 'content-length': '0' })
      return void res.end()
  }
}

function sendBody(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}

/**
 * A TCP listener that accepts connections and never says a word: a TLS client waits for the ServerHello
 * forever (a handshake stall), an HTTP client for the status line.
 */
export async function startSilentServer(): Promise<{
  readonly url: string
  readonly port: number
  close(): Promise<void>
}> {
  const sockets = new Set<Socket>()
  const server = createTcpServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A loopback port nothing listens on (bound, then released): connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
