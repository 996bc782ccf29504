import { describe, expect, it } from 'vitest'
import { JOBSPEC_CANARIES, jobspecScenarios } from '../../src/sandbox/scenarios/jobspec.js'
import { AWS_READ_OPERATIONS } from '../../src/sandbox/aws.js'
import { isReadOnlyRequest } from '../../src/sandbox/vault.js'
import { runScenario, scenarioMismatches } from '../helpers/cli.js'

const byName = (n: string) => {
  const s = jobspecScenarios.find((x) => x.name === n)
  if (!s) throw new Error(`no scenario ${n}`)
  return s
}

describe('jobspec scenarios end to end (built CLI against the Vault simulator)', () => {
  it.each(jobspecScenarios.map((s) => [s.name]))('%s', async (name) => {
    const scenario = byName(name)
    const run = await runScenario(scenario)
    expect(scenarioMismatches(scenario, run.report), run.stderr).toEqual([])
    expect(run.exitCode).toBe(scenario.exitCode)
    expect(run.report.exitCode).toBe(scenario.exitCode)
    // Read-only: logins, lookups and capability simulations are the only non-GET calls to Vault, and AWS sees
    // nothing but reads.
    expect(run.requestLog.filter((r) => r.server === 'vault' && !isReadOnlyRequest(r))).toEqual([])
    expect(
      run.requestLog.filter(
        (r) => r.server === 'aws' && r.operation !== undefined && !AWS_READ_OPERATIONS.has(r.operation),
      ),
    ).toEqual([])
    for (const canary of JOBSPEC_CANARIES) {
      expect(run.stdout).not.toContain(canary)
      expect(run.stderr).not.toContain(canary)
    }
    expect(run.stdout).not.toMatch(/hvs\.[A-Za-z0-9_-]{10}/)
    expect(run.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./)
  })

  it('jobspec-healthy: both entries log in their own way, every check of theirs passes', async () => {
    const run = await runScenario(byName('jobspec-healthy'))
    const mine = run.report.checks.filter((c) => c.provider === 'jobspec')
    expect(mine.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}:${c.skipReason}`)).toEqual(
      ['jobspec.aws-sts:skip:not-applicable'],
    )
    // The logins the agent makes: AppRole and JWT, each recorded under its entry.
    const logins = run.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/login'))
    expect(logins.map((r) => r.path).sort()).toEqual(['/v1/auth/approle/login', '/v1/auth/jwt/login'])
    expect(run.report.identities).toContainEqual(
      expect.objectContaining({ provider: 'jobspec', entry: 'secret_providers.ci_vault' }),
    )
    expect(run.report.identities).toContainEqual(
      expect.objectContaining({
        provider: 'jobspec',
        entry: 'secret_providers.corp_vault',
        principal: 'approle',
      }),
    )
    const read = mine.find((c) => c.id === 'jobspec.vault-read')
    expect(read?.details).toEqual([
      'secrets.API_TOKEN: secret/data/expanso/prod/pipeline#api_token (version 3)',
      'secrets.KAFKA_PASSWORD: kv/data/kafka/prod#password (version 7)',
    ])
  })

  it('names the JobSpec entry and its line, and fills the policy to grant', async () => {
    const run = await runScenario(byName('jobspec-path-denied'))
    const c = run.report.checks.find((x) => x.id === 'jobspec.vault-read')
    const f = c?.findings?.[0]
    expect(f?.items?.map((i) => i.name)).toEqual(['secrets.KAFKA_PASSWORD'])
    expect(f?.location?.file).toMatch(/pipeline\.yaml$/)
    expect(f?.location?.line).toBeGreaterThan(1)
    expect(c?.remedies.flatMap((r) => r.commands ?? [])).toContain(
      'path "kv/data/kafka/prod" { capabilities = ["read"] }',
    )
  })

  it("jobspec-aws-sts: the node's credentials are walked, STS asked who they are, and the role assumed", async () => {
    const run = await runScenario(byName('jobspec-aws-sts'))
    const c = run.report.checks.find((x) => x.id === 'jobspec.aws-sts')
    expect(c?.status).toBe('pass')
    expect(c?.details).toEqual([
      expect.stringMatching(/^node credentials: env, arn:aws:sts::123456789012:assumed-role\/expanso-edge\//),
      'secret_providers.aws_prod: assumed arn:aws:sts::123456789012:assumed-role/pipeline-writer/edge-secrets',
    ])
    const asked = run.requestLog.filter((r) => r.server === 'aws').map((r) => r.operation)
    expect(asked).toEqual(['sts.GetCallerIdentity', 'sts.AssumeRole'])
  })

  it('jobspec-assume-denied: the role and the caller as evidence, and the trust statement to add', async () => {
    const run = await runScenario(byName('jobspec-assume-denied'))
    const c = run.report.checks.find((x) => x.id === 'jobspec.aws-sts')
    const caller = /arn:aws:sts::123456789012:assumed-role\/expanso-edge\/botocore-session-\d+/.source
    const f = c?.findings?.[0]
    expect(f?.key).toBe('assume-denied')
    expect(f?.items?.map((i) => `${i.name}: ${i.detail}`)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^secret_providers\\.aws_prod: arn:aws:iam::123456789012:role/pipeline-writer as ${caller}: AccessDenied$`,
        ),
      ),
    ])
    expect(f?.location?.file).toMatch(/pipeline\.yaml$/)
    // STS's own refusal, quoted with its request id.
    expect(c?.details).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^secret_providers\\.aws_prod: sts:AssumeRole: AccessDenied: User: ${caller} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/pipeline-writer \\(request id [0-9a-f-]{36}\\)$`,
        ),
      ),
    )
    const assume = c?.remedies.find((r) => r.id === 'jobspec.assume-role')
    expect(assume?.commands).toEqual([
      'aws iam get-role --role-name pipeline-writer --query Role.AssumeRolePolicyDocument',
      '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/expanso-edge"}, "Action": "sts:AssumeRole"}',
      'aws sts assume-role --role-arn arn:aws:iam::123456789012:role/pipeline-writer --role-session-name edge-secrets',
    ])
  })

  it("the wrong-auth finding quotes Vault's refusal and points at the entry's auth block", async () => {
    const run = await runScenario(byName('jobspec-wrong-auth'))
    const f = run.report.checks.find((x) => x.id === 'jobspec.vault-login')?.findings?.[0]
    expect(f?.message).toContain('invalid role or secret ID')
    expect(f?.items?.map((i) => i.name)).toEqual(['secret_providers.corp_vault.auth'])
  })
})
