import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, runCheck, remedyIds } from '../../../test/helpers/check-harness.js'
import check from './pipeline-config.js'
import { fakeNode, refusalReason } from '../../../test/fixtures/node/fake-api.js'
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

  it('fails when the path is a directory, saying what it is', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: { isFile: false } } }) })
    expect(r).toMatchObject({
      status: 'fail',
      summary: `pipeline config ${FILE} is a directory, not a regular file: not read`,
      location: { file: FILE },
    })
    expect(findingKeys(r)).toEqual(['not-a-file'])
    expect(remedyIds(r)).toEqual(['node.point-at-pipeline-config'])
  })

  it('names a FIFO or a device and never reads it', async () => {
    for (const odd of ['fifo', 'device'] as const) {
      const node = fakeNode({ files: { [FILE]: { odd } } })
      const r = await run(check, { config, node })
      expect(findingKeys(r)).toEqual(['not-a-file'])
      expect(r.summary).toBe(`pipeline config ${refusalReason(FILE, odd)}`)
      expect(node.calls).toEqual([`readText ${FILE} (pipeline config)`])
    }
  })

  it('fails on a file over the pipeline config cap, naming the size and the cap', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: { odd: 'too-large' } } }) })
    expect(r).toMatchObject({ status: 'fail', severity: 'high' })
    expect(r.summary).toBe(
      `pipeline config ${FILE} is 67,108,864 bytes, over the 1 MiB cap for a pipeline config: not read`,
    )
    expect(findingKeys(r)).toEqual(['too-large'])
    expect(remedyIds(r)).toEqual(['node.point-at-pipeline-config'])
  })

  it('fails when the doctor may not read the file, and says to run it as the agent does', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: { odd: 'unreadable' } } }) })
    expect(r).toMatchObject({
      status: 'fail',
      summary: `pipeline config ${FILE} cannot be read by the doctor (EACCES: permission denied)`,
    })
    expect(findingKeys(r)).toEqual(['unreadable'])
    expect(remedyIds(r)).toEqual(['node.read-as-agent-user'])
  })

  it('warns on a file of several documents without quoting the YAML library', async () => {
    const text =
      'input:\n  stdin: {}\noutput:\n  stdout: {}\n---\ninput:\n  kafka:\n    user: ${USER2}\n---\n'
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: text } }) })
    expect(r).toMatchObject({
      status: 'warn',
      summary: `pipeline config ${FILE} holds 2 YAML documents (the second starts on line 5): a pipeline config is one document, and a YAML loader reads only the first or refuses the file`,
      location: { file: FILE, line: 5 },
    })
    expect(JSON.stringify(r)).not.toMatch(/parseAllDocuments|please use/i)
    expect(findingKeys(r)).toEqual(['several-documents'])
    expect(remedyIds(r)).toEqual(['node.fix-pipeline-config'])
    // Bento substitutes the raw text: a reference in the second document counts too.
    expect(r.details).toEqual(['USER2: document 2, input.kafka.user (line 8)'])
  })

  it('fails on an alias bomb instead of expanding it', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (const c of 'bcdefghij')
      bomb.push(
        `${c}: &${c} [${Array(9)
          .fill(`*${String.fromCharCode(c.charCodeAt(0) - 1)}`)
          .join(',')}]`,
      )
    const t0 = performance.now()
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: bomb.join('\n') } }) })
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(findingKeys(r)).toEqual(['invalid-yaml'])
    expect(r.summary).toBe(
      `pipeline config ${FILE} is not valid YAML: more than 10000 alias expansions (a YAML alias bomb), which YAML loaders refuse (line 2, column 8)`,
    )
  })

  it('fails on an alias without an anchor, and on nesting too deep to parse safely', async () => {
    const unanchored = await run(check, {
      config,
      node: fakeNode({ files: { [FILE]: 'input:\n  x: *nope\n' } }),
    })
    expect(findingKeys(unanchored)).toEqual(['invalid-yaml'])
    expect(unanchored.location).toEqual({ file: FILE, line: 2, column: 6 })
    const deep = `input:\n  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`
    const r = await run(check, { config, node: fakeNode({ files: { [FILE]: deep } }) })
    expect(r.summary).toBe(
      `pipeline config ${FILE} is not valid YAML: it nests more than 256 brackets deep: not parsed (line 2, column 262)`,
    )
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
    expect(remedyIds(r)).toEqual(['node.fix-pipeline-config'])
    expect(r.details).toEqual(['IMAGE: config.image (line 4)'])
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
