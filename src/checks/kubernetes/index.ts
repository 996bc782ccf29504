// The kubernetes checks, in display order. Adding a check: its file, its test, and one line here.
import type { Check } from '../../core/check.js'
import access from './access.js'
import csiDriver from './csi-driver.js'
import externalSecret from './external-secret.js'
import initVsSidecar from './init-vs-sidecar.js'
import refreshInterval from './refresh-interval.js'
import saAnnotations from './sa-annotations.js'
import secretProviderClass from './secret-provider-class.js'
import secretsVolumeTmpfs from './secrets-volume-tmpfs.js'
import serviceAccount from './service-account.js'
import staleEnv from './stale-env.js'
import targetSecret from './target-secret.js'
import vaultInjector from './vault-injector.js'

export const kubernetesChecks: readonly Check[] = [
  access,
  serviceAccount,
  saAnnotations,
  vaultInjector,
  externalSecret,
  refreshInterval,
  targetSecret,
  csiDriver,
  secretProviderClass,
  secretsVolumeTmpfs,
  staleEnv,
  initVsSidecar,
]
