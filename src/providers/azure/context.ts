// What every Azure call of one run shares: the session, the credential plan, the transport and the
// credential (both built once, on first use), and one way to make a call — bounded by its own limit
// (src/core/net.ts callSignal), with any failure turned into a ProviderError.
import type { TokenCredential } from '@azure/identity'
import { bounded, callSignal } from '../../core/net.js'
import { once, type ConfigWith, type ProviderSession } from '../../core/provider.js'
import type { AzureCredentialPlan } from './api.js'
import type { AzureConfig } from './config.js'
import { createCredential } from './credential.js'
import { azureFailure, type AzureCall } from './errors.js'
import { IMDS_ENDPOINT } from './model.js'
import { credentialPlan } from './plan.js'
import { createTransport, type Transport } from './transport.js'
import type { AzureService } from './wire.js'

export type AzureSession = ProviderSession<ConfigWith<'azure', AzureConfig>>

export interface AzureContext {
  readonly session: AzureSession
  readonly plan: AzureCredentialPlan
  /** Where tokens come from: the Entra authority, or the managed identity's endpoint. */
  readonly tokenEndpoint: string
  readonly vaultUrl?: string
  readonly transport: () => Promise<Transport>
  readonly credential: () => Promise<TokenCredential>
  /** A new call: its own signal starts now, so loading an SDK counts against it too. */
  call(what: string, endpoint: string | undefined): AzureCall
  /** Runs `work` within the call's limit; whatever goes wrong is thrown as a ProviderError (or RunAborted). */
  attempt<T>(call: AzureCall, service: AzureService, work: () => Promise<T>): Promise<T>
}

export function azureContext(session: AzureSession): AzureContext {
  const plan = credentialPlan(session.config.azure, session.env)
  const tokenEndpoint =
    plan.source === 'managed-identity' ? (session.env.IDENTITY_ENDPOINT ?? IMDS_ENDPOINT) : plan.authorityHost
  const transport = once(() => createTransport(session))
  const credential = once(async () =>
    createCredential(plan, await transport(), session.env.AZURE_CLIENT_SECRET),
  )
  return {
    session,
    plan,
    tokenEndpoint,
    vaultUrl: session.config.azure.vaultUrl?.replace(/\/+$/, ''),
    transport,
    credential,
    call: (what, endpoint) => ({
      provider: 'azure',
      what,
      endpoint,
      signal: callSignal(session),
      started: performance.now(),
    }),
    async attempt(call, service, work) {
      try {
        // Clients that keep retrying, and MSAL, which takes no signal for its own requests, end here.
        return await bounded(work(), call.signal)
      } catch (e) {
        const t = await transport().catch(() => undefined)
        throw azureFailure(
          e,
          call,
          { entra: t?.entra, vault: t?.vault, agent: t?.agent, tokenEndpoint },
          service,
        )
      }
    },
  }
}
