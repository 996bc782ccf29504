// The session the gcp provider's parts share: the run's, with the gcp section of the config.
import type { ConfigWith, ProviderSession } from '../../core/provider.js'
import type { GcpConfig } from './config.js'

export type GcpSession = ProviderSession<ConfigWith<'gcp', GcpConfig>>
