import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'
import type { AwsSecretDescription } from '../../providers/aws/api.js'
import { parseArn, roughDuration } from '../../providers/aws/model.js'

type Key = 'disabled' | 'period-too-long' | 'overdue' | 'rotation-pending'

const DAY = 86_400_000
/** Rotations run inside a window after their due date; a day of slack keeps a punctual schedule green. */
const GRACE_MS = DAY

/** `rate(30 days)`, `rate(12 hours)` → days; cron schedules have no single period. */
function periodDays(d: AwsSecretDescription): number | undefined {
  if (d.rotationDays) return d.rotationDays
  const m = /^rate\((\d+) (day|days|hour|hours)\)$/.exec(d.scheduleExpression ?? '')
  if (!m) return undefined
  return m[2]!.startsWith('hour') ? Number(m[1]) / 24 : Number(m[1])
}

export default defineCheck({
  id: 'aws.rotation',
  title: 'Secrets rotate automatically, often enough, and the last rotation finished',
  description:
    'Best Practice 5 is automatic rotation. A rotation that is off, slower than maxRotationDays, overdue, or stuck ' +
    'with an AWSPENDING version that never became AWSCURRENT leaves old credentials in use.',
  provider: 'aws',
  category: 'refresh',
  needs: ['aws.secret-access'],
  network: true,
  findings: {
    disabled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message: 'automatic rotation is off for {{id}}',
      remedies: ['bp.rotation'],
    },
    'period-too-long': {
      status: 'warn',
      severity: 'low',
      symptom: 'stale-secrets',
      message: '{{id}} rotates every {{days}} days, more than maxRotationDays ({{max}})',
      remedies: ['bp.rotation'],
    },
    overdue: {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: '{{id}} last rotated {{ago}} ago although it should rotate every {{days}} days{{pending}}',
      remedies: ['aws.fix-rotation', 'refresh.monitor-rotation'],
    },
    'rotation-pending': {
      status: 'warn',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        '{{id}} has an AWSPENDING version that is not AWSCURRENT: a rotation is running or stopped half-way',
      remedies: ['aws.fix-rotation', 'refresh.monitor-rotation'],
    },
  },
  async run({ aws, config, now }) {
    const secrets = config.aws.secrets
    if (secrets.length === 0) return skip('not-applicable', 'no aws.secrets configured')
    const max = config.aws.maxRotationDays
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    const denied: string[] = []
    for (const s of secrets) {
      let d: AwsSecretDescription
      try {
        d = await aws.describeSecret(s.id)
      } catch (e) {
        if (isProviderError(e) && e.kind === 'denied' && !/KMS/.test(e.message)) {
          denied.push(`${s.id}: ${e.message}`)
          continue
        }
        throw e
      }
      const region = parseArn(d.arn)?.region ?? '<region>'
      const account = parseArn(d.arn)?.account ?? '<account>'
      if (!d.rotationEnabled) {
        outcomes.push(
          found(
            'disabled',
            { id: s.id },
            {
              commands: {
                'bp.rotation': [
                  `aws secretsmanager rotate-secret --secret-id ${d.arn} --rotation-lambda-arn arn:aws:lambda:${region}:${account}:function:<rotation-function> --rotation-rules AutomaticallyAfterDays=${max}`,
                ],
              },
            },
          ),
        )
        continue
      }
      const days = periodDays(d)
      const pendingIds = Object.entries(d.versionStages)
        .filter(([, st]) => st.includes('AWSPENDING') && !st.includes('AWSCURRENT'))
        .map(([id]) => id)
      const last = d.lastRotatedDate ?? d.createdDate
      details.push(
        `${s.id}: every ${days ?? d.scheduleExpression ?? '?'} days, last rotated ${d.lastRotatedDate?.toISOString() ?? 'never'}, next ${d.nextRotationDate?.toISOString() ?? '?'}`,
      )
      const dueAt =
        days !== undefined && last
          ? last.getTime() + days * DAY
          : d.nextRotationDate
            ? d.nextRotationDate.getTime()
            : undefined
      if (dueAt !== undefined && last && now().getTime() > dueAt + GRACE_MS) {
        outcomes.push(
          found(
            'overdue',
            {
              id: s.id,
              ago: roughDuration(now().getTime() - last.getTime(), formatDuration),
              days: days ?? '?',
              pending: pendingIds.length ? `; version ${pendingIds.join(', ')} is stuck in AWSPENDING` : '',
            },
            {
              commands: {
                'aws.fix-rotation': [
                  `aws secretsmanager describe-secret --secret-id ${d.arn} --query '{Last:LastRotatedDate,Next:NextRotationDate,Stages:VersionIdsToStages}'`,
                  `aws logs tail /aws/lambda/${d.rotationLambdaArn?.split(':').pop() ?? '<rotation-function>'} --since 2d`,
                  `aws secretsmanager rotate-secret --secret-id ${d.arn}`,
                ],
              },
            },
          ),
        )
        continue
      }
      if (pendingIds.length) {
        outcomes.push(
          found(
            'rotation-pending',
            { id: s.id },
            {
              details: [`AWSPENDING on ${pendingIds.join(', ')}`],
              commands: {
                'aws.fix-rotation': [`aws secretsmanager list-secret-version-ids --secret-id ${d.arn}`],
              },
            },
          ),
        )
        continue
      }
      if (days !== undefined && days > max) {
        outcomes.push(
          found(
            'period-too-long',
            { id: s.id, days, max },
            {
              commands: {
                'bp.rotation': [
                  `aws secretsmanager rotate-secret --secret-id ${d.arn} --rotation-rules AutomaticallyAfterDays=${max} --no-rotate-immediately`,
                ],
              },
            },
          ),
        )
      }
    }
    if (outcomes.length) return outcomes
    if (denied.length === secrets.length) {
      return skip(
        'not-permitted',
        "the role may not call secretsmanager:DescribeSecret (the documentation's least-privilege policy grants only " +
          'GetSecretValue); rotation state is visible to an identity allowed DescribeSecret, e.g. ' +
          `aws secretsmanager describe-secret --secret-id ${secrets[0]!.id}`,
      )
    }
    return pass(`rotation on schedule for ${secrets.length - denied.length} secret(s)`, [
      ...details,
      ...denied.map((d) => `not permitted: ${d}`),
    ])
  },
})
