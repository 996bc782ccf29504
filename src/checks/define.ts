// How a check is written: `defineCheck` from here, and `found`, `pass`, `skip` beside it. The context a
// check gets is typed by its provider: the run facts, its own provider's API and the node's — a Vault
// check that reaches for `aws` does not compile.
import type { Check, RunContext } from '../core/check.js'
import type { ProviderApis, ProviderId, ResolvedConfig } from '../providers/index.js'

export { found, pass, skip, type Item, type Outcome, type Vars } from '../core/check.js'

export type CheckContext<P extends ProviderId> = RunContext<ResolvedConfig> & Pick<ProviderApis, P | 'node'>

/** Pins the generics so that `found('typo')` is a compile error and the context is the provider's. */
export const defineCheck = <P extends ProviderId, F extends string>(
  check: Check<F, CheckContext<P>> & { readonly provider: P },
): Check<F, CheckContext<P>> => check
