// The network guard: any socket to an address outside 127.0.0.0/8 or ::1 is refused and recorded.
// Loaded by vitest's setup file and, with `--import`, by every CLI process the e2e tests spawn, so no test
// can reach a cloud, an instance metadata service or a name that resolves elsewhere.
import net from 'node:net'
import dns from 'node:dns'

const violations = []
globalThis.__edgeSecretsNetViolations = violations

const isLoopback = (host) => {
  if (host === undefined || host === null || host === '') return true // net defaults to localhost
  const h = String(host).replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1'
}

const refuse = (host, port) => {
  const msg = `network guard: connection to ${host}:${port} refused (tests may only reach loopback)`
  violations.push(msg)
  if (process.env.EDGE_SECRETS_NET_GUARD_LOG) process.stderr.write(msg + '\n')
  const err = new Error(msg)
  err.code = 'ECONNREFUSED'
  return err
}

const origConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0]
  if (Array.isArray(opts)) opts = opts[0]
  let host
  let port
  if (opts && typeof opts === 'object') {
    if (opts.path) return origConnect.apply(this, args) // unix socket
    host = opts.host
    port = opts.port
  } else {
    port = opts
    host = typeof args[1] === 'string' ? args[1] : undefined
  }
  if (!isLoopback(host)) {
    const err = refuse(host, port)
    process.nextTick(() => this.destroy(err))
    return this
  }
  return origConnect.apply(this, args)
}

// Names are resolved only if they resolve to loopback; anything else fails like a DNS miss.
const origLookup = dns.lookup
dns.lookup = function guardedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback
  const opts = typeof options === 'function' ? {} : options
  if (isLoopback(hostname)) return origLookup.call(dns, hostname, opts, cb)
  const err = refuse(hostname, '(dns)')
  err.code = 'ENOTFOUND'
  process.nextTick(() => cb(err))
  return {}
}
