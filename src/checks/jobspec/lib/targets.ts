// Which entries the live checks use, and as what: a hashicorp_vault entry the file shows no fault in becomes
// the target of a Vault session of its own; an aws_sts entry, a role to assume.
import type {
  CredentialSources,
  JobspecStsTarget,
  JobspecVaultTarget,
} from '../../../providers/jobspec/api.js'
import type { JobspecLookup } from './jobspec.js'
import {
  isSts,
  isVault,
  type JobspecModel,
  type ProviderEntry,
  type SecretEntry,
  type VaultProviderEntry,
} from './model.js'

/** The Vault session an entry amounts to, or undefined when it cannot be used as written. */
export function vaultTarget(p: VaultProviderEntry): JobspecVaultTarget | undefined {
  const spec = p.auth?.spec
  if (p.broken || !p.address || !p.auth || !spec) return undefined
  const sources: { -readonly [K in keyof CredentialSources]: CredentialSources[K] } = {}
  for (const c of p.auth.credentials) sources[c.spec.holds] = c.source
  // kubernetes reads its JWT from token_file (or the default); file reads the token from path.
  if (spec.method === 'kubernetes' && p.auth.file) sources.jwt = { kind: 'file', path: p.auth.file }
  if (spec.method === 'file' && p.auth.file) sources.token = { kind: 'file', path: p.auth.file }
  return {
    entry: p.entry,
    address: p.address,
    namespace: p.namespace,
    caCert: p.tls.caCert,
    clientCert: p.tls.clientCert,
    clientKey: p.tls.clientKey,
    skipVerify: p.tls.skipVerify,
    login: spec.login,
    method: spec.method,
    role: p.auth.role,
    sources,
  }
}

/** Providers the agent talks to: those a secret names (every one, when there is no secrets block). */
function inUse(m: JobspecModel): ProviderEntry[] {
  if (!m.secretsAt) return [...m.providers]
  return m.providers.filter((p) => m.secrets.some((s) => s.from === p.name))
}

export interface VaultUse {
  readonly provider: VaultProviderEntry
  readonly target: JobspecVaultTarget
}

export function vaultUses(j: JobspecLookup): VaultUse[] {
  if (j.state !== 'ok') return []
  return inUse(j.model).flatMap((p) => {
    const target = isVault(p) ? vaultTarget(p) : undefined
    return isVault(p) && target ? [{ provider: p, target }] : []
  })
}

export function stsUses(j: JobspecLookup): (JobspecStsTarget & { readonly at: ProviderEntry['at'] })[] {
  if (j.state !== 'ok') return []
  return inUse(j.model).flatMap((p) =>
    isSts(p) && !p.broken && p.roleArn
      ? [{ entry: p.entry, roleArn: p.roleArn, region: p.region, at: p.at }]
      : [],
  )
}

/** The secrets a Vault entry serves that say fully what to read. */
export const secretsOf = (j: JobspecLookup, provider: VaultProviderEntry): SecretEntry[] =>
  j.state === 'ok'
    ? j.model.secrets.filter(
        (s) => s.from === provider.name && !s.broken && s.mount && s.secretPath && s.field,
      )
    : []
