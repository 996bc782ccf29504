import { INHERITED_CREDENTIAL_VARS } from '../../src/sandbox/run-scenario.js'

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
  ...INHERITED_CREDENTIAL_VARS,
  'FORCE_COLOR',
  'CI',
  'GITHUB_STEP_SUMMARY',
  'DEBUG',
]
