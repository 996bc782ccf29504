// Sets a scenario up in a fresh folder: on tmpfs when the machine has one (so the node checks see what a
// well-kept edge node looks like), the doctor config written beside the files.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { Scenario, ScenarioInstance } from './scenario.js'

export interface PreparedScenario {
  readonly dir: string
  readonly configFile: string
  readonly instance: ScenarioInstance
  cleanup(): Promise<void>
}

export function scenarioBaseDir(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
}

export async function prepareScenario(
  scenario: Scenario,
  baseDir = scenarioBaseDir(),
): Promise<PreparedScenario> {
  const dir = mkdtempSync(join(baseDir, `edge-secrets-${scenario.name}-`))
  let instance: ScenarioInstance
  try {
    instance = await scenario.setup(dir)
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const configFile = join(dir, 'edge-secrets.yaml')
  writeFileSync(configFile, `# ${scenario.name}: ${scenario.description}\n${stringify(instance.config)}`)
  return {
    dir,
    configFile,
    instance,
    cleanup: async () => {
      await instance.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The environment a scenario runs in: the operator's real credentials, kubeconfig and metadata services
 * are out of reach, so the demo only ever talks to its loopback simulators.
 */
export function isolatedEnv(dir: string): Record<string, string> {
  return {
    HOME: dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, '.aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, '.aws-credentials-none'),
    METADATA_SERVER_DETECTION: 'none',
    GCE_METADATA_HOST: '127.0.0.1:9',
    GCE_METADATA_IP: '127.0.0.1:9',
    KUBECONFIG: join(dir, '.kube-none'),
  }
}

export const INHERITED_CREDENTIAL_VARS = [
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'VAULT_SKIP_VERIFY',
  'VAULT_CLIENT_CERT',
  'VAULT_CLIENT_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_CA_BUNDLE',
  'AWS_MAX_ATTEMPTS',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_ROLE_SESSION_NAME',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_CLOUD_PROJECT',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'AZURE_CLIENT_SECRET',
  'IDENTITY_ENDPOINT',
  'MSI_ENDPOINT',
  'KUBERNETES_SERVICE_HOST',
  'EDGE_SECRETS_CONFIG',
]
