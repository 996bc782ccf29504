import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { isProviderError } from '../../core/provider.js'
import { parseArn, putPolicyCommand, roleNameOf, secretPolicyResource } from '../../providers/aws/provider.js'

type Key =
  'access-denied' | 'kms-denied' | 'not-found' | 'no-current-version' | 'scheduled-deletion' | 'throttled'

export default defineCheck({
  id: 'aws.secret-access',
  title: 'Every configured secret can be read with GetSecretValue',
  description:
    "This is the call the documentation's init script and the External Secrets Operator make. Its failures need " +
    'different fixes: AccessDenied is the role\'s IAM policy, "Access to KMS is not allowed" and DecryptionFailure ' +
    'are the KMS key policy, ResourceNotFound is the name or the region.',
  provider: 'aws',
  category: 'secret-paths',
  needs: ['aws.identity'],
  network: true,
  findings: {
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
        const code = String(e.facts.code ?? e.kind)
        const reason = e.message.replace(/^[\w.]+: \w+: /, '')
        const details = [e.message, ...(e.facts.requestId ? [`request id ${e.facts.requestId}`] : [])]
        if (e.kind === 'throttled') {
          outcomes.push(found('throttled', { id: s.id, code }, { details }))
        } else if (code === 'DecryptionFailure' || /KMS/i.test(reason)) {
          outcomes.push(
            found(
              'kms-denied',
              { id: s.id, code, reason },
              {
                details,
                commands: {
                  'aws.kms-key-policy': [
                    `aws secretsmanager describe-secret --secret-id ${s.id} --query KmsKeyId --output text`,
                    'aws kms get-key-policy --key-id <KmsKeyId> --policy-name default',
                    `aws kms describe-key --key-id <KmsKeyId> --query KeyMetadata.KeyState`,
                  ],
                },
              },
            ),
          )
        } else if (e.kind === 'denied') {
          const principal = String(e.facts.principal ?? identity.arn)
          const role = roleNameOf(principal) ?? roleNameOf(identity.arn) ?? '<role>'
          const resource = secretPolicyResource(s.id, region, identity.account)
          outcomes.push(
            found(
              'access-denied',
              {
                id: s.id,
                principal,
                reason: reason.replace(
                  /^User: \S+ is not authorized to perform: /,
                  'not authorized to perform ',
                ),
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
            ),
          )
        } else if (e.kind === 'not-found') {
          if (/staging label/i.test(reason)) {
            outcomes.push(
              found(
                'no-current-version',
                { id: s.id },
                {
                  details,
                  commands: {
                    'auth.confirm-secret-paths': [
                      `aws secretsmanager list-secret-version-ids --secret-id ${s.id}`,
                    ],
                  },
                },
              ),
            )
            continue
          }
          const arnRegion = parseArn(s.id)?.region
          const hint = arnRegion && arnRegion !== region ? ` (the ARN names ${arnRegion})` : ''
          const name =
            parseArn(s.id)
              ?.resource.replace(/^secret:/, '')
              .replace(/-[A-Za-z0-9]{6}$/, '') ?? s.id
          outcomes.push(
            found(
              'not-found',
              { id: s.id, region, hint },
              {
                details,
                commands: {
                  'auth.confirm-secret-paths': [
                    `aws secretsmanager list-secrets --region ${region} --filters Key=name,Values=${name}`,
                  ],
                },
              },
            ),
          )
        } else if (e.facts.code === 'InvalidRequestException' && /deletion/i.test(reason)) {
          outcomes.push(
            found(
              'scheduled-deletion',
              { id: s.id },
              {
                details,
                commands: { 'aws.restore-secret': [`aws secretsmanager restore-secret --secret-id ${s.id}`] },
              },
            ),
          )
        } else {
          throw e
        }
      }
    }
    if (outcomes.length) return outcomes
    return pass(`read ${read.length} secret${read.length === 1 ? '' : 's'} as ${identity.arn}`, read)
  },
})
