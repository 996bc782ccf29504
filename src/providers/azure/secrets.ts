// Key Vault reads: GET the latest version of a secret through the vault's 401 challenge, keep its
// attributes and the state of its value, register the value with the redactor, drop it.
import type { KeyVaultSecret, SecretClient } from '@azure/keyvault-secrets'
import type { TokenCredential } from '@azure/identity'
import { describeSecretText } from '../../core/payload.js'
import { isProviderError, memoByKey, once, ProviderError } from '../../core/provider.js'
import type { AzureSecretInfo } from './api.js'
import type { AzureContext } from './context.js'
import { isLoopbackUrl, vaultNameFromUrl } from './model.js'

export function describeSecret(name: string, s: KeyVaultSecret): AzureSecretInfo {
  const shape = describeSecretText(s.value)
  const p = s.properties
  return {
    name,
    version: p.version,
    enabled: p.enabled !== false,
    expiresOn: p.expiresOn,
    notBefore: p.notBefore,
    createdOn: p.createdOn,
    updatedOn: p.updatedOn,
    contentType: p.contentType,
    value: shape.kind === 'empty' ? 'empty' : 'set',
    ...(shape.kind === 'object' ? { keys: shape.keys } : {}),
  }
}

export function secretCalls(ctx: AzureContext, credential: TokenCredential) {
  const { vaultUrl } = ctx
  let learnedVaultName: string | undefined

  const client = once(async (): Promise<SecretClient> => {
    if (!vaultUrl) throw new ProviderError('azure', 'invalid', 'no Key Vault URL configured (azure.vaultUrl)')
    const [{ SecretClient }, t] = await Promise.all([import('@azure/keyvault-secrets'), ctx.transport()])
    return new SecretClient(vaultUrl, credential, {
      // A loopback vault is not *.vault.azure.net: the challenge's resource check cannot hold there.
      disableChallengeResourceVerification: isLoopbackUrl(vaultUrl),
      retryOptions: t.retryOptions,
      agent: t.agent,
      additionalPolicies: t.policies(t.vault),
    })
  })

  const read = async (name: string): Promise<KeyVaultSecret> => {
    const call = ctx.call(`secret ${name}`, vaultUrl)
    try {
      return await ctx.attempt(call, 'Azure Key Vault', async () =>
        (await client()).getSecret(name, { abortSignal: call.signal }),
      )
    } catch (e) {
      if (isProviderError(e) && typeof e.facts.vault === 'string') learnedVaultName ??= e.facts.vault
      throw e
    }
  }

  const secret = memoByKey(async (name: string): Promise<AzureSecretInfo> => {
    const s = await read(name)
    learnedVaultName ??= vaultNameFromUrl(s.properties.vaultUrl)
    return describeSecret(name, s)
  })

  const timeRead = async (name: string): Promise<number> => {
    const started = performance.now()
    describeSecretText((await read(name)).value)
    return performance.now() - started
  }

  return { secret, timeRead, learnedVaultName: () => learnedVaultName }
}
