// The remedy catalogue (CONTRACT §5). `doc` remedies keep the product documentation's exact words and name
// the section they come from (docs: ../shared/docs/external-secret-managers.txt). Remedies beyond the
// documentation live in src/remedies/<provider>.ts with `source: extended`.
import { awsRemedies } from './remedies/aws.js'
import { azureRemedies } from './remedies/azure.js'
import { gcpRemedies } from './remedies/gcp.js'
import { jobspecRemedies } from './remedies/jobspec.js'
import { kubernetesRemedies } from './remedies/kubernetes.js'
import { nodeRemedies } from './remedies/node.js'
import { defineRemedies, type RemedyDef } from './remedies/types.js'
import { vaultRemedies } from './remedies/vault.js'

export type { RemedyDef } from './remedies/types.js'

const AUTH = 'Troubleshooting › Authentication Failures'
const REFRESH = 'Troubleshooting › Secrets Not Refreshing'
const LATENCY = 'Troubleshooting › High Latency'

const AUTH_BODY = [
  'Symptom: Error: permission denied fetching secret',
  'Solutions:',
  '- Verify IAM roles/policies are attached',
  '- Check service account annotations (Kubernetes)',
  '- Confirm secret paths are correct',
  '- Review audit logs for specific error',
].join('\n')
const REFRESH_BODY = [
  'Symptom: Old credentials still in use after rotation',
  'Solutions:',
  '- Check refresh interval configuration',
  '- Verify sidecar/init container restarts',
  '- Restart edge agent to pick up new values',
  '- Monitor rotation logs',
].join('\n')
const LATENCY_BODY = [
  'Symptom: Slow startup due to secret fetching',
  'Solutions:',
  '- Use sidecar pattern instead of init containers',
  '- Cache secrets locally with appropriate TTL',
  '- Use regional endpoints (AWS/GCP/Azure)',
  '- Implement retry logic with exponential backoff',
].join('\n')

