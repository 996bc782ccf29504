// Pure Azure facts the checks and the provider share: the public authority, the workload-identity
// variables, what a loopback endpoint is, and which AADSTS codes mean which misconfiguration.

export const AZURE_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com'
/** Where a VM's or an AKS node's managed identity gets its tokens (App Service sets IDENTITY_ENDPOINT). */
export const IMDS_ENDPOINT = 'http://169.254.169.254'
/** The scope of a Key Vault data-plane token. */
export const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default'

export const WORKLOAD_IDENTITY_VARS = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
] as const

/** AADSTS codes by the setting an operator has to fix (learn.microsoft.com/entra/identity-platform/reference-error-codes). */
export const AADSTS = {
  federatedMismatch: new Set(['AADSTS70021', 'AADSTS700211', 'AADSTS700212', 'AADSTS700213']),
  assertionExpired: new Set(['AADSTS700024']),
  unknownClient: new Set(['AADSTS700016']),
  unknownTenant: new Set(['AADSTS90002', 'AADSTS900023', 'AADSTS90013']),
  badClientSecret: new Set(['AADSTS7000215', 'AADSTS7000222']),
} as const

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i

/** A loopback URL: the sandbox, where instance discovery and the challenge's resource check are relaxed. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false
  try {
    return LOOPBACK.test(new URL(url).hostname)
  } catch {
    return false
  }
}

/** `https://expanso-secrets.vault.azure.net` → `expanso-secrets`; nothing for a loopback or odd URL. */
export function vaultNameFromUrl(url: string | undefined): string | undefined {
  if (!url || isLoopbackUrl(url)) return undefined
  try {
    return new URL(url).hostname.split('.')[0] || undefined
  } catch {
    return undefined
  }
}

/** A provider error's message without the `secret <name>: ` or `token from <host>: ` it starts with. */
export const withoutCall = (message: string): string =>
  message.replace(/^(secret [^:]*|token from \S+):\s*/, '')
