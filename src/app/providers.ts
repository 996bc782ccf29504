// The registry as the commands use it: --provider values (with `k8s` for kubernetes) and titles.
import { didYouMean } from '../core/suggest.js'
import { providerById, providerIds, type ProviderId } from '../providers/index.js'
import { UsageError } from './usage-error.js'

export const titleOf = (id: string): string => providerById(id)?.title ?? id

/** --provider values, split on commas; undefined when none were given. An unknown one is exit 2. */
export function parseProviders(requested: readonly string[] | undefined): ProviderId[] | undefined {
  if (!requested?.length) return undefined
  const out: ProviderId[] = []
  const aliases = new Map(providerIds.map((id) => [providerById(id)?.checkPrefix ?? id, id]))
  for (const p of requested
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean)) {
    const id = (providerIds as readonly string[]).includes(p) ? (p as ProviderId) : aliases.get(p)
    if (!id)
      throw new UsageError(
        `--provider ${p}: unknown provider${didYouMean(p, [...providerIds])} (${providerIds.join(', ')})`,
      )
    out.push(id)
  }
  return out
}