export const docRemedies = defineRemedies({
  'auth.verify-iam': {
    title: 'Verify IAM roles/policies are attached',
    source: 'doc',
    section: AUTH,
    body: AUTH_BODY,
  },
  'auth.check-sa-annotations': {
    title: 'Check service account annotations (Kubernetes)',
    source: 'doc',
    section: AUTH,
    body: AUTH_BODY,
  },
  'auth.confirm-secret-paths': {
    title: 'Confirm secret paths are correct',
    source: 'doc',
    section: AUTH,
    body: AUTH_BODY,
  },
  'auth.review-audit-logs': {
    title: 'Review audit logs for specific error',
    source: 'doc',
    section: AUTH,
    body: AUTH_BODY,
  },
  'refresh.check-interval': {
    title: 'Check refresh interval configuration',
    source: 'doc',
    section: REFRESH,
    body: REFRESH_BODY,
  },
  'refresh.verify-restarts': {
    title: 'Verify sidecar/init container restarts',
    source: 'doc',
    section: REFRESH,
    body: REFRESH_BODY,
  },
  'refresh.restart-agent': {
    title: 'Restart edge agent to pick up new values',
    source: 'doc',
    section: REFRESH,
    body: REFRESH_BODY,
  },
  'refresh.monitor-rotation': {
    title: 'Monitor rotation logs',
    source: 'doc',
    section: REFRESH,
    body: REFRESH_BODY,
  },
  'latency.use-sidecar': {
    title: 'Use sidecar pattern instead of init containers',
    source: 'doc',
    section: LATENCY,
    body: LATENCY_BODY,
  },
  'latency.cache-locally': {
    title: 'Cache secrets locally with appropriate TTL',
    source: 'doc',
    section: LATENCY,
    body: LATENCY_BODY,
  },
  'latency.regional-endpoints': {
    title: 'Use regional endpoints (AWS/GCP/Azure)',
    source: 'doc',
    section: LATENCY,
    body: LATENCY_BODY,
  },
  'latency.retry-backoff': {
    title: 'Implement retry logic with exponential backoff',
    source: 'doc',
    section: LATENCY,
    body: LATENCY_BODY,
  },
  'bp.short-lived-credentials': {
    title: 'Use Short-Lived Credentials',
    source: 'doc',
    section: 'Best Practices 1',
    body: 'Configure secrets to expire and auto-rotate:',
    example: [
      '# Vault: Generate dynamic database credentials',
      'path "database/creds/expanso-readonly" {',
      '  capabilities = ["read"]',
      '}',
    ].join('\n'),
  },
  'bp.least-privilege': {
    title: 'Implement Least Privilege',
    source: 'doc',
    section: 'Best Practices 2',
    body: 'Grant only necessary permissions:',
    example: [
      '// AWS IAM policy',
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [{',
      '    "Effect": "Allow",',
      '    "Action": "secretsmanager:GetSecretValue",',
      '    "Resource": "arn:aws:secretsmanager:*:*:secret:expanso/pipeline/*"',
      '  }]',
      '}',
    ].join('\n'),
  },
  'bp.audit-logging': {
    title: 'Enable Audit Logging',
    source: 'doc',
    section: 'Best Practices 3',
    body: 'Track all secret access:',
    example: ['# Vault: Enable audit log', 'vault audit enable file file_path=/vault/logs/audit.log'].join(
      '\n',
    ),
  },
  'bp.namespaced-paths': {
    title: 'Use Namespaces/Paths',
    source: 'doc',
    section: 'Best Practices 4',
    body: 'Organize secrets by environment:',
    example: [
      'vault/',
      '├── expanso/',
      '│   ├── dev/',
      '│   │   └── pipeline',
      '│   ├── staging/',
      '│   │   └── pipeline',
      '│   └── prod/',
      '│       └── pipeline',
    ].join('\n'),
  },
  'bp.rotation': {
    title: 'Implement Secret Rotation',
    source: 'doc',
    section: 'Best Practices 5',
    body: 'Automate credential rotation:',
    example: [
      '# AWS: Enable automatic rotation',
      'aws secretsmanager rotate-secret \\',
      '  --secret-id expanso/pipeline/credentials \\',
      '  --rotation-lambda-arn arn:aws:lambda:region:account:function:rotate-secret \\',
      '  --rotation-rules AutomaticallyAfterDays=30',
    ].join('\n'),
  },
  'bp.monitor-access': {
    title: 'Monitor Secret Access',
    source: 'doc',
    section: 'Best Practices 6',
    body: [
      'Set up alerts for:',
      '- Unauthorized access attempts',
      '- Secrets nearing expiration',
      '- Unusual access patterns',
      '- Failed authentication',
    ].join('\n'),
  },
  'pattern.interpolation': {
    title: 'Reference secrets in pipeline config as `${VAR_NAME}` and inject them as env vars or files',
    source: 'doc',
    section: 'Integration Patterns',
    body: [
      'All external secret managers follow a similar pattern:',
      '- Fetch secrets at edge agent startup or runtime',
      '- Inject as environment variables or write to local files',
      '- Reference in pipeline config using interpolation (${VAR_NAME})',
    ].join('\n'),
  },
  'pattern.file-perms': {
    title: 'Write secret files with mode 0600',
    source: 'doc',
    section: 'Vault Agent config (`mode = 0600`, `perms = "0600"`)',
    example: [
      'sink {',
      '  type = "file"',
      '  config = {',
      '    path = "/etc/expanso/secrets.env"',
      '    mode = 0600',
      '  }',
      '}',
      'template {',
      '  source = "/etc/vault/templates/pipeline.env.tpl"',
      '  destination = "/etc/expanso/pipeline.env"',
      '  perms = "0600"',
      '}',
    ].join('\n'),
  },
  'pattern.tmpfs': {
    title: 'Keep secret files on tmpfs (`emptyDir: {medium: Memory}`)',
    source: 'doc',
    section: 'Google Secret Manager example',
    example: [
      'volumes:',
      '- name: secrets',
      '  emptyDir:',
      '    medium: Memory # Use tmpfs for security',
    ].join('\n'),
  },
})

export const remedies = {
  ...docRemedies,
  ...nodeRemedies,
  ...vaultRemedies,
  ...awsRemedies,
  ...kubernetesRemedies,
  ...gcpRemedies,
  ...azureRemedies,
  ...jobspecRemedies,
} satisfies Record<string, RemedyDef>

export type RemedyId = keyof typeof remedies

export const remedyIds = Object.keys(remedies) as RemedyId[]

export const isRemedyId = (id: string): id is RemedyId => id in remedies
