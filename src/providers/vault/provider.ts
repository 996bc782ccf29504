// HashiCorp Vault, through node-vault (loaded on first use). The API is metadata-only (api.ts); the calls
// live beside this file, grouped by what they ask: settings, transport, probe (TCP/TLS), health, auth, tokens,
// secrets. Calls are shared per run: ten checks cost one sys/health and one login.
import { defineProvider, memoByKey, once } from '../../core/provider.js'
import type { VaultApi } from './api.js'
import { login } from './auth.js'
import { vaultConfig } from './config.js'
import { readHealth } from './health.js'
import { probeAddress, tlsInfo } from './probe.js'
import { audits, capabilities, mountInfo, readSecret, sampleRead } from './secrets.js'
import { collectSecretRefs, loadAgent, resolveSettings, type VaultSession } from './settings.js'
import { agentToken, tokenSelf } from './tokens.js'
import { createTransport } from './transport.js'

function create(session: VaultSession): VaultApi {
  const vc = session.config.vault
  const agent = once(() => loadAgent(vc.agentConfig))
  const agentConfig = async () => {
    const a = await agent()
    return a.status === 'ok' ? a.config : undefined
  }
  const settings = once(async () => resolveSettings(vc, session.env, await agentConfig()))
  const { call, preload } = createTransport(session, settings)
  const probe = once(async () => {
    // Load node-vault while the TCP probe runs, so the first API call does not pay for it.
    preload()
    return probeAddress(session, await settings())
  })
  const auth = once(async () => login(session, call, await settings(), await agentConfig()))
  const token = async () => (await auth()).token
  const caps = memoByKey(async (key) => capabilities(call, token, JSON.parse(key) as string[]))
  return {
    settings,
    agent,
    secretRefs: once(async () => collectSecretRefs(vc, await agentConfig())),
    probeAddress: probe,
    tlsInfo: once(async () => tlsInfo(session, await settings(), await probe())),
    health: once(() => readHealth(session, call)),
    login: async () => (await auth()).info,
    tokenSelf: once(async () => tokenSelf(session, call, await auth())),
    agentToken: once(async () => agentToken(call, await agentConfig(), token)),
    capabilities: (paths) => caps(JSON.stringify([...paths])),
    mountInfo: memoByKey((path) => mountInfo(call, token, path)),
    readSecret: memoByKey((path) => readSecret(session, call, token, path)),
    audits: once(() => audits(call, token)),
    sampleRead: (path) => sampleRead(call, token, path),
  }
}

export default defineProvider({
  id: 'vault',
  title: 'HashiCorp Vault',
  config: vaultConfig,
  configured: (config) => config.vault.configured,
  notConfigured: 'no Vault here: set vault.address (or VAULT_ADDR) or vault.agentConfig',
  create,
})
