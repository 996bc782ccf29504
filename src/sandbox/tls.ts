// Certificates for the loopback simulators: a CA generated per run and leaf certificates it signs —
// valid, expired, or for the wrong hostname — so TLS failures can be reproduced faithfully.
// Keys come from node:crypto through the sandbox's key pool (keys.ts); node-forge only assembles and signs the X.509 structures.
import { randomBytes } from 'node:crypto'
import forge from 'node-forge'
import { rsaKeyPair } from './keys.js'

export interface CertificateAuthority {
  readonly certPem: string
  readonly keyPem: string
}

export interface LeafCertificate {
  readonly certPem: string
  readonly keyPem: string
  readonly notBefore: Date
  readonly notAfter: Date
}

export interface LeafOptions {
  /** DNS names and IPs the certificate is valid for; default localhost + 127.0.0.1 + ::1. */
  readonly hosts?: readonly string[]
  readonly notBefore?: Date
  readonly notAfter?: Date
  readonly commonName?: string
}

const DAY = 86_400_000

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = rsaKeyPair()
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const forgeKey = forge.pki.privateKeyFromPem(pem)
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e)
  return { forgeKey, publicKey, pem }
}

const serial = () => '01' + randomBytes(8).toString('hex')

export function createCA(commonName = 'edge-secrets sandbox CA', now = new Date()): CertificateAuthority {
  const key = rsaKey()
  const cert = forge.pki.createCertificate()
  cert.publicKey = key.publicKey
  cert.serialNumber = serial()
  cert.validity.notBefore = new Date(now.getTime() - DAY)
  cert.validity.notAfter = new Date(now.getTime() + 365 * DAY)
  const attrs = [{ name: 'commonName', value: commonName }]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(key.forgeKey, forge.md.sha256.create())
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pem }
}

export function issueCertificate(ca: CertificateAuthority, options: LeafOptions = {}): LeafCertificate {
  const now = Date.now()
  const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1']
  const notBefore = options.notBefore ?? new Date(now - DAY)
  const notAfter = options.notAfter ?? new Date(now + 90 * DAY)
  const key = rsaKey()
  const caCert = forge.pki.certificateFromPem(ca.certPem)
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem)
  const cert = forge.pki.createCertificate()
  cert.publicKey = key.publicKey
  cert.serialNumber = serial()
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = notAfter
  cert.setSubject([{ name: 'commonName', value: options.commonName ?? hosts[0] ?? 'localhost' }])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ])
  cert.sign(caKey, forge.md.sha256.create())
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pem, notBefore, notAfter }
}
