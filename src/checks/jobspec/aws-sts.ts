import { isNetworkFault, isProviderError } from '../../core/provider.js'
import { jobspecOf } from './lib/jobspec.js'
import { commandsFor, defineCheck, pass, skip } from './lib/define.js'
import type { Issue } from './lib/model.js'
import { grouped } from './lib/outcomes.js'
import { stsUses } from './lib/targets.js'

type Key = 'no-credentials' | 'identity-failed' | 'assume-denied' | 'assume-not-checked'

const FAILING = new Set<Key>(['no-credentials', 'identity-failed', 'assume-denied'])

const why = (e: unknown): string => {
  if (isProviderError(e) || isNetworkFault(e)) return e.message
  throw e
}

export default defineCheck<Key>({
  id: 'jobspec.aws-sts',
  title: "Each JobSpec aws_sts role can be assumed with the node's AWS credentials",
  description:
    "An aws_sts entry names a `role_arn` (and `region`) the agent assumes with the node's own AWS credentials. " +
    'The doctor walks the same credential chain, asks STS who they are, and assumes the role the way the agent ' +
    'would. What an aws_sts secrets entry reads with the assumed role is not on the vendor pages the doctor has ' +
    'read, and is named rather than checked.',
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
    'assume-not-checked': {
      status: 'warn',
      severity: 'low',
      message:
        'assuming the role is not checked by this version of edge-secrets (the node credentials resolve): {{list}}',
      remedies: ['jobspec.assume-role', 'jobspec.unconfirmed-format'],
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
      for (const u of uses) add(u, 'identity-failed', why(e))
      return grouped<Key>(issues, j.file, FAILING)
    }
    const details = [`node credentials: ${chain.resolved.source}, ${identity.arn}`]
    for (const u of uses) {
      try {
        const assumed = await jobspec.assumeRole(u)
        if (!assumed) add(u, 'assume-not-checked', `${u.roleArn} as ${identity.arn}`)
        else details.push(`${u.entry}: assumed ${assumed.assumedRoleArn}`)
      } catch (e) {
        add(u, 'assume-denied', `${u.roleArn} as ${identity.arn}: ${why(e)}`)
      }
    }
    const test = uses.map(
      (u) => `aws sts assume-role --role-arn ${u.roleArn} --role-session-name edge-secrets`,
    )
    const commands = commandsFor({ 'jobspec.assume-role': test })
    const out = grouped<Key>(issues, j.file, FAILING, {
      commands: { 'assume-denied': commands, 'assume-not-checked': commands },
      details,
    })
    if (out.length) return out
    return pass(`${uses.length} role${uses.length === 1 ? '' : 's'} assumed`, details)
  },
})
