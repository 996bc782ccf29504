import { defineCheck, found, pass } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'
import { looksLikeNodeRole, parseArn, roleNameOf } from '../../providers/aws/provider.js'

const UNREACHABLE = new Set(['unreachable', 'dns', 'refused', 'timeout', 'tls', 'unavailable'])

export default defineCheck({
  id: 'aws.identity',
  title: 'AWS accepts the credentials and they belong to the expected role',
  description:
    "GetCallerIdentity shows who the calls really run as. The classic failure is a pod running as the node's " +
    'instance role instead of its IRSA role: the environment looks right, the ARN does not. It also separates an ' +
    'expired or invalid token, and a clock so far off that AWS refuses the signature, from policy problems.',
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
      remedies: ['aws.refresh-credentials', 'bp.short-lived-credentials'],
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
    const accessKeyId = creds.resolved?.accessKeyId ?? ''
    let id
    try {
      id = await aws.callerIdentity()
    } catch (e) {
      if (!isProviderError(e)) throw e
      const code = String(e.facts.code ?? e.kind)
      const details = [e.message, ...(e.facts.requestId ? [`request id ${e.facts.requestId}`] : [])]
      if (typeof e.facts.skewMs === 'number') {
        const skew = e.facts.skewMs
        return found(
          'clock-skew',
          { skew: formatDuration(Math.abs(skew)), direction: skew > 0 ? 'behind' : 'ahead of', code },
          { details, commands: { 'node.sync-clock': ['timedatectl status', 'timedatectl set-ntp true'] } },
        )
      }
      if (UNREACHABLE.has(e.kind)) return found('unreachable', { reason: e.message }, { details })
      if (e.kind === 'throttled') return found('throttled', { code }, { details })
      if (/ExpiredToken/.test(code)) return found('token-expired', { source, code }, { details })
      if (e.kind === 'unauthenticated') {
        return found(
          'invalid-credentials',
          { source, accessKeyId, code, reason: e.message.replace(/^[^:]+: [^:]+: /, '') },
          { details },
        )
      }
      throw e
    }
    recorder.identity({
      provider: 'aws',
      principal: id.arn,
      source,
      account: id.account,
      ...(creds.resolved?.expiresAt ? { expiresAt: creds.resolved.expiresAt.toISOString() } : {}),
    })
    const summary = `${id.arn} (account ${id.account}, ${source} credentials)`
    const expected = config.aws.expectRoleArn
    if (!expected) {
      if (looksLikeNodeRole(id.arn)) return found('possible-node-role', { arn: id.arn })
      return pass(summary)
    }
    const exp = parseArn(expected)
    const restart = config.kubernetes.deployment
      ? [
          `kubectl -n ${config.kubernetes.namespace} rollout restart deployment/${config.kubernetes.deployment}`,
        ]
      : [`kubectl -n ${config.kubernetes.namespace} rollout restart deployment/<deployment>`]
    const annotate = `kubectl -n ${config.kubernetes.namespace} annotate serviceaccount <service-account> eks.amazonaws.com/role-arn=${expected} --overwrite`
    if (exp?.account && exp.account !== id.account) {
      return found('wrong-account', { account: id.account, arn: id.arn, expectedAccount: exp.account })
    }
    const sameRole =
      expected === id.arn ||
      (roleNameOf(expected) !== undefined && roleNameOf(expected) === roleNameOf(id.arn))
    if (sameRole) return pass(summary)
    const details = [
      `credential source: ${source}`,
      ...(source !== 'web-identity'
        ? [
            'AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE are not in effect: the IRSA webhook did not inject them into this process',
          ]
        : []),
    ]
    if (looksLikeNodeRole(id.arn)) {
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
  },
})
