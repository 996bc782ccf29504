import { defineCheck, found, pass, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isNetworkFault } from '../../core/provider.js'
import type { TlsInfo } from '../../providers/vault/api.js'

const DAY = 86_400_000
type F =
  | 'unknown-authority'
  | 'hostname-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'expiring'
  | 'ca-unreadable'
  | 'skip-verify'
  | 'no-handshake'

export default defineCheck<'vault', F>({
  id: 'vault.tls',
  title: "Vault's certificate is trusted, matches its address and is valid",
  description:
    'Agents refuse a certificate they cannot verify ("x509: certificate signed by unknown authority") and retry forever; an expiring certificate is an outage on a known date.',
  provider: 'vault',
  category: 'tls',
  needs: ['vault.address'],
  network: true,
  findings: {
    'unknown-authority': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate of {{host}} is not signed by a trusted CA ({{code}}); trusted: {{trust}}',
      remedies: ['vault.trust-ca'],
    },
    'hostname-mismatch': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate is not valid for {{host}} (it names {{names}})',
      remedies: ['vault.fix-cert-hostname'],
    },
    expired: {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate of {{host}} expired {{ago}} ago ({{notAfter}})',
      remedies: ['vault.renew-certificate'],
    },
    'not-yet-valid': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate of {{host}} is not valid before {{notBefore}} (check this clock too)',
      remedies: ['vault.renew-certificate'],
    },
    expiring: {
      status: 'warn',
      severity: 'high',
      message: 'the certificate of {{host}} expires in {{left}} ({{notAfter}}), under the {{min}} threshold',
      remedies: ['vault.renew-certificate'],
    },
    'ca-unreadable': {
      status: 'fail',
      severity: 'critical',
      message: '{{error}}: the agent cannot verify Vault without its CA file',
      remedies: ['vault.trust-ca'],
    },
    'no-handshake': {
      status: 'fail',
      severity: 'critical',
      message: 'no TLS session with Vault: {{reason}}',
      remedies: ['vault.network-reach', 'vault.fix-address'],
    },
    'skip-verify': {
      status: 'warn',
      severity: 'high',
      message: 'TLS verification is switched off ({{source}}): anyone on the path can impersonate Vault',
      remedies: ['vault.no-skip-verify', 'vault.trust-ca'],
    },
  },
  async run({ vault, config, now }) {
    let t: TlsInfo
    try {
      t = await vault.tlsInfo()
    } catch (e) {
      // A handshake that stalls, is reset, or meets plain HTTP: this check is the one that reaches TLS.
      if (!isNetworkFault(e)) throw e
      return found('no-handshake', { reason: e.message })
    }
    const p = await vault.probeAddress()
    if (t.scheme === 'http') return pass('plain HTTP: no certificate to verify')
    const details = [
      `subject: ${t.subject ?? '?'}`,
      `issuer: ${t.issuer ?? '?'}`,
      `subjectAltName: ${t.altNames ?? '(none)'}`,
      `valid: ${t.validFrom?.toISOString() ?? '?'} → ${t.validTo?.toISOString() ?? '?'}`,
      `trust: ${t.trust}`,
    ]
    const out: Outcome<F>[] = []
    const host = p.host
    const ext = { details }
    const s = await vault.settings()
    const caCmd = {
      'vault.trust-ca': [
        `openssl s_client -connect ${host}:${p.port} -servername ${host} -showcerts </dev/null`,
        ...(s.caCert ? [`openssl verify -CAfile ${s.caCert} <server-cert.pem>`] : []),
      ],
    }
    if (t.caError) out.push(found('ca-unreadable', { error: t.caError }, { ...ext, commands: caCmd }))
    const code = t.authorizationError
    const n = now().getTime()
    if (code === 'CERT_HAS_EXPIRED' || (t.validTo && t.validTo.getTime() < n))
      out.push(
        found(
          'expired',
          {
            host,
            ago: formatDuration(n - (t.validTo?.getTime() ?? n)),
            notAfter: t.validTo?.toISOString() ?? '?',
          },
          ext,
        ),
      )
    else if (code === 'CERT_NOT_YET_VALID')
      out.push(found('not-yet-valid', { host, notBefore: t.validFrom?.toISOString() ?? '?' }, ext))
    else if (code && !t.caError)
      out.push(found('unknown-authority', { host, code, trust: t.trust }, { ...ext, commands: caCmd }))
    if (t.hostnameError)
      out.push(found('hostname-mismatch', { host, names: t.altNames ?? t.subject ?? '?' }, ext))
    if (!code && t.validTo) {
      const left = t.validTo.getTime() - n
      if (left < config.thresholds.certMinValidityMs)
        out.push(
          found(
            'expiring',
            {
              host,
              left: formatDuration(left),
              notAfter: t.validTo.toISOString(),
              min: formatDuration(config.thresholds.certMinValidityMs),
            },
            ext,
          ),
        )
    }
    if (t.skipVerify) {
      // With verification off the agent still works; what verification would have found is a warning too.
      const masked = out.map((o) => (o.kind === 'found' ? o.finding : '')).filter(Boolean)
      return found(
        'skip-verify',
        {
          source:
            s.skipVerifySource === 'env'
              ? 'VAULT_SKIP_VERIFY'
              : s.skipVerifySource === 'agent'
                ? 'tls_skip_verify in the agent config'
                : 'vault.skipVerify',
        },
        {
          details: [...details, ...(masked.length ? [`verification would fail: ${masked.join(', ')}`] : [])],
        },
      )
    }
    if (out.length) return out
    return pass(
      `trusted, valid for ${host}, ${Math.floor(((t.validTo?.getTime() ?? n) - n) / DAY)} days left`,
      details,
    )
  },
})
