import { defineCheck, found, pass, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import type { AwsCallerIdentity } from '../../providers/aws/api.js'
import { looksLikeNodeRole, parseArn, reachFinding, roleNameOf } from '../../providers/aws/model.js'

type Key =
  | 'unreachable'
  | 'tls'
  | 'not-aws'
  | 'clock-skew'
  | 'token-expired'
  | 'invalid-credentials'
  | 'node-role'
  | 'wrong-role'
  | 'wrong-account'
  | 'possible-node-role'
  | 'throttled'

export default defineCheck({
  id: 'aws.identity',
  title: 'AWS accepts the credentials and they belong to the expected role',
  description:
    "GetCallerIdentity shows who the calls really run as. The classic failure is a pod running as the node's " +
    'instance role instead of its IRSA role: the environment looks right, the ARN does not. It also separates an ' +
    'expired or invalid token, and a clock so far off that AWS refuses the signature, from policy problems. It is ' +
    'the check that reaches STS: an endpoint that does not answer, fails TLS, or answers with something that is ' +
    'not AWS (a sign-in page, a proxy error) fails here.',
  provider: 'aws',
  category: 'auth',
  needs: ['aws.credentials', 'aws.region'],
  network: true,
  findings: {
    unreachable: {
      status: 'fail',
      severity: 'critical',
      message: 'cannot reach AWS STS: {{reason}}',
      remedies: ['aws.network-reach', 'latency.regional-endpoints'],
    },
    tls: {
      status: 'fail',
      severity: 'critical',
      message: 'TLS with AWS STS failed: {{reason}}',
      remedies: ['aws.trust-ca', 'aws.network-reach'],
    },
    'not-aws': {
      status: 'fail',
      severity: 'critical',
      message: 'the STS endpoint does not answer as AWS: {{reason}}',
      remedies: ['aws.fix-endpoint', 'aws.network-reach'],
    },
    'clock-skew': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'AWS refused the request signature: the local clock is {{skew}} {{direction}} AWS time ({{code}})',
      remedies: ['node.sync-clock'],
    },
    'token-expired': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'AWS says the {{source}} security token has expired ({{code}})',
      remedies: ['aws.refresh-credentials'],
    },
    'invalid-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'AWS rejected the {{source}} credentials {{accessKeyId}} ({{code}}: {{reason}})',
      remedies: ['aws.credential-chain', 'auth.verify-iam'],
    },
    'node-role': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: "calls run as the node's instance role {{arn}}, not {{expected}}",
      remedies: ['aws.expected-role', 'auth.check-sa-annotations'],
    },
    'wrong-role': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'calls run as {{arn}}, not the expected role {{expected}}',
      remedies: ['aws.expected-role', 'auth.verify-iam'],
    },
    'wrong-account': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'calls run in account {{account}} ({{arn}}), expected account {{expectedAccount}}',
      remedies: ['aws.expected-role', 'auth.verify-iam'],
    },
    'possible-node-role': {
      status: 'warn',
      severity: 'medium',
      message:
        "calls run as {{arn}}, which looks like a node's instance role; set aws.expectRoleArn if the agent should use its own role",
      remedies: ['aws.expected-role', 'auth.check-sa-annotations'],
    },
    throttled: {
      status: 'warn',
      severity: 'medium',
      message: 'STS throttled GetCallerIdentity ({{code}}); identity not verified',
      remedies: ['latency.retry-backoff'],
    },
  },
  async run({ aws, config, recorder }) {
    const creds = await aws.credentials()
    const source = creds.resolved?.source ?? 'unknown'
    let id: AwsCallerIdentity
    try {
      id = await aws.callerIdentity()
    } catch (e) {
      if (!isProviderError(e)) throw e
      const outcome = refusal(e, source, creds.resolved?.accessKeyId ?? '')
      if (!outcome) throw e
      return outcome
    }
    recorder.identity({
      provider: 'aws',
      principal: id.arn,
      source,
      account: id.account,
      ...(creds.resolved?.expiresAt ? { expiresAt: creds.resolved.expiresAt.toISOString() } : {}),
    })
    return judgeIdentity(id, source, config.aws.expectRoleArn, config.kubernetes)
  },
})

/** What a failed GetCallerIdentity says: the way to STS, the clock, the token, the credentials; else nothing. */
function refusal(e: ProviderError, source: string, accessKeyId: string): Outcome<Key> | undefined {
  const code = String(e.facts.code ?? e.kind)
  const details = [e.message, ...(e.facts.requestId ? [`request id ${e.facts.requestId}`] : [])]
  if (isNetworkFault(e)) return found(reachFinding(e.fault), { reason: e.message }, { details })
  if (typeof e.facts.skewMs === 'number') {
    const skew = e.facts.skewMs
    return found(
      'clock-skew',
      { skew: formatDuration(Math.abs(skew)), direction: skew > 0 ? 'behind' : 'ahead of', code },
      { details, commands: { 'node.sync-clock': ['timedatectl status', 'timedatectl set-ntp true'] } },
    )
  }
  // AWS's own 5xx (InternalFailure, ServiceUnavailable) or a timeout: STS cannot be used from here now.
  if (e.kind === 'unavailable' || e.kind === 'timeout')
    return found('unreachable', { reason: e.message }, { details })
  if (e.kind === 'throttled') return found('throttled', { code }, { details })
  if (/ExpiredToken/.test(code)) return found('token-expired', { source, code }, { details })
  if (e.kind === 'unauthenticated') {
    const reason = String(e.facts.reason ?? e.message)
    return found('invalid-credentials', { source, accessKeyId, code, reason }, { details })
  }
  return undefined
}

/** Who the calls run as, against the expected role and account. */
function judgeIdentity(
  id: AwsCallerIdentity,
  source: string,
  expected: string | undefined,
  k8s: { readonly namespace: string; readonly deployment?: string },
): Outcome<Key> {
  const summary = `${id.arn} (account ${id.account}, ${source} credentials)`
  if (!expected) {
    if (looksLikeNodeRole(id.arn)) return found('possible-node-role', { arn: id.arn })
    return pass(summary)
  }
  const exp = parseArn(expected)
  if (exp?.account && exp.account !== id.account)
    return found('wrong-account', { account: id.account, arn: id.arn, expectedAccount: exp.account })
  const sameRole =
    expected === id.arn || (roleNameOf(expected) !== undefined && roleNameOf(expected) === roleNameOf(id.arn))
  if (sameRole) return pass(summary)
  const restart = [
    `kubectl -n ${k8s.namespace} rollout restart deployment/${k8s.deployment || '<deployment>'}`,
  ]
  const details = [
    `credential source: ${source}`,
    ...(source !== 'web-identity'
      ? [
          'AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE are not in effect: the IRSA webhook did not inject them into this process',
        ]
      : []),
  ]
  if (looksLikeNodeRole(id.arn)) {
    const annotate = `kubectl -n ${k8s.namespace} annotate serviceaccount <service-account> eks.amazonaws.com/role-arn=${expected} --overwrite`
    return found(
      'node-role',
      { arn: id.arn, expected },
      { details, commands: { 'auth.check-sa-annotations': [annotate], 'aws.expected-role': restart } },
    )
  }
  return found(
    'wrong-role',
    { arn: id.arn, expected },
    { details, commands: { 'aws.expected-role': restart } },
  )
}
