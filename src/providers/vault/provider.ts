// HashiCorp Vault, through node-vault (loaded on first use). The API is metadata-only (api.ts); the calls
// live beside this file, grouped by what they ask: settings, transport, probe (TCP/TLS), health, auth, tokens,
// secrets. Calls are shared per run: ten checks cost one sys/health and one login.
import { defineProvider, memoByKey, once, type ProviderSession } from '../../core/provider.js'
import type { AgentConfig } from './agent-config.js'
import type { AgentLoad, SecretRef, VaultApi, VaultSettings } from './api.js'
import { login } from './auth.js'
import { vaultConfig } from './config.js'
import { readHealth } from './health.js'
import { probeAddress, tlsInfo } from './probe.js'
import { audits, capabilities, mountInfo, readSecret, sampleRead } from './secrets.js'
import { collectSecretRefs, loadAgent, resolveSettings, type VaultSession } from './settings.js'
import { agentToken, tokenSelf } from './tokens.js'
import { createTransport } from './transport.js'

/** What one Vault API is built from: its settings, and the agent config behind them (if any). */
interface VaultInputs {
  readonly settings: () => Promise<VaultSettings>
  readonly agent: () => Promise<AgentLoad>
  readonly agentConfig: () => Promise<AgentConfig | undefined>
  readonly secretRefs: VaultApi['secretRefs']
}

function build(session: VaultSession, inputs: VaultInputs): VaultApi {
  const { settings, agentConfig } = inputs
  const { call, preload } = createTransport(session, settings)
  const health = once(() => readHealth(session, call))
  const probe = once(async () => {
    // Load node-vault while the TCP probe runs, so the first API call does not pay for it; and ask
    // sys/health (unauthenticated, read-only) meanwhile, so vault.health finds its answer waiting once
    // vault.tls has passed instead of adding a round trip to the run's longest chain.
    preload()
    void health().catch(() => {})
    return probeAddress(session, await settings())
  })
  const auth = once(async () => login(session, call, await settings(), await agentConfig()))
  const token = async () => (await auth()).token
  const caps = memoByKey(async (key) => capabilities(call, token, JSON.parse(key) as string[]))
  return {
    settings,
    agent: inputs.agent,
    secretRefs: inputs.secretRefs,
    probeAddress: probe,
    tlsInfo: once(async () => tlsInfo(session, await settings(), await probe())),
    health,
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

function create(session: VaultSession): VaultApi {
  const vc = session.config.vault
  const agent = once(() => loadAgent(vc.agentConfig))
  const agentConfig = async () => {
    const a = await agent()
    return a.status === 'ok' ? a.config : undefined
  }
  return build(session, {
    settings: once(async () => resolveSettings(vc, session.env, await agentConfig())),
    agent,
    agentConfig,
    secretRefs: once(async () => collectSecretRefs(vc, await agentConfig())),
  })
}

/** The doctor config's vault section with nothing set: what a Vault described elsewhere starts from. */
const EMPTY_SECTION = vaultConfig.resolve(undefined, {
  env: {},
  present: false,
  abs: (p) => p,
  manifests: [],
})

/**
 * A Vault API for settings given outright — a pipeline JobSpec's `hashicorp_vault` entry, which names its own
 * address, TLS files and login — sharing none of the doctor's own Vault config, agent config or VAULT_*
 * variables. Credential sources of kind `env` read `session.env`, the environment the agent shares.
 */
export function createVaultFor(
  session: ProviderSession,
  settings: VaultSettings,
  secretRefs: readonly SecretRef[] = [],
): VaultApi {
  const own: VaultSession = { ...session, config: { ...session.config, vault: EMPTY_SECTION } }
  return build(own, {
    settings: async () => settings,
    agent: async () => ({ status: 'none' }),
    agentConfig: async () => undefined,
    secretRefs: async () => ({ refs: [...secretRefs], unreadableTemplates: [] }),
  })
}

export default defineProvider({
  id: 'vault',
  title: 'HashiCorp Vault',
  config: vaultConfig,
  configured: (config) => config.vault.configured,
  notConfigured: 'no Vault here: set vault.address (or VAULT_ADDR) or vault.agentConfig',
  create,
})
