import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import type { AwsCallerIdentity } from '../../providers/aws/api.js'
import {
  parseArn,
  putPolicyCommand,
  reachFinding,
  roleNameOf,
  secretNameOf,
  secretPolicyResource,
} from '../../providers/aws/model.js'

type Key =
  | 'unreachable'
  | 'tls'
  | 'not-aws'
  | 'access-denied'
  | 'kms-denied'
  | 'not-found'
  | 'no-current-version'
  | 'scheduled-deletion'
  | 'throttled'

export default defineCheck({
  id: 'aws.secret-access',
  title: 'Every configured secret can be read with GetSecretValue',
  description:
    "This is the call the documentation's init script and the External Secrets Operator make. Its failures need " +
    'different fixes: AccessDenied is the role\'s IAM policy, "Access to KMS is not allowed" and DecryptionFailure ' +
    'are the KMS key policy, ResourceNotFound is the name or the region. It is the check that reaches the Secrets ' +
    'Manager endpoint (aws.endpoint, a VPC endpoint, may differ from STS): an endpoint that does not answer, fails ' +
    'TLS, or answers with something that is not AWS fails here.',
  provider: 'aws',
  category: 'secret-paths',
  needs: ['aws.identity'],
  network: true,
  findings: {
    unreachable: {
      status: 'fail',
      severity: 'critical',
      message: 'cannot reach AWS Secrets Manager: {{reason}}',
      remedies: ['aws.network-reach', 'latency.regional-endpoints'],
    },
    tls: {
      status: 'fail',
      severity: 'critical',
      message: 'TLS with AWS Secrets Manager failed: {{reason}}',
      remedies: ['aws.trust-ca', 'aws.network-reach'],
    },
    'not-aws': {
      status: 'fail',
      severity: 'critical',
      message: 'the Secrets Manager endpoint does not answer as AWS: {{reason}}',
      remedies: ['aws.fix-endpoint', 'aws.network-reach'],
    },
    'access-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{principal}} may not read {{id}}: {{reason}}',
      remedies: ['bp.least-privilege', 'auth.verify-iam'],
    },
    'kms-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        "{{id}} cannot be decrypted with its KMS key ({{code}}: {{reason}}) — a key policy problem, not the secret's IAM policy",
      remedies: ['aws.kms-key-policy', 'auth.verify-iam'],
    },
    'not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{id}} does not exist in {{region}}{{hint}}',
      remedies: ['auth.confirm-secret-paths', 'aws.set-region'],
    },
    'no-current-version': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{id}} exists but has no AWSCURRENT value',
      remedies: ['auth.confirm-secret-paths', 'aws.fix-rotation'],
    },
    'scheduled-deletion': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{id}} is marked for deletion and cannot be read',
      remedies: ['aws.restore-secret'],
    },
    throttled: {
      status: 'warn',
      severity: 'high',
      symptom: 'slow-startup',
      message: 'Secrets Manager throttled GetSecretValue on {{id}} ({{code}}); access not verified',
      remedies: ['latency.cache-locally', 'latency.retry-backoff'],
    },
  },
  async run({ aws, config }) {
    const secrets = config.aws.secrets
    if (secrets.length === 0) return skip('not-applicable', 'no aws.secrets configured')
    const { region = '' } = await aws.region()
    const identity = await aws.callerIdentity()
    const outcomes: Outcome<Key>[] = []
    const read: string[] = []
    for (const s of secrets) {
      try {
        const v = await aws.secretValue(s.id)
        read.push(`${s.id} → ${v.arn} (version ${v.versionId ?? '?'})`)
      } catch (e) {
        if (!isProviderError(e)) throw e
        // Every secret is read at the same endpoint: a fault on the way is one finding, not one per secret.
        if (isNetworkFault(e))
          return found(reachFinding(e.fault), { reason: e.message }, { details: [e.message] })
        const outcome = denial(e, s.id, region, identity)
        if (!outcome) throw e
        outcomes.push(outcome)
      }
    }
    if (outcomes.length) return outcomes
    return pass(`read ${read.length} secret${read.length === 1 ? '' : 's'} as ${identity.arn}`, read)
  },
})

/** Why Secrets Manager refused one secret, with the command that shows or fixes it; undefined if unknown. */
function denial(
  e: ProviderError,
  id: string,
  region: string,
  identity: AwsCallerIdentity,
): Outcome<Key> | undefined {
  const code = String(e.facts.code ?? e.kind)
  const reason = String(e.facts.reason ?? e.message)
  const details = [e.message, ...(e.facts.requestId ? [`request id ${e.facts.requestId}`] : [])]
  if (e.kind === 'throttled') return found('throttled', { id, code }, { details })
  if (code === 'DecryptionFailure' || /KMS/i.test(reason)) {
    const kms = [
      `aws secretsmanager describe-secret --secret-id ${id} --query KmsKeyId --output text`,
      'aws kms get-key-policy --key-id <KmsKeyId> --policy-name default',
      `aws kms describe-key --key-id <KmsKeyId> --query KeyMetadata.KeyState`,
    ]
    return found('kms-denied', { id, code, reason }, { details, commands: { 'aws.kms-key-policy': kms } })
  }
  if (e.kind === 'denied') return accessDenied(e, id, region, identity, reason, details)
  if (e.kind === 'not-found') {
    if (/staging label/i.test(reason)) {
      const versions = [`aws secretsmanager list-secret-version-ids --secret-id ${id}`]
      return found(
        'no-current-version',
        { id },
        { details, commands: { 'auth.confirm-secret-paths': versions } },
      )
    }
    const arnRegion = parseArn(id)?.region
    const hint = arnRegion && arnRegion !== region ? ` (the ARN names ${arnRegion})` : ''
    const list = [
      `aws secretsmanager list-secrets --region ${region} --filters Key=name,Values=${secretNameOf(id)}`,
    ]
    return found(
      'not-found',
      { id, region, hint },
      { details, commands: { 'auth.confirm-secret-paths': list } },
    )
  }
  if (code === 'InvalidRequestException' && /deletion/i.test(reason)) {
    const restore = [`aws secretsmanager restore-secret --secret-id ${id}`]
    return found('scheduled-deletion', { id }, { details, commands: { 'aws.restore-secret': restore } })
  }
  return undefined
}

function accessDenied(
  e: ProviderError,
  id: string,
  region: string,
  identity: AwsCallerIdentity,
  reason: string,
  details: string[],
): Outcome<Key> {
  const principal = String(e.facts.principal ?? identity.arn)
  const role = roleNameOf(principal) ?? roleNameOf(identity.arn) ?? '<role>'
  const resource = secretPolicyResource(id, region, identity.account)
  return found(
    'access-denied',
    {
      id,
      principal,
      reason: reason.replace(/^User: \S+ is not authorized to perform: /, 'not authorized to perform '),
    },
    {
      details,
      commands: {
        'bp.least-privilege': [putPolicyCommand(role, [resource])],
        'auth.verify-iam': [
          `aws iam list-attached-role-policies --role-name ${role}`,
          `aws iam list-role-policies --role-name ${role}`,
        ],
      },
    },
  )
}
