// The clean environment for tests and the CLI processes they spawn: metadata services off, no real
// credentials, config or kubeconfig reachable.
export function testEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    METADATA_SERVER_DETECTION: 'none',
    GCE_METADATA_HOST: '127.0.0.1:9',
    GCE_METADATA_IP: '127.0.0.1:9',
    CLOUDSDK_CONFIG: `${home}/.config/gcloud`,
    KUBECONFIG: `${home}/.kube/config`,
    AZURE_CONFIG_DIR: `${home}/.azure`,
    EDGE_SECRETS_CONFIG: '',
    NO_COLOR: '1',
  }
}

/** Variables a developer's shell may carry that would change what a test sees. */
export const SCRUBBED_ENV = [
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'VAULT_SKIP_VERIFY',
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
  'GOOGLE_CLOUD_PROJECT',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'AZURE_CLIENT_SECRET',
  'IDENTITY_ENDPOINT',
  'MSI_ENDPOINT',
  'KUBERNETES_SERVICE_HOST',
  'FORCE_COLOR',
  'CI',
  'GITHUB_STEP_SUMMARY',
  'DEBUG',
]
