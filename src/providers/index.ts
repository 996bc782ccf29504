// The provider registry: the one place a provider's facts live. Everything else derives from this list —
// ProviderId, the titles and order of the report, the run context's APIs, the config sections, the
// not-configured texts, the report schema's provider enum (test/registry.test.ts fails on drift) and the
// scenario index. Adding a provider is its folder, its checks, its remedies and one line here.
// Provider modules are cheap to import: each loads its SDK with a dynamic `import()` on first use.
import type { CoreConfig } from '../core/config.js'
import type { ConfigSection } from '../core/config.js'
import type { ProviderDefinition } from '../core/provider.js'
import aws from './aws/provider.js'
import azure from './azure/provider.js'
import gcp from './gcp/provider.js'
import jobspec from './jobspec/provider.js'
import kubernetes from './kubernetes/provider.js'
import node from './node/provider.js'
import vault from './vault/provider.js'

export const registry = [node, vault, aws, kubernetes, gcp, azure, jobspec] as const

type Entry = (typeof registry)[number]
export type ProviderId = Entry['id']

/** Every provider's API, by id: what a check of that provider (and, for `node`, every check) is handed. */
export type ProviderApis = { readonly [D in Entry as D['id']]: ReturnType<D['create']> }

type SectionOf<D> = D extends { readonly config?: ConfigSection<infer S> } ? S : never

/** The resolved config: the core part plus each provider's section under its id. */
export type ResolvedConfig = CoreConfig & {
  readonly [D in Entry as SectionOf<D> extends never ? never : D['id']]: SectionOf<D>
}

export const providers: readonly ProviderDefinition[] = registry as unknown as readonly ProviderDefinition[]
export const providerIds: readonly ProviderId[] = registry.map((p) => p.id)
export const providerById = (id: string): ProviderDefinition | undefined => providers.find((p) => p.id === id)

/** The check-id prefix of a provider (`k8s` for kubernetes). */
export const checkPrefix = (id: string): string => providerById(id)?.checkPrefix ?? id

/** Config sections by key, for the config loader. */
export const configSections: Readonly<Record<string, ConfigSection<unknown>>> = Object.fromEntries(
  providers.flatMap((p) => (p.config ? [[p.id, p.config]] : [])),
)
