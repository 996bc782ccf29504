// The pipeline JobSpec's own secrets: the `secret_providers` and `secrets` blocks beside `config:`, which the
// edge agent resolves itself. The JobSpec is read from the pipeline config the node checks read (through the
// node API, so the file is read once per run); what this provider adds is the live side, built from the
// other providers' code: a Vault API per `hashicorp_vault` entry (src/providers/vault), and the node's AWS
// credentials for `aws_sts` entries (src/providers/aws). No SDK is imported here; those providers load theirs.
import { DEFAULT_PIPELINE_CONFIG, type CoreConfig } from '../../core/config.js'
import { readInputSync } from '../../core/files.js'
import { defineProvider, ProviderError, type ProviderSession } from '../../core/provider.js'
import type { Identity, RunRecorder } from '../../core/recorder.js'
import type { AwsApi } from '../aws/api.js'
import awsProvider from '../aws/provider.js'
import type { VaultApi, VaultSettings } from '../vault/api.js'
import { createVaultFor } from '../vault/provider.js'
import { defaultMount } from '../vault/settings.js'
import type { JobspecApi, JobspecVaultTarget } from './api.js'

/** The run's recorder, with the identities an entry's logins produce recorded under the entry's name. */
function entryRecorder(base: RunRecorder, entry: string): RunRecorder {
  const own = Object.create(base) as RunRecorder
  own.identity = (i: Identity) =>
    base.identity({ ...i, provider: 'jobspec', entry, source: i.source ? `${entry}: ${i.source}` : entry })
  own.sourceChanged = (c) => base.sourceChanged({ ...c, provider: 'jobspec' })
  return own
}

/** The Vault settings an entry amounts to: its own address, TLS files and login, nothing of VAULT_*. */
export function vaultSettingsOf(t: JobspecVaultTarget): VaultSettings {
  const jwtFile = t.sources.jwt?.kind === 'file' ? t.sources.jwt.path : undefined
  return {
    address: t.address.replace(/\/+$/, ''),
    addressSource: 'jobspec',
    caCert: t.caCert,
    caCertSource: t.caCert ? 'jobspec' : undefined,
    skipVerify: t.skipVerify,
    skipVerifySource: t.skipVerify ? 'jobspec' : undefined,
    clientCert: t.clientCert,
    clientKey: t.clientKey,
    namespace: t.namespace,
    auth: {
      method: t.login,
      methodSource: 'jobspec',
      role: t.role,
      // The JobSpec names no mount: the agent logs in where Vault mounts each method by default.
      mount: defaultMount(t.login),
      jwtPath: jwtFile,
      sources: t.sources,
    },
  }
}

function create(session: ProviderSession<CoreConfig>): JobspecApi {
  const vaults = new Map<string, VaultApi>()
  let aws: AwsApi | undefined
  const awsApi = (): AwsApi => {
    if (!('aws' in session.config))
      throw new ProviderError('jobspec', 'unexpected', 'the run has no AWS configuration to work from')
    aws ??=
      (session.api?.('aws') as AwsApi | undefined) ??
      awsProvider.create(session as Parameters<typeof awsProvider.create>[0])
    return aws
  }
  const api: JobspecApi = {
    vault(target) {
      let v = vaults.get(target.entry)
      if (!v) {
        const own = { ...session, recorder: entryRecorder(session.recorder, target.entry) }
        v = createVaultFor(own, vaultSettingsOf(target))
        vaults.set(target.entry, v)
      }
      return v
    },
    awsCredentials: () => awsApi().credentials(),
    awsIdentity: () => awsApi().callerIdentity(),
    assumeRole: (t) => awsApi().assumeRole(t.roleArn, { region: t.region }),
  }
  return api
}

// A key at the start of a line (the top level, or under `spec:`): a text test, not a parse, so that deciding
// whether the provider applies stays cheap; the checks parse the file and say what they find.
const BLOCK_KEY = /^\s{0,4}(secret_providers|secrets)\s*:/m
const declared = new WeakMap<CoreConfig, boolean>()

/** Whether the pipeline config declares the blocks; a file that cannot be read declares nothing. */
function declaresSecrets(config: CoreConfig): boolean {
  let known = declared.get(config)
  if (known === undefined) {
    try {
      known = BLOCK_KEY.test(
        readInputSync(config.pipeline.config ?? DEFAULT_PIPELINE_CONFIG, 'pipeline config'),
      )
    } catch {
      known = false
    }
    declared.set(config, known)
  }
  return known
}

export default defineProvider({
  id: 'jobspec',
  title: 'Pipeline JobSpec secrets',
  configured: declaresSecrets,
  notConfigured: 'the pipeline config (pipeline.config) declares no secret_providers or secrets',
  create,
})
