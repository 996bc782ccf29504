// A loopback Azure Key Vault and Microsoft Entra, faithful to research/wire-protocols.md §6: Entra
// (azure/entra.ts) serves the OpenID configuration and the client-credentials token endpoint of the
// workload-identity flow and signs its access tokens; Key Vault (azure/keyvault.ts) answers the 401 Bearer
// challenge, verifies those tokens, and serves secrets with the real error bodies. Both run HTTPS on
// 127.0.0.1 with one sandbox CA; the state (azure/state.ts) is what tests and scenarios change.
import { entraHandler } from './azure/entra.js'
import { vaultHandler } from './azure/keyvault.js'
import { defaultAzureState, type AzureSimState } from './azure/state.js'
import { signingKey } from './azure/tokens.js'
import { startLoopbackServer, type LoopbackServer, type RequestLogEntry, type ServerKnobs } from './server.js'
import { createCA, issueCertificate, type CertificateAuthority, type LeafCertificate } from './tls.js'

export * from './azure/state.js'
export { projectedServiceAccountToken } from './azure/tokens.js'

export interface AzureSimulator {
  readonly state: AzureSimState
  readonly vaultUrl: string
  /** `AZURE_AUTHORITY_HOST` for the identity library. */
  readonly authorityHost: string
  readonly ca: CertificateAuthority
  readonly vault: LoopbackServer
  readonly login: LoopbackServer
  requestLog(): (RequestLogEntry & { readonly server: string })[]
  close(): Promise<void>
}

export interface AzureSimOptions {
  readonly ca?: CertificateAuthority
  readonly vaultKnobs?: Partial<ServerKnobs>
  readonly loginKnobs?: Partial<ServerKnobs>
}

// Key generation is synchronous and slow: one loopback certificate per CA serves every simulator started
// with it, so a test file that starts many does not stall its own event loop (and its simulators).
const leaves = new WeakMap<CertificateAuthority, LeafCertificate>()

export async function startAzureSimulator(
  initial: Partial<AzureSimState> = {},
  options: AzureSimOptions = {},
): Promise<AzureSimulator> {
  const state = defaultAzureState(initial)
  const ca = options.ca ?? createCA('edge-secrets azure sandbox CA')
  let tls = leaves.get(ca)
  if (!tls) leaves.set(ca, (tls = issueCertificate(ca)))
  const key = await signingKey(`sandbox-entra-${state.tenantId.slice(0, 8)}`)
  let loginUrl = ''
  const login = await startLoopbackServer(entraHandler({ state, url: () => loginUrl, key }), {
    tls,
    knobs: options.loginKnobs,
  })
  loginUrl = login.url
  const vault = await startLoopbackServer(vaultHandler({ state, entraKey: key }), {
    tls,
    knobs: options.vaultKnobs,
  })
  return {
    state,
    vaultUrl: vault.url,
    authorityHost: login.url,
    ca,
    vault,
    login,
    requestLog: () => [
      ...vault.requests.map((r) => ({ ...r, server: 'azure-keyvault' })),
      ...login.requests.map((r) => ({ ...r, server: 'azure-entra' })),
    ],
    close: async () => {
      await Promise.all([vault.close(), login.close()])
    },
  }
}
