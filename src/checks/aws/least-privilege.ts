import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { isNetworkFault, isProviderError } from '../../core/provider.js'
import {
  policySourceArnOf,
  putPolicyCommand,
  roleNameOf,
  secretPolicyResource,
} from '../../providers/aws/model.js'

type Key = 'over-broad' | 'denied-configured' | 'granted-elsewhere' | 'iam-unreachable'

const ACTION = 'secretsmanager:GetSecretValue'

export default defineCheck({
  id: 'aws.least-privilege',
  title: 'The role may read the configured secrets and nothing else',
  description:
    "Best Practice 2 limits GetSecretValue to the pipeline's own secrets. SimulatePrincipalPolicy evaluates the " +
    "role's policies against each configured secret and against every secret of the account (secret:*). An edge " +
    'role normally may not simulate its own policy, so without that permission the check is skipped, not failed.',
  provider: 'aws',
  category: 'iam',
  needs: ['aws.identity'],
  network: true,
  findings: {
    'over-broad': {
      status: 'warn',
      severity: 'medium',
      message:
        '{{principal}} may read every secret of account {{account}} (GetSecretValue allowed on secret:*)',
      remedies: ['bp.least-privilege'],
    },
    'denied-configured': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the policies of {{principal}} do not allow GetSecretValue on {{ids}}',
      remedies: ['bp.least-privilege', 'auth.verify-iam'],
    },
    'iam-unreachable': {
      status: 'warn',
      severity: 'low',
      message:
        'cannot reach AWS IAM to simulate the policies of {{principal}}, so least privilege is not verified: {{reason}}',
      remedies: ['bp.least-privilege'],
    },
    'granted-elsewhere': {
      status: 'warn',
      severity: 'low',
      message:
        'the identity policies of {{principal}} do not allow GetSecretValue on {{ids}}, yet the read works: access comes from a resource policy or a condition the simulation did not see',
      remedies: ['bp.least-privilege'],
    },
  },
  async run({ aws, config }) {
    const identity = await aws.callerIdentity()
    const expected = config.aws.expectRoleArn
    const fromCaller = policySourceArnOf(identity.arn)
    // An assumed-role ARN drops the role's path; the configured role ARN keeps it.
    const source =
      expected && roleNameOf(expected) && roleNameOf(expected) === roleNameOf(identity.arn)
        ? expected
        : fromCaller
    if (!source)
      return skip('not-applicable', `${identity.arn} is not an IAM role or user; nothing to simulate`)
    const { region = '*' } = await aws.region()
    const secrets = await Promise.all(
      config.aws.secrets.map(async (s) => {
        const arn = await aws.secretValue(s.id).then(
          (v) => v.arn,
          () => undefined,
        )
        return {
          id: s.id,
          arn: arn ?? secretPolicyResource(s.id, region, identity.account).replace(/-\?{6}$/, ''),
          readable: !!arn,
        }
      }),
    )
    const probe = `arn:aws:secretsmanager:${region}:${identity.account}:secret:*`
    const resourceArns = [...secrets.map((s) => s.arn), probe]
    const elsewhere = `aws iam simulate-principal-policy --policy-source-arn ${source} --action-names ${ACTION} --resource-arns ${resourceArns.join(' ')}`
    let results
    try {
      results = await aws.simulate(source, [ACTION], resourceArns)
    } catch (e) {
      if (isProviderError(e) && e.kind === 'denied' && !e.fault) {
        return skip(
          'not-permitted',
          `${identity.arn} may not call iam:SimulatePrincipalPolicy, as an edge role should not; an administrator can run: ${elsewhere}`,
        )
      }
      // An edge node often has no route to IAM (a private subnet with VPC endpoints for STS and Secrets Manager
      // only): the simulation can run elsewhere, so this is a gap in the evidence, not a broken delivery.
      if (isNetworkFault(e)) {
        const details = [e.message, `an administrator can run elsewhere: ${elsewhere}`]
        return found('iam-unreachable', { principal: source, reason: e.message }, { details })
      }
      throw e
    }
    const allowed = (arn: string) =>
      results.some((r) => r.resource === arn && r.action === ACTION && r.decision === 'allowed')
    const role = roleNameOf(source) ?? '<role>'
    const resources = config.aws.secrets.map((s) => secretPolicyResource(s.id, region, identity.account))
    const commands = { 'bp.least-privilege': [putPolicyCommand(role, resources)] }
    const outcomes: Outcome<Key>[] = []
    const deniedRead = secrets.filter((s) => !allowed(s.arn) && !s.readable)
    const deniedButRead = secrets.filter((s) => !allowed(s.arn) && s.readable)
    if (deniedRead.length) {
      outcomes.push(
        found(
          'denied-configured',
          { principal: source, ids: deniedRead.map((s) => s.id).join(', ') },
          { commands },
        ),
      )
    }
    if (deniedButRead.length) {
      outcomes.push(
        found('granted-elsewhere', { principal: source, ids: deniedButRead.map((s) => s.id).join(', ') }),
      )
    }
    if (allowed(probe)) {
      outcomes.push(
        found(
          'over-broad',
          { principal: source, account: identity.account },
          { details: [`simulated ${ACTION} on ${probe}: allowed`], commands },
        ),
      )
    }
    if (outcomes.length) return outcomes
    return pass(
      `${source}: GetSecretValue allowed on ${secrets.length} configured secret(s), denied on secret:*`,
      results.map((r) => `${r.action} ${r.resource}: ${r.decision}`),
    )
  },
})
