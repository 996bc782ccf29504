import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import check from './env-vars.js'
import { fakeNode, refusalReason, type FakeNodeOptions } from '../../../test/fixtures/node/fake-api.js'
import { example } from '../../../test/helpers/examples.js'

const EXAMPLE = readFileSync(example('node/pipeline.yaml'), 'utf8')
const PIPELINE = '/srv/edge/pipeline.yaml'
const ENV = '/srv/edge/pipeline.env'
const AGENT = '/etc/vault/agent.hcl'
const RENDERED = '/run/expanso/pipeline.env'
const config = { pipeline: { config: PIPELINE, envFiles: [ENV] } }

const SECRET = 'CANARY-env-vars-9d1f'
const envText = (over: Record<string, string> = {}) =>
  Object.entries({
    KAFKA_USERNAME: 'edge-user',
    KAFKA_PASSWORD: SECRET,
    API_TOKEN: 'tok-CANARY-77',
    NODE_NAME: 'edge-node-1',
    ...over,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')

const node = (files: FakeNodeOptions['files'] = {}, env?: Record<string, string>) =>
  fakeNode({ files: { [PIPELINE]: EXAMPLE, ...files }, env })

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  expect(JSON.stringify(r)).not.toContain(SECRET)
  return r
}

describe('node.env-vars', () => {
  it('passes when every var is set in the env file, naming the file and line, and notes defaults', async () => {
    const r = await run(check, { config, node: node({ [ENV]: envText() }) })
    expect(r).toMatchObject({ status: 'pass', summary: '5 referenced env vars resolve to non-empty values' })
    expect(r.details).toContain(`KAFKA_PASSWORD: ${ENV}:2`)
    expect(r.details).toContain(
      'INGEST_TIMEOUT: not set; every reference has a default, so the default applies',
    )
  })

  it('passes with the vars in the process environment and no env file', async () => {
    const env = { KAFKA_USERNAME: 'u', KAFKA_PASSWORD: SECRET, API_TOKEN: 'tttt', NODE_NAME: 'n' }
    const r = await run(check, { config: { pipeline: { config: PIPELINE } }, node: node({}, env) })
    expect(r.status).toBe('pass')
    expect(r.details).toContain('KAFKA_PASSWORD: process environment')
  })

  it('passes with nothing to check when the pipeline references no env vars', async () => {
    const r = await run(check, { config, node: node({ [PIPELINE]: 'input:\n  stdin: {}\n' }) })
    expect(r).toMatchObject({ status: 'pass', summary: `${PIPELINE} references no env vars` })
  })

  it('leaves vars the JobSpec secrets block declares to the agent, and still judges the rest', async () => {
    const jobspec = [
      'config:',
      '  input:',
      '    kafka:',
      '      password: ${KAFKA_PASSWORD}',
      '      user: ${KAFKA_USERNAME}',
      'secrets:',
      '  KAFKA_PASSWORD:',
      '    from: corp_vault',
      '    mount: kv',
      '    secret_path: kafka/prod',
      '    field: password',
      '',
    ].join('\n')
    const ok = await run(check, { config, node: node({ [PIPELINE]: jobspec, [ENV]: 'KAFKA_USERNAME=u\n' }) })
    expect(ok.status).toBe('pass')
    expect(ok.details?.join('\n')).toContain('KAFKA_PASSWORD: declared in the JobSpec')
    const only = await run(check, { config, node: node({ [PIPELINE]: jobspec.replace(/ {6}user.*\n/, '') }) })
    expect(only).toMatchObject({ status: 'pass', summary: `${PIPELINE} references only JobSpec secrets` })
    const missing = await run(check, { config, node: node({ [PIPELINE]: jobspec, [ENV]: 'OTHER=1\n' }) })
    expect(missing.status).toBe('fail')
    expect(JSON.stringify(missing)).toContain('KAFKA_USERNAME')
    expect(JSON.stringify(missing.findings)).not.toContain('KAFKA_PASSWORD')
  })

  it('fails on a var set nowhere, located at its reference in the pipeline config', async () => {
    const text = envText()
      .split('\n')
      .filter((l) => !l.startsWith('API_TOKEN'))
      .join('\n')
    const r = await run(check, { config, node: node({ [ENV]: text }) })
    expect(r).toMatchObject({
      status: 'fail',
      severity: 'critical',
      summary: '1 referenced env var is set nowhere: API_TOKEN',
    })
    expect(findingKeys(r)).toEqual(['unresolved'])
    expect(remedyIds(r).sort()).toEqual(['auth.confirm-secret-paths', 'pattern.interpolation'])
    expect(r.findings?.[0]?.items).toEqual([
      {
        name: 'API_TOKEN',
        detail: `referenced at config.output.http_client.headers.Authorization (line 25); not in the process environment, ${ENV}`,
        location: { file: PIPELINE, line: 25, column: 31 },
      },
    ])
  })

  it('fails on `<no value>` rendered by a Vault template, at the env file line', async () => {
    const r = await run(check, { config, node: node({ [ENV]: envText({ API_TOKEN: '<no value>' }) }) })
    expect(findingKeys(r)).toEqual(['no-value'])
    expect(r.status).toBe('fail')
    // The literal itself is shown as `[REDACTED]` while providers/node.ts registers placeholder values as secrets.
    expect(r.summary).toMatch(
      /^API_TOKEN rendered as `.+`: the Vault template reads a key the secret does not have$/,
    )
    expect(check.findings['no-value'].message).toContain('`<no value>`')
    expect(r.location).toEqual({ file: ENV, line: 3 })
    expect(remedyIds(r).sort()).toEqual(['vault.error-on-missing-key'])
  })

  it('fails on `null` written by jq -r for a missing key', async () => {
    const r = await run(check, { config, node: node({ [ENV]: envText({ KAFKA_PASSWORD: 'null' }) }) })
    expect(findingKeys(r)).toEqual(['null'])
    expect(r.findings?.[0]?.items?.[0]).toMatchObject({
      name: 'KAFKA_PASSWORD',
      location: { file: ENV, line: 2 },
    })
    expect(remedyIds(r).sort()).toEqual(['node.strict-fetch-script'])
  })

  it('fails on an empty value, but not when the reference has a default', async () => {
    const r = await run(check, {
      config,
      node: node({ [ENV]: envText({ KAFKA_USERNAME: '', INGEST_TIMEOUT: '' }) }),
    })
    expect(findingKeys(r)).toEqual(['empty'])
    expect(remedyIds(r).sort()).toEqual(['pattern.interpolation', 'refresh.monitor-rotation'])
    expect(r.findings?.[0]?.items?.map((i) => i.name)).toEqual(['KAFKA_USERNAME'])
  })

  it('fails on an empty value in the process environment', async () => {
    const r = await run(check, {
      config: { pipeline: { config: PIPELINE } },
      node: node({}, { KAFKA_USERNAME: '', KAFKA_PASSWORD: SECRET, API_TOKEN: 'tttt', NODE_NAME: 'n' }),
    })
    expect(findingKeys(r)).toEqual(['empty'])
    expect(r.findings?.[0]?.items?.[0]).toEqual({ name: 'KAFKA_USERNAME', detail: 'the process environment' })
  })

  it('reports a missing env file on its own, besides what it leaves unresolved', async () => {
    const env = { KAFKA_USERNAME: 'u', KAFKA_PASSWORD: SECRET, API_TOKEN: 'tttt', NODE_NAME: 'n' }
    const r = await run(check, { config, node: node({}, env) })
    expect(findingKeys(r)).toEqual(['env-file-missing'])
    expect(r).toMatchObject({ status: 'fail', severity: 'high', summary: `1 secret file is missing: ${ENV}` })
    expect(remedyIds(r).sort()).toEqual(['node.provide-env-file', 'refresh.verify-restarts'])
  })

  it('warns about lines that are not assignments', async () => {
    const r = await run(check, { config, node: node({ [ENV]: `${envText()}\nthis is not an assignment\n` }) })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['malformed-lines'])
    expect(remedyIds(r)).toEqual(['pattern.interpolation'])
    expect(r.findings?.[0]?.items?.[0]).toEqual({
      name: ENV,
      detail: 'line 5',
      location: { file: ENV, line: 5 },
    })
  })

  it("reads the Vault agent's template destinations as env files", async () => {
    const hcl = [
      'template {',
      '  contents    = "{{ with secret \\"secret/data/expanso/pipeline\\" }}API_TOKEN={{ .Data.data.api_tokn }}{{ end }}"',
      `  destination = "${RENDERED}"`,
      '}',
    ].join('\n')
    const r = await run(check, {
      config: { pipeline: { config: PIPELINE, envFiles: [ENV] }, vault: { agentConfig: AGENT } },
      node: node({
        [ENV]: envText({ API_TOKEN: '' }).replace('API_TOKEN=\n', ''),
        [AGENT]: hcl,
        [RENDERED]: 'API_TOKEN=<no value>\n',
      }),
    })
    expect(findingKeys(r)).toContain('no-value')
    const noValue = r.findings?.find((f) => f.key === 'no-value')
    expect(noValue?.items?.map((i) => i.detail)).toContain(`${RENDERED}:1`)
  })

  it('does not hold a rendered certificate to env-file syntax', async () => {
    const hcl = ['template {', '  contents    = "x"', '  destination = "/run/certs/client.pem"', '}'].join(
      '\n',
    )
    const r = await run(check, {
      config: { pipeline: { config: PIPELINE, envFiles: [ENV] }, vault: { agentConfig: AGENT } },
      node: node({
        [ENV]: envText(),
        [AGENT]: hcl,
        '/run/certs/client.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      }),
    })
    expect(r.status).toBe('pass')
  })

  it('says so when the agent config cannot be read, and still checks the env files', async () => {
    const r = await run(check, {
      config: { pipeline: { config: PIPELINE, envFiles: [ENV] }, vault: { agentConfig: AGENT } },
      node: node({ [ENV]: envText() }),
    })
    expect(r.status).toBe('pass')
    expect(r.details?.at(-1)).toMatch(/^Vault agent config \/etc\/vault\/agent\.hcl not found/)
  })

  it('names an env file that is a FIFO, a directory or a device, never reads it, and does not call its vars unset', async () => {
    const other = '/srv/edge/other.env'
    const env = { KAFKA_USERNAME: 'u', KAFKA_PASSWORD: SECRET, NODE_NAME: 'n' }
    for (const odd of ['fifo', 'directory', 'device'] as const) {
      const n = fakeNode({ files: { [PIPELINE]: EXAMPLE, [ENV]: { odd }, [other]: 'A=1\n' }, env })
      const r = await run(check, {
        config: { pipeline: { config: PIPELINE, envFiles: [ENV, other] } },
        node: n,
      })
      expect(r).toMatchObject({
        status: 'fail',
        severity: 'high',
        summary: `1 secret file not read: ${refusalReason(ENV, odd)}`,
        location: { file: ENV },
      })
      // API_TOKEN may well be in the file that was not read: "set nowhere" would be a guess.
      expect(findingKeys(r)).toEqual(['env-file-refused'])
      expect(remedyIds(r)).toEqual(['node.provide-env-file'])
      expect(r.details).toContain(
        'API_TOKEN: set in none of the files that were read; it may be in a file that was not',
      )
      expect(r.findings?.[0]?.items).toEqual([{ name: ENV, detail: 'env file', location: { file: ENV } }])
      expect(n.calls.filter((c) => c.startsWith('readEnvFile'))).toEqual([
        `readEnvFile ${ENV}`,
        `readEnvFile ${other}`,
      ])
    }
  })

  it('names an env file over its cap, with the size and the cap', async () => {
    const r = await run(check, { config, node: node({ [ENV]: { odd: 'too-large' } }, { API_TOKEN: 't' }) })
    expect(findingKeys(r)).toEqual(['env-file-refused'])
    expect(r.summary).toBe(
      `1 secret file not read: ${ENV} is 67,108,864 bytes, over the 1 MiB cap for an env file: not read`,
    )
  })

  it('fails on an env file the doctor may not read, pointing at the user it runs as', async () => {
    const env = { KAFKA_USERNAME: 'u', KAFKA_PASSWORD: SECRET, API_TOKEN: 'tttt', NODE_NAME: 'n' }
    const r = await run(check, { config, node: node({ [ENV]: { odd: 'unreadable' } }, env) })
    expect(r).toMatchObject({
      status: 'fail',
      summary: `1 secret file unreadable: ${ENV} cannot be read by the doctor (EACCES: permission denied)`,
    })
    expect(findingKeys(r)).toEqual(['env-file-unreadable'])
    expect(remedyIds(r)).toEqual(['node.read-as-agent-user'])
    expect(r.findings?.[0]?.items?.[0]).toMatchObject({ name: ENV, location: { file: ENV } })
  })

  it('does not take `$${VAR}` (an escaped literal) for a reference', async () => {
    const text = `${EXAMPLE}\n# literal: $\${NOT_A_REFERENCE}\nextra: "cost: $\${ALSO_LITERAL} and $$\${REAL_ONE}"\n`
    const r = await run(check, {
      config,
      node: node({ [PIPELINE]: text, [ENV]: envText({ REAL_ONE: 'x' }) }),
    })
    expect(r.status).toBe('pass')
    expect(JSON.stringify(r)).not.toMatch(/NOT_A_REFERENCE|ALSO_LITERAL/)
    expect(r.details?.some((d) => d.startsWith('REAL_ONE: '))).toBe(true)
  })

  it('skips when used without a readable pipeline config', async () => {
    const r = await run(check, { config, node: fakeNode() })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
  })

  it('declares that it needs node.pipeline-config', () => {
    expect(check.needs).toEqual(['node.pipeline-config'])
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
