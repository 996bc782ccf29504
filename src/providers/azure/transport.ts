// The pipeline options both Azure clients share: which CAs to trust, how often to retry, the guard and
// clock policies, and the agent that watches TLS handshakes. Built once per run, on first use.
import { rootCertificates } from 'node:tls'
import type { AdditionalPolicyConfig } from '@azure/core-client'
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline'
import { readInput } from '../../core/files.js'
import { ProviderError, type ProviderSession } from '../../core/provider.js'
import type { AzureConfig } from './config.js'
import { HandshakeAgent, Wire, type AzureService } from './wire.js'

/** SDK retries on 408/5xx and network errors: one quick retry by default, not a long backoff. */
const DEFAULT_RETRIES = 1

export interface Transport {
  readonly agent: HandshakeAgent
  readonly retryOptions: PipelineRetryOptions
  readonly entra: Wire
  readonly vault: Wire
  /** `additionalPolicies` for a client of this service. */
  policies(wire: Wire): AdditionalPolicyConfig[]
}

type Session = Pick<ProviderSession, 'env' | 'recorder'> & {
  readonly config: { readonly azure: AzureConfig }
}

function retries(session: Session): number {
  const n =
    session.config.azure.maxRetries ?? Number(session.env.EDGE_SECRETS_AZURE_MAX_RETRIES ?? DEFAULT_RETRIES)
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_RETRIES
}

/**
 * The extra CA: azure.caCert, else NODE_EXTRA_CA_CERTS. Node applies the variable at startup; reading it here
 * too keeps the trust explicit for the agent below, and lets in-process runs (tests, demo) trust a sandbox CA.
 */
async function extraCa(session: Session): Promise<string | undefined> {
  const configured = session.config.azure.caCert
  const path = configured ?? session.env.NODE_EXTRA_CA_CERTS
  if (!path) return undefined
  let pem: string
  try {
    pem = await readInput(path, 'CA file')
  } catch (e) {
    // Node has already warned about a bad NODE_EXTRA_CA_CERTS; a bad azure.caCert is the doctor's to report.
    if (!configured) return undefined
    throw new ProviderError('azure', 'invalid', `azure.caCert: ${(e as Error).message}`, { caCert: path })
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    if (!configured) return undefined
    throw new ProviderError('azure', 'invalid', `azure.caCert: ${path} holds no PEM certificate`, {
      caCert: path,
    })
  }
  return pem
}

export async function createTransport(session: Session): Promise<Transport> {
  const ca = await extraCa(session)
  const agent = new HandshakeAgent({ keepAlive: true, ...(ca ? { ca: [...rootCertificates, ca] } : {}) })
  const wire = (service: AzureService, source: string) =>
    new Wire(service, (date, sentAt, receivedAt) =>
      session.recorder.observeDate(source, date, sentAt, receivedAt),
    )
  return {
    agent,
    retryOptions: { maxRetries: retries(session), retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
    entra: wire('Microsoft Entra', 'azure entra'),
    vault: wire('Azure Key Vault', 'azure key vault'),
    policies: (w) => [{ policy: w.policy(), position: 'perRetry' }],
  }
}
