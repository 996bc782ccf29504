import { formatDuration } from '../../core/duration.js'
import { isNetworkFault, isProviderError } from '../../core/provider.js'
import type { VaultApi } from '../../providers/jobspec/api.js'
import { jobspecOf } from './lib/jobspec.js'
import { defineCheck, pass, skip } from './lib/define.js'
import type { Issue } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { vaultUses, type VaultUse } from './lib/targets.js'

type Key =
  | 'unreachable'
  | 'not-vault'
  | 'tls-untrusted'
  | 'tls-hostname'
  | 'tls-expired'
  | 'tls-expiring'
  | 'tls-files'
  | 'sealed'
  | 'not-serving'
  | 'standby'

const FAILING = new Set<Key>([
  'unreachable',
  'not-vault',
  'tls-untrusted',
  'tls-hostname',
  'tls-expired',
  'tls-files',
  'sealed',
  'not-serving',
])

type Judge = (key: Key, detail: string) => void

/** TCP, then TLS as the entry's own CA and client certificate judge it. False when the entry is unreachable. */
async function reach(v: VaultApi, u: VaultUse, now: Date, minValidityMs: number, add: Judge) {
  try {
    const p = await v.probeAddress()
    if (p.scheme === 'http') return true
  } catch (e) {
    if (isProviderError(e) && e.kind === 'invalid' && !e.fault) add('unreachable', e.message)
    else if (isNetworkFault(e)) add('unreachable', e.message)
    else throw e
    return false
  }
  let t
  try {
    t = await v.tlsInfo()
  } catch (e) {
    if (!isNetworkFault(e)) throw e
    add('unreachable', e.message)
    return false
  }
  if (t.caError) add('tls-files', t.caError)
  if (t.clientCertError) add('tls-files', t.clientCertError)
  // With skip_verify the agent accepts any certificate: jobspec.providers already warns about that.
  if (u.target.skipVerify) return true
  const left = t.validTo ? t.validTo.getTime() - now.getTime() : undefined
  if (t.authorizationError === 'CERT_HAS_EXPIRED' || (left !== undefined && left < 0))
    add('tls-expired', `expired ${t.validTo?.toISOString() ?? '?'}`)
  else if (t.authorizationError && !t.caError)
    add('tls-untrusted', `${t.authorizationError}; trusted: ${t.trust}`)
  if (t.hostnameError) add('tls-hostname', `the certificate names ${t.altNames ?? t.subject ?? '?'}`)
  if (!t.authorizationError && left !== undefined && left >= 0 && left < minValidityMs)
    add('tls-expiring', `expires in ${formatDuration(left)} (${t.validTo?.toISOString() ?? '?'})`)
  return true
}

async function health(v: VaultApi, add: Judge): Promise<string | undefined> {
  try {
    const h = await v.health()
    const version = h.version ? `Vault ${h.version}` : 'Vault'
    if (!h.initialized) add('not-serving', `${version} is not initialized`)
    else if (h.sealed) add('sealed', `${version} is sealed`)
    else if (h.drSecondary) add('not-serving', `${version} is a DR secondary`)
    else if (h.standby)
      add('standby', `${version} is a ${h.performanceStandby ? 'performance standby' : 'standby'}`)
    return version
  } catch (e) {
    if (!isProviderError(e)) throw e
    if (isNetworkFault(e) && e.fault !== 'not-the-service' && e.fault !== 'redirect')
      add('unreachable', e.message)
    else if (isNetworkFault(e) || typeof e.facts.status === 'number') add('not-vault', e.message)
    else throw e
    return undefined
  }
}

export default defineCheck<Key>({
  id: 'jobspec.vault-reach',
  title: 'Each JobSpec Vault answers at its address, with TLS its own CA and client certificate accept',
  description:
    'A hashicorp_vault entry names its own address, CA (`tls.ca_cert`) and client certificate (`tls.client_cert`, ' +
    '`tls.client_key`): the agent reaches that Vault with those, not with VAULT_ADDR or the doctor config. Each ' +
    'entry the secrets use is probed the same way: the address answers, the certificate is trusted, valid and ' +
    'issued for the host, and Vault is initialized, unsealed and active.',
  provider: 'jobspec',
  category: 'connectivity',
  needs: ['jobspec.providers'],
  network: true,
  findings: {
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: 'cannot reach Vault: {{list}}',
      remedies: ['vault.network-reach', 'vault.fix-address'],
    },
    'not-vault': {
      status: 'fail',
      severity: 'critical',
      message: 'what answers is not Vault: {{list}}',
      remedies: ['vault.fix-address', 'vault.network-reach'],
    },
    'tls-untrusted': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate is not signed by a CA the entry trusts: {{list}}',
      remedies: ['vault.trust-ca'],
    },
    'tls-hostname': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate is not issued for the address: {{list}}',
      remedies: ['vault.fix-cert-hostname'],
    },
    'tls-expired': {
      status: 'fail',
      severity: 'critical',
      message: 'the certificate has expired: {{list}}',
      remedies: ['vault.renew-certificate'],
    },
    'tls-files': {
      status: 'fail',
      severity: 'critical',
      message: 'TLS files the entry names cannot be used: {{list}}',
      remedies: ['vault.trust-ca', 'jobspec.pair-client-cert'],
    },
    sealed: {
      status: 'fail',
      severity: 'critical',
      message: 'Vault is sealed: every secret read fails with 503: {{list}}',
      remedies: ['vault.unseal'],
    },
    'not-serving': {
      status: 'fail',
      severity: 'critical',
      message: 'Vault serves no secrets (not initialized, or a DR secondary until promoted): {{list}}',
      remedies: ['vault.initialize', 'vault.route-to-active'],
    },
    'tls-expiring': {
      status: 'warn',
      severity: 'high',
      message: 'the certificate expires soon: {{list}}',
      remedies: ['vault.renew-certificate'],
    },
    standby: {
      status: 'warn',
      severity: 'medium',
      message: 'not the active node: reads work only while it can forward: {{list}}',
      remedies: ['vault.route-to-active'],
    },
  },
  async run({ jobspec, node, config, now }) {
    const j = await jobspecOf(node, config)
    const uses = vaultUses(j)
    if (j.state !== 'ok' || !uses.length)
      return skip(
        'not-applicable',
        'no hashicorp_vault entry that the secrets use and that can be used as written',
      )
    const issues: Issue<Key>[] = []
    const details: string[] = []
    await Promise.all(
      uses.map(async (u) => {
        const v = jobspec.vault(u.target)
        const add: Judge = (key, detail) =>
          issues.push({ key, entry: u.provider.entry, at: u.provider.at, detail })
        if (!(await reach(v, u, now(), config.thresholds.certMinValidityMs, add))) return
        const version = await health(v, add)
        details.push(`${u.provider.entry}: ${u.target.address}${version ? ` (${version})` : ''}`)
      }),
    )
    issues.sort((a, b) => a.at.line - b.at.line)
    const out = grouped<Key>(issues, j.file, FAILING, { details: details.sort() })
    if (out.length) return out
    return pass(
      `${uses.length} Vault${uses.length === 1 ? '' : 's'} reachable, trusted and active`,
      details.sort(),
    )
  },
})
