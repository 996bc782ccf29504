// 2. Shared config/credentials files (also SSO, role chaining and credential_process profiles).
import { sharedFilePaths, sharedFileProblem } from '../shared-files.js'
import { failed, type CredentialSource } from './source.js'

const NO_DEFAULT = /Could not resolve credentials using profile|Profile default could not be found/i

export const profileSource: CredentialSource = async ({ ctx, providers }) => {
  const problem = await sharedFileProblem(ctx)
  if (problem) return failed(problem)
  const files = sharedFilePaths(ctx)
  return {
    provider: providers.fromIni({
      profile: ctx.profile,
      filepath: files.credentials,
      configFilepath: files.config,
    }),
    refreshable: true,
    // An unnamed default profile that does not exist is "nothing configured"; a named one is a failure.
    reread: (detail) =>
      !ctx.profile && NO_DEFAULT.test(detail)
        ? { outcome: 'absent', detail: `no default profile in ${files.credentials} or ${files.config}` }
        : undefined,
  }
}
