import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, runCheck, remedyIds } from '../../../test/helpers/check-harness.js'
import check from './pipeline-config.js'
import { fakeNode } from '../../../test/fixtures/node/fake-api.js'
import { example } from '../../../test/helpers/examples.js'

const EXAMPLE = readFileSync(example('node/pipeline.yaml'), 'utf8')
const FILE = '/srv/edge/pipeline.yaml'
const config = { pipeline: { config: FILE } }

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.pipeline-config', () => {
  it('passes on the documentation JobSpec and lists its env references with where they are', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: EXAMPLE } }) })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe(
      `${FILE}: pipeline JobSpec, 5 env vars referenced (KAFKA_USERNAME, KAFKA_PASSWORD, NODE_NAME, INGEST_TIMEOUT, API_TOKEN)`,
    )
    expect(r.details).toContain('KAFKA_USERNAME: config.input.kafka.sasl.user (line 12)')
    expect(r.details).toContain('NODE_NAME: env() in config.pipeline.processors[0].mapping (line 18)')
    expect(r.details).toContain(
      'INGEST_TIMEOUT: config.output.http_client.timeout (line 23); every reference has a default, so it resolves even when unset',
    )
    expect(r.details?.join('\n')).not.toContain('sensor_id')
  })

  it('passes on a bare Bento config without references', async () => {
    const r = await run(check, {
      config,
      node: fakeNode({ files: { [FILE]: 'input:\n  stdin: {}\noutput:\n  stdout: {}\n' } }),
    })
    expect(r).toMatchObject({
      status: 'pass',
      summary: `${FILE}: Bento-style pipeline with no env references`,
    })
  })

  it('never shows a default value: it may be a hard-coded credential', async () => {
    const text = 'input:\n  http_server:\n    basic_auth:\n      password: ${PASS:hunter2-do-not-print}\n'
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: text } }) })
    expect(r.status).toBe('pass')
    expect(JSON.stringify(r)).not.toContain('hunter2')
  })

  it('fails when the file the user named does not exist', async () => {
    const r = await run(check, { config, node: fakeNode() })
    expect(r).toMatchObject({ status: 'fail', summary: `pipeline config ${FILE} does not exist` })
    expect(findingKeys(r)).toEqual(['missing'])
    expect(remedyIds(r)).toEqual(['node.point-at-pipeline-config'])
  })

  it('skips when the built-in default path is absent and nothing was configured', async () => {
    const r = await run(check, { config: {}, node: fakeNode() })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(r.skipDetail).toMatch(/no pipeline config at \/etc\/expanso\/pipeline\.yaml; set pipeline\.config/)
  })

  it('fails on the default path when the pipeline section was configured (env files set)', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: ['/srv/edge/pipeline.env'] } },
      node: fakeNode(),
    })
    expect(findingKeys(r)).toEqual(['missing'])
  })

  it('fails when the path is a directory', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: { isFile: false } } }) })
    expect(r).toMatchObject({ status: 'fail', summary: `pipeline config ${FILE} is not a regular file` })
    expect(findingKeys(r)).toEqual(['not-a-file'])
  })

  it('fails on invalid YAML with the line and column as the location', async () => {
    const text = 'input:\n  kafka:\n    addresses: [a\n  topics: b: c\n'
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: text } }) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['invalid-yaml'])
    expect(r.severity).toBe('critical')
    expect(r.location).toMatchObject({ file: FILE, line: expect.any(Number), column: expect.any(Number) })
    expect(r.summary).toMatch(
      new RegExp(`^pipeline config ${FILE} is not valid YAML: .+ \\(line \\d+, column \\d+\\)$`),
    )
    expect(remedyIds(r)).toEqual(['node.fix-pipeline-config'])
  })

  it('warns on a document that is neither a bare config nor a pipeline JobSpec', async () => {
    const r = await run(check, {
      config,
      node: fakeNode({ files: { [FILE]: 'name: x\ntype: service\nconfig:\n  image: ${IMAGE}\n' } }),
    })
    expect(r).toMatchObject({
      status: 'warn',
      summary: `pipeline config ${FILE} is neither a Bento-style pipeline nor a pipeline JobSpec: its type is \`service\`, not \`pipeline\``,
    })
    expect(findingKeys(r)).toEqual(['unknown-shape'])
    expect(r.details).toEqual(['IMAGE: config.image (line 4)'])
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
