// Remedies beyond the documentation for the aws provider (source: extended). One owner: the aws checks.
import { defineRemedies } from './types.js'

export const awsRemedies = defineRemedies({
  'aws.credential-chain': {
    title: 'Give the agent one working AWS credential source',
    source: 'extended',
    section: 'AWS credentials',
    body: [
      'The AWS SDK and CLI try, in order: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (skipped when AWS_PROFILE is set),',
      'the profile in ~/.aws/credentials and ~/.aws/config, web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE,',
      'which EKS IRSA injects), container credentials (AWS_CONTAINER_CREDENTIALS_*_URI: ECS, EKS Pod Identity), and',
      'EC2 instance metadata. Fix the source that failed (the finding names it): on EKS annotate the service account',
      'with eks.amazonaws.com/role-arn and restart the pods; on a host, mount ~/.aws read-only as the documentation',
      'does, or set the variables in the unit. A stray AWS_PROFILE naming a missing profile hides every other source.',
    ].join('\n'),
  },
  'aws.refresh-credentials': {
    title: 'Replace expired AWS credentials with ones that refresh themselves',
    source: 'extended',
    section: 'AWS credentials',
    body: [
      'Session credentials pasted into the environment or a profile expire and are never renewed. Use a source the',
      'SDK refreshes by itself (IRSA web identity, EKS Pod Identity, an instance profile, or an SSO/credential_process',
      'profile); until then, obtain new credentials and restart the agent.',
    ].join('\n'),
  },
  'aws.set-region': {
    title: 'Set the region the secret lives in',
    source: 'extended',
    section: 'AWS region',
    body: [
      'The SDK and CLI send requests to the endpoint of the client region, not of the region in a secret ARN.',
      "Set aws.region in edge-secrets.yaml and AWS_REGION (or --region, as the documentation's init script does)",
      "for the agent to the secret's region; a secret in another region needs its own client or a replica there.",
    ].join('\n'),
  },
  'aws.expected-role': {
    title: 'Make the agent run as the intended IAM role',
    source: 'extended',
    section: 'AWS identity',
    body: [
      'GetCallerIdentity shows which principal the calls really use. On EKS the node instance role appears when the',
      'pod started before its service account carried eks.amazonaws.com/role-arn (or before the pod identity webhook',
      'was ready), or when serviceAccountName is not the annotated account: fix the annotation and restart the pods.',
      'Take secret permissions away from the node role so such a fallback fails loudly instead of silently working.',
    ].join('\n'),
  },
  'aws.network-reach': {
    title: 'Open the path to the AWS endpoints',
    source: 'extended',
    section: 'AWS network',
    body: [
      'The node must reach sts, secretsmanager (and kms) in its region on TCP 443. In a private subnet create interface',
      'VPC endpoints com.amazonaws.<region>.secretsmanager, .sts and .kms with private DNS and a security group that',
      'allows 443 from the nodes; behind a proxy make NO_PROXY cover 169.254.169.254 and the VPC endpoints.',
    ].join('\n'),
  },
  'aws.trust-ca': {
    title: "Make the AWS endpoint's TLS certificate one the node trusts",
    source: 'extended',
    section: 'AWS network',
    body: [
      'The endpoint presented a certificate the node does not trust, that has expired or is not valid yet, or that',
      'names another host. Usually a TLS-inspecting proxy, or a VPC endpoint reached by a name its certificate does',
      "not carry. Give the agent the proxy's CA bundle (AWS_CA_BUNDLE for the AWS SDKs and CLI, NODE_EXTRA_CA_CERTS",
      'for this doctor) or let the AWS endpoints bypass inspection; reach a VPC endpoint by its private DNS name',
      '(secretsmanager.<region>.amazonaws.com), not the vpce-… name or an IP; a certificate "not valid yet" is the',
      "node's clock.",
    ].join('\n'),
  },
  'aws.fix-endpoint': {
    title: 'Point the agent at AWS, not at what answers in its place',
    source: 'extended',
    section: 'AWS network',
    body: [
      "Something other than AWS answered: a captive portal or a proxy's sign-in page, a proxy's error page, a",
      'redirect, or an endpoint variable naming the wrong host. Check AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS,',
      'AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_IAM and aws.endpoint (the Secrets Manager endpoint only);',
      'behind a proxy (HTTPS_PROXY), let the AWS endpoints through or list them in NO_PROXY.',
      '`curl -sv https://sts.<region>.amazonaws.com/` from the node shows what answers there.',
    ].join('\n'),
  },
  'aws.kms-key-policy': {
    title: "Let the role decrypt with the secret's KMS key (key policy, not the secret's IAM policy)",
    source: 'extended',
    section: 'AWS KMS',
    body: [
      '"Access to KMS is not allowed" means the secret is encrypted with a customer-managed KMS key the caller may not',
      'use: granting secretsmanager:GetSecretValue does not help. Allow kms:Decrypt on the key ARN for the role, in the',
      "role's policy (with condition kms:ViaService = secretsmanager.<region>.amazonaws.com) and in the key policy (or a",
      'key-policy statement that delegates to IAM). Check the key is Enabled and not pending deletion.',
    ].join('\n'),
  },
  'aws.restore-secret': {
    title: 'Restore a secret scheduled for deletion',
    source: 'extended',
    section: 'AWS Secrets Manager',
    body: 'A secret marked for deletion cannot be read. Cancel the deletion with `aws secretsmanager restore-secret --secret-id <id>` or point the agent at its replacement.',
  },
  'aws.secret-json': {
    title: 'Store the secret as a JSON object with every key the pipeline reads',
    source: 'extended',
    section: 'AWS Secrets Manager',
    body: [
      "The documentation's init script parses SecretString with `jq -r '.key'`: a plain-text or binary secret, or a",
      'missing key, yields an empty or literal "null" variable and the script still succeeds. Store a JSON object',
      "with every key, and make the script strict: `set -euo pipefail` and `jq -er '.key'`.",
    ].join('\n'),
  },
  'aws.fix-rotation': {
    title: 'Fix the rotation function and rotate again',
    source: 'extended',
    section: 'AWS rotation',
    body: [
      'A rotation that stopped (no rotation within the period) or failed half-way (an AWSPENDING version that never',
      "became AWSCURRENT) leaves the old credentials in place. Read the rotation Lambda's CloudWatch logs, fix its",
      'network path or permissions, then run `aws secretsmanager rotate-secret --secret-id <id>`.',
    ].join('\n'),
  },
})
