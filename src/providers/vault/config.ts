// The vault: section of edge-secrets.yaml, and what VAULT_* variables fill in. What both leave out is taken
// from the agent config when the provider runs (settings.ts), so the doctor logs in as the agent does.
import { Type } from '@sinclair/typebox'
import { defineSection, S } from '../../core/config.js'

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
const truthy = (v: string | undefined) =>
  v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'

export const vaultConfig = defineSection({
  schema: S.object({
    address: S.url(),
    caCert: S.str(),
    clientCert: S.str(),
    clientKey: S.str(),
    skipVerify: S.bool(),
    namespace: S.str(),
    auth: Type.Optional(
      S.object({
        method: S.oneOf(['token', 'kubernetes', 'approle', 'jwt'] as const),
        role: S.str(),
        mount: S.str(),
        jwtPath: S.str(),
        tokenFile: S.str(),
        roleIdFile: S.str(),
        secretIdFile: S.str(),
      }),
    ),
    agentConfig: S.str(),
    agentPidFile: S.str(),
    secrets: Type.Optional(Type.Array(S.object({ path: Type.String(), keys: S.strList() }))),
  }),
  resolve(raw, { env, present, abs }) {
    const v = raw ?? {}
    const auth = v.auth ?? {}
    const address = strOf(v.address) ?? strOf(env.VAULT_ADDR)
    const agentConfig = abs(strOf(v.agentConfig))
    return {
      configured: present || !!address || !!agentConfig,
      address,
      caCert: abs(strOf(v.caCert)) ?? strOf(env.VAULT_CACERT),
      clientCert: abs(strOf(v.clientCert)),
      clientKey: abs(strOf(v.clientKey)),
      skipVerify: v.skipVerify === true || truthy(env.VAULT_SKIP_VERIFY),
      namespace: strOf(v.namespace) ?? strOf(env.VAULT_NAMESPACE),
      token: strOf(env.VAULT_TOKEN),
      auth: {
        method: auth.method,
        role: strOf(auth.role),
        mount: strOf(auth.mount),
        jwtPath: abs(strOf(auth.jwtPath)),
        tokenFile: abs(strOf(auth.tokenFile)),
        roleIdFile: abs(strOf(auth.roleIdFile)),
        secretIdFile: abs(strOf(auth.secretIdFile)),
      },
      agentConfig,
      agentPidFile: abs(strOf(v.agentPidFile)),
      secrets: (v.secrets ?? []).map((s) => ({ path: s.path, keys: s.keys ?? [] })),
    }
  },
})

export type VaultConfig = ReturnType<typeof vaultConfig.resolve>
