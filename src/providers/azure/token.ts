// The identity side: the projected service-account token's claims (read from its file, never shown), and
// one Key Vault token from Entra per run — the one every Key Vault read presents, so a run asks Entra once.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import { InputFileError, readInput } from '../../core/files.js'
import { audiences, decodeJwtClaims, expiresAt } from '../../core/jwt.js'
import { once, ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { AzureTokenInfo, FederatedTokenInfo } from './api.js'
import type { AzureContext } from './context.js'
import { KEY_VAULT_SCOPE } from './model.js'

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
const secondsToDate = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000) : undefined)

/** Claims of the projected token; a file that cannot be used says why, without repeating its path. */
export async function readFederatedToken(path: string): Promise<FederatedTokenInfo> {
  let text: string
  try {
    text = (await readInput(path, 'token file')).trim()
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e
    return { path, error: e.message.startsWith(path) ? e.message.slice(path.length).trim() : e.message }
  }
  if (!text) return { path, error: 'empty file' }
  registerSecret(text)
  const claims = decodeJwtClaims(text)
  if (!claims) return { path, error: 'not a JWT' }
  return {
    path,
    issuer: str(claims.iss),
    subject: str(claims.sub),
    audience: audiences(claims),
    issuedAt: secondsToDate(claims.iat),
    expiresAt: expiresAt(claims),
  }
}

function describeToken(ctx: AzureContext, access: AccessToken): AzureTokenInfo {
  const claims = decodeJwtClaims(access.token) ?? {}
  const appId = str(claims.appid) ?? str(claims.azp)
  return {
    source: ctx.plan.source,
    clientId: appId ?? ctx.plan.clientId,
    tenantId: str(claims.tid) ?? ctx.plan.tenantId,
    objectId: str(claims.oid),
    appId,
    expiresAt: new Date(access.expiresOnTimestamp),
    authorityHost: ctx.plan.authorityHost,
  }
}

export function tokenCalls(ctx: AzureContext) {
  const { plan } = ctx
  const accessToken = once(async (): Promise<AccessToken> => {
    const call = ctx.call(`token from ${ctx.tokenEndpoint}`, ctx.tokenEndpoint)
    const access = await ctx.attempt(call, 'Microsoft Entra', async () =>
      (await ctx.credential()).getToken(KEY_VAULT_SCOPE, {
        abortSignal: call.signal,
        tenantId: plan.tenantId,
      }),
    )
    if (!access) throw new ProviderError('azure', 'unauthenticated', `${call.what}: Entra issued no token`)
    registerSecret(access.token)
    return access
  })

  /**
   * What SecretClient authenticates with: the run's token while it is valid for the tenant the vault's
   * challenge names; anything else (another tenant, a claims challenge) goes to the real credential.
   */
  const shared: TokenCredential = {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      const sameTenant = !options?.tenantId || !plan.tenantId || options.tenantId === plan.tenantId
      if (sameTenant && !options?.claims) {
        const access = await accessToken()
        if (access.expiresOnTimestamp - Date.now() > 60_000) return access
      }
      return (await ctx.credential()).getToken(scopes, options)
    },
  }

  return {
    token: once(async () => describeToken(ctx, await accessToken())),
    federatedToken: once(async () => (plan.tokenFile ? readFederatedToken(plan.tokenFile) : undefined)),
    shared,
  }
}
