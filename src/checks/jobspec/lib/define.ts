// How a jobspec check is written: like any check (src/checks/define.ts), with a context that holds the jobspec
// API and the node's. The remedy ids may be the jobspec remedies (src/remedies/jobspec.ts) as well as any in
// the catalogue: until src/remedies.ts lists jobspecRemedies, RemedyId does not include them, so this is the
// one place that widens the type. Once both registry lines are in, this is src/checks/define.ts's defineCheck.
import type { Check, FindingSpec, FoundExtra, RunContext } from '../../../core/check.js'
import type { ProviderApis, ResolvedConfig } from '../../../providers/index.js'
import type { JobspecApi } from '../../../providers/jobspec/api.js'
import type { RemedyId } from '../../../remedies.js'
import type { jobspecRemedies } from '../../../remedies/jobspec.js'

export { found, pass, skip, type Item, type Outcome } from '../../define.js'

export type JobspecRemedyId = RemedyId | keyof typeof jobspecRemedies

export interface JobspecContext extends RunContext<ResolvedConfig> {
  readonly jobspec: JobspecApi
  readonly node: ProviderApis['node']
}

type JobspecFinding = Omit<FindingSpec, 'remedies'> & { readonly remedies: readonly JobspecRemedyId[] }

type JobspecCheck<F extends string> = Omit<Check<F, JobspecContext>, 'findings' | 'provider'> & {
  readonly provider: 'jobspec'
  readonly findings: Readonly<Record<F, JobspecFinding>>
}

/** Pins the generics so that `found('typo')` is a compile error and the context is the jobspec one. */
export const defineCheck = <F extends string>(check: JobspecCheck<F>): Check<F, JobspecContext> =>
  check as unknown as Check<F, JobspecContext>

/** Commands filled in for remedies, the jobspec ones included (see above). */
export const commandsFor = (c: Partial<Record<JobspecRemedyId, readonly string[]>>): FoundExtra['commands'] =>
  c as FoundExtra['commands']
