// Google Secret Manager: Application Default Credentials resolved step by step (adc.ts), and the Secret
// Manager client against the configured endpoint (client.ts), every exchange through one transport that
// bounds, classifies and judges it (transport.ts). Metadata only: checks get key names and states, never a
// payload.
import { defineProvider, once } from '../../core/provider.js'
import { resolveCredentials } from './adc.js'
import type { GcpApi } from './api.js'
import { createSecretManager } from './client.js'
import { gcpConfig } from './config.js'
import { secretCalls } from './secrets.js'
import { createTransport } from './transport.js'

export default defineProvider({
  id: 'gcp',
  title: 'Google Secret Manager',
  config: gcpConfig,
  configured: (config) => config.gcp.configured,
  notConfigured:
    'no Google Cloud here: add a gcp: section, GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_CLOUD_PROJECT',
  create(session): GcpApi {
    const http = createTransport(session)
    const creds = once(() => resolveCredentials(session, http))
    const sm = createSecretManager(session, http, async () => (await creds()).accessToken)
    return {
      endpoint: sm.endpoint.url,
      credentials: async () => {
        // The client takes about a second to load: let that overlap the token exchange.
        sm.preload()
        return (await creds()).info
      },
      ...secretCalls(sm, async () => (await creds()).info.project),
    }
  },
})
