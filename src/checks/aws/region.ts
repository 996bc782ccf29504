import { defineCheck, found, pass, type Outcome } from '../define.js'
import { parseArn } from '../../providers/aws/model.js'

export default defineCheck({
  id: 'aws.region',
  title: 'An AWS region is set and every configured secret lives in it',
  description:
    'The SDK and the CLI need a region, and they send every request to the endpoint of that region — not to the ' +
    'region written in a secret ARN. A secret in another region is "not found" although it exists.',
  provider: 'aws',
  category: 'config',
  network: false,
  findings: {
    unset: {
      status: 'fail',
      severity: 'critical',
      message: 'no AWS region is set (aws.region, AWS_REGION, AWS_DEFAULT_REGION or the profile)',
      remedies: ['aws.set-region'],
    },
    'secret-in-other-region': {
      status: 'fail',
      severity: 'critical',
      message: 'secret {{id}} is in {{secretRegion}}, but requests go to {{region}}',
      remedies: ['aws.set-region', 'auth.confirm-secret-paths'],
    },
  },
  async run({ aws, config }) {
    const info = await aws.region()
    const arnRegions = config.aws.secrets
      .map((s) => ({ id: s.id, region: parseArn(s.id)?.region }))
      .filter((s): s is { id: string; region: string } => !!s.region)
    if (!info.region) {
      const hint = arnRegions[0]?.region ?? 'us-east-1'
      return found(
        'unset',
        {},
        {
          commands: {
            'aws.set-region': [
              `export AWS_REGION=${hint}`,
              `# or in edge-secrets.yaml: aws: { region: ${hint} }`,
            ],
          },
        },
      )
    }
    const outcomes: Outcome<'secret-in-other-region'>[] = arnRegions
      .filter((s) => s.region !== info.region)
      .map((s) =>
        found(
          'secret-in-other-region',
          { id: s.id, secretRegion: s.region, region: info.region! },
          {
            commands: {
              'aws.set-region': [
                `export AWS_REGION=${s.region}`,
                `aws secretsmanager describe-secret --secret-id ${s.id} --region ${s.region}`,
              ],
            },
          },
        ),
      )
    if (outcomes.length) return outcomes
    return pass(`region ${info.region} (from ${info.source})`)
  },
})
