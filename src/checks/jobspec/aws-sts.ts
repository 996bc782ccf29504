import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import { jobspecOf } from './lib/jobspec.js'
import { commandsFor, defineCheck, pass, skip } from './lib/define.js'
import type { Issue } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { stsUses } from './lib/targets.js'

type Key = 'no-credentials' | 'identity-failed' | 'assume-denied' | 'sts-unavailable'

const FAILING = new Set<Key>(['no-credentials', 'identity-failed', 'assume-denied'])

/** Kinds that say nothing about the credentials or the role: the way to STS, or STS too busy to answer. */
const OPEN_QUESTION = new Set(['throttled', 'unavailable', 'timeout', 'unreachable', 'dns', 'refused', 'tls'])

/**
 * Whether an STS call's failure leaves the question open (`sts-unavailable`) or is STS's verdict on the
 * credentials or the role (`refused`). Anything else is not the check's to judge: the runner records it.
 */
function verdict(e: unknown, refused: Key): [Key, ProviderError] {
  if (!isProviderError(e)) throw e
  if (isNetworkFault(e) || OPEN_QUESTION.has(e.kind)) return ['sts-unavailable', e]
  if (typeof e.facts.status === 'number' || ['denied', 'unauthenticated', 'invalid'].includes(e.kind))
    return [refused, e]
  throw e
}

/** A failure in a few words for an item: the fault, else STS's error code. */
const briefly = (e: ProviderError): string => e.fault ?? String(e.facts.code ?? e.kind)

/** The IAM principal a trust policy names for a caller: a role session's role, else the caller itself. */
const principalOf = (callerArn: string): string =>
  callerArn.replace(/^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/, 'arn:$1:iam::$2:role/$3')

/** What to look at, the statement the trust policy needs, and the call that proves it, with the real ARNs. */
function assumeCommands(roleArns: readonly string[], callerArn: string): string[] {
  const principal = principalOf(callerArn)
  return [...new Set(roleArns)].flatMap((roleArn) => {
    const name = roleArn.split('/').pop() ?? roleArn
    return [
      `aws iam get-role --role-name ${name} --query Role.AssumeRolePolicyDocument`,
      `{"Effect": "Allow", "Principal": {"AWS": "${principal}"}, "Action": "sts:AssumeRole"}`,
      `aws sts assume-role --role-arn ${roleArn} --role-session-name edge-secrets`,
    ]
  })
}

export default defineCheck<Key>({
  id: 'jobspec.aws-sts',
  title: "Each JobSpec aws_sts role can be assumed with the node's AWS credentials",
  description:
    "An aws_sts entry names a `role_arn` (and `region`) the agent assumes with the node's own AWS credentials. " +
    'The doctor walks the same credential chain, asks STS who they are, and calls sts:AssumeRole on the role ' +
    "at the entry's region, as the agent would (session `edge-secrets`, 15 minutes; the session's credentials " +
    "are dropped unread). A refusal fails with the role and the node's principal, and the trust-policy statement " +
    'that lets it in: STS refuses a role that does not exist the same way, so check the ARN too. A network ' +
    'fault, throttling or a server error leaves the question open and warns. What an aws_sts secrets entry ' +
    'reads with the assumed role is not on the vendor pages the doctor has read, and is named rather than ' +
    'checked.',
  provider: 'jobspec',
  category: 'iam',
  needs: ['jobspec.providers'],
  network: true,
  findings: {
    'no-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the node has no AWS credentials to assume a role with: {{list}}',
      remedies: ['auth.verify-iam', 'auth.check-sa-annotations'],
    },
    'identity-failed': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: "STS does not accept the node's credentials: {{list}}",
      remedies: ['auth.verify-iam'],
    },
    'assume-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the role cannot be assumed: {{list}}',
      remedies: ['jobspec.assume-role', 'auth.verify-iam'],
    },
    'sts-unavailable': {
      status: 'warn',
      severity: 'high',
      symptom: 'slow-startup',
      message: 'STS did not answer, so the role is not verified: {{list}}',
      remedies: ['aws.network-reach', 'latency.retry-backoff'],
    },
  },
  async run({ jobspec, node, config }) {
    const j = await jobspecOf(node, config)
    const uses = stsUses(j)
    if (j.state !== 'ok' || !uses.length)
      return skip('not-applicable', 'no aws_sts entry that the secrets use and that can be used as written')
    const issues: Issue<Key>[] = []
    const add = (u: (typeof uses)[number], key: Key, detail: string) =>
      issues.push({ key, entry: u.entry, at: u.at, detail })
    const chain = await jobspec.awsCredentials()
    if (!chain.resolved) {
      const tried = chain.attempts.map((a) => `${a.source}: ${a.outcome}`).join(', ')
      for (const u of uses) add(u, 'no-credentials', `tried ${tried || 'nothing'}`)
      return grouped<Key>(issues, j.file, FAILING)
    }
    let identity
    try {
      identity = await jobspec.awsIdentity()
    } catch (e) {
      const [key, pe] = verdict(e, 'identity-failed')
      for (const u of uses) add(u, key, pe.message)
      return grouped<Key>(issues, j.file, FAILING)
    }
    const details = [`node credentials: ${chain.resolved.source}, ${identity.arn}`]
    const refused: string[] = []
    for (const u of uses) {
      try {
        const assumed = await jobspec.assumeRole(u)
        details.push(`${u.entry}: assumed ${assumed.assumedRoleArn}`)
      } catch (e) {
        const [key, pe] = verdict(e, 'assume-denied')
        if (key === 'assume-denied') {
          refused.push(u.roleArn)
          add(u, key, `${u.roleArn} as ${identity.arn}: ${briefly(pe)}`)
        } else add(u, key, `${u.roleArn}: ${briefly(pe)}`)
        // STS's own words, with the request id its logs know the call by.
        const id = pe.facts.requestId ? ` (request id ${pe.facts.requestId})` : ''
        details.push(`${u.entry}: ${pe.message}${id}`)
      }
    }
    const out = grouped<Key>(issues, j.file, FAILING, {
      commands: {
        'assume-denied': commandsFor({ 'jobspec.assume-role': assumeCommands(refused, identity.arn) }),
      },
      details,
    })
    if (out.length) return out
    return pass(`${uses.length} role${uses.length === 1 ? '' : 's'} assumed`, details)
  },
})
