import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  at,
  fakeJobspec,
  PIPELINE,
  setup,
  type Setup,
  type Spec,
} from '../../../test/fixtures/jobspec/fake.js'
import check from './secret-refs.js'

const run = (o: Setup = {}) => runCheck(check, { jobspec: fakeJobspec(), ...setup(o) })
const kafka = (s: Spec) => at(s, 'secrets', 'KAFKA_PASSWORD')

describe('jobspec.secret-refs', () => {
  it('passes when every entry names a provider and its lookup, and the pipeline refers to each', async () => {
    const r = await run()
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('2 secrets declared and referenced: KAFKA_PASSWORD, API_TOKEN')
    expect(r.details).toEqual([
      'secrets.KAFKA_PASSWORD (line 34): from corp_vault kv/kafka/prod#password, refresh 30m',
      'secrets.API_TOKEN (line 40): from ci_vault secret/expanso/prod/pipeline#api_token, refresh 15m',
    ])
  })

  it('skips a JobSpec without a secrets block', async () => {
    const r = await run({ change: (s) => delete s.secrets })
    expect(r.skipReason).toBe('not-applicable')
  })

  it.each<[string, Setup['change'], string, string[], string]>([
    [
      'the secrets block is a list',
      (s) => {
        s.secrets = ['KAFKA_PASSWORD']
      },
      'not-a-mapping',
      ['jobspec.fix-secret-entry'],
      'secrets: secrets is not a mapping of variable names',
    ],
    [
      'secrets without secret_providers',
      (s) => {
        delete s.secret_providers
      },
      'no-providers',
      ['jobspec.fix-provider-entry'],
      'secrets: secrets without a secret_providers block',
    ],
    [
      'an entry without field',
      (s) => {
        delete kafka(s).field
      },
      'missing-field',
      ['jobspec.fix-secret-entry', 'auth.confirm-secret-paths'],
      'secrets.KAFKA_PASSWORD: field',
    ],
    [
      'from: naming no provider entry',
      (s) => {
        kafka(s).from = 'corp_vlt'
      },
      'unknown-provider',
      ['jobspec.fix-secret-entry'],
      'secrets.KAFKA_PASSWORD.from: corp_vlt (did you mean corp_vault?)',
    ],
    [
      'a refresh in days, which is no Go duration',
      (s) => {
        kafka(s).refresh = '1d'
      },
      'bad-refresh',
      ['refresh.check-interval', 'jobspec.set-refresh'],
      'secrets.KAFKA_PASSWORD.refresh: 1d is not a Go duration (use h, m or s: 30m)',
    ],
    [
      'a misspelled field of a Vault secret',
      (s) => {
        kafka(s).secret_pth = 'x'
      },
      'unknown-field',
      ['jobspec.unconfirmed-format'],
      'secrets.KAFKA_PASSWORD.secret_pth: secret_pth (did you mean secret_path?)',
    ],
    [
      'fields of an aws_sts secret, which no page lists',
      (s) => {
        at(s, 'secret_providers').aws_prod = {
          provider: 'aws_sts',
          role_arn: 'arn:aws:iam::123456789012:role/pipeline-writer',
          region: 'us-east-1',
        }
        kafka(s).from = 'aws_prod'
        delete kafka(s).mount
        delete kafka(s).secret_path
        delete kafka(s).field
        kafka(s).secret_id = 'kafka/prod'
      },
      'fields-unchecked',
      ['jobspec.unconfirmed-format'],
      'secrets.KAFKA_PASSWORD.secret_id: secret_id (aws_sts)',
    ],
    [
      'a declared secret the pipeline never names',
      (s) => {
        at(s, 'secrets').DB_PASSWORD = { ...kafka(s), field: 'db' }
      },
      'not-referenced',
      ['pattern.interpolation', 'jobspec.unconfirmed-format'],
      'secrets.DB_PASSWORD: no ${DB_PASSWORD} or env("DB_PASSWORD")',
    ],
    [
      'a reference in a secrets. form no page shows',
      (s) => {
        at(s, 'config', 'output', 'http_client').url = 'https://x/${secrets.API_TOKEN}'
      },
      'unconfirmed-reference',
      ['pattern.interpolation', 'jobspec.unconfirmed-format'],
      'config.output.http_client.url (line 13): ${secrets.API_TOKEN}',
    ],
  ])('%s', async (_name, change, key, remedies, item) => {
    const r = await run({ change })
    expect(findingKeys(r)).toEqual([key])
    const f = r.findings?.[0]
    expect(f?.items?.map((i) => `${i.name}: ${i.detail}`)).toContain(item)
    expect(f?.location?.file).toBe(PIPELINE)
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('a refresh the agent would never use is named, as is one that is not a duration at all', async () => {
    const r = await run({
      change: (s) => {
        kafka(s).refresh = '0s'
        at(s, 'secrets', 'API_TOKEN').refresh = 'hourly'
      },
    })
    expect(findingKeys(r)).toEqual(['bad-refresh'])
    expect(r.findings?.[0]?.items?.map((i) => i.detail)).toEqual([
      '0s would never refresh',
      'hourly is not a duration (e.g. 30m)',
    ])
  })
})
