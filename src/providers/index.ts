// The provider registry. Provider modules are cheap to import: each loads its SDK with a dynamic
// `import()` on first use, so building this map costs nothing at startup.
import type { ResolvedConfig } from '../core/config-types.js'
import type { ProviderDefinition, ProviderSession } from '../core/provider.js'
import type { ProviderId } from '../core/check.js'
import aws, { type AwsApi } from './aws.js'
import azure, { type AzureApi } from './azure.js'
import gcp, { type GcpApi } from './gcp.js'
import kubernetes, { type KubernetesApi } from './kubernetes.js'
import node, { type NodeApi } from './node.js'
import vault, { type VaultApi } from './vault.js'

export interface ProviderApis {
  readonly node: NodeApi
  readonly vault: VaultApi
  readonly aws: AwsApi
  readonly kubernetes: KubernetesApi
  readonly gcp: GcpApi
  readonly azure: AzureApi
}

export const providers: { readonly [K in ProviderId]: ProviderDefinition<ProviderApis[K]> } = {
  node,
  vault,
  aws,
  kubernetes,
  gcp,
  azure,
}

export const providerTitles: Record<ProviderId, string> = {
  node: 'Node',
  vault: 'HashiCorp Vault',
  aws: 'AWS Secrets Manager',
  kubernetes: 'Kubernetes',
  gcp: 'Google Secret Manager',
  azure: 'Azure Key Vault',
}

export function isConfigured(id: ProviderId, config: ResolvedConfig): boolean {
  return providers[id].configured(config)
}

/** The provider APIs of one run, each created on first access. */
export function lazyApis(session: ProviderSession): ProviderApis {
  const made = new Map<ProviderId, unknown>()
  const get = <K extends ProviderId>(id: K): ProviderApis[K] => {
    if (!made.has(id)) made.set(id, providers[id].create(session))
    return made.get(id) as ProviderApis[K]
  }
  return {
    get node() {
      return get('node')
    },
    get vault() {
      return get('vault')
    },
    get aws() {
      return get('aws')
    },
    get kubernetes() {
      return get('kubernetes')
    },
    get gcp() {
      return get('gcp')
    },
    get azure() {
      return get('azure')
    },
  }
}
