import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import check from './env-file-perms.js'
import { fakeNode } from '../../../test/fixtures/node/fake-api.js'

const ENV = '/run/expanso/pipeline.env'
const API = '/run/expanso/api.env'
const AGENT = '/etc/vault/agent.hcl'
const SINK = '/run/vault/token'
const RENDERED = '/run/expanso/rendered.env'
const config = { pipeline: { envFiles: [ENV, API] } }

const HCL = [
  'auto_auth {',
  '  method "kubernetes" {',
  '    config = { role = "expanso-edge" }',
  '  }',
  '  sink "file" {',
  `    config = { path = "${SINK}", mode = 0600 }`,
  '  }',
  '}',
  'template {',
  '  contents    = "X={{ with secret \\"secret/data/x\\" }}{{ .Data.data.x }}{{ end }}"',
  `  destination = "${RENDERED}"`,
  '}',
].join('\n')

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.env-file-perms', () => {
  it('passes when every secret file is 0600 or stricter, listing each mode', async () => {
    const node = fakeNode({ files: { [ENV]: { mode: 0o600 }, [API]: { mode: 0o400 } } })
    const r = await run(check, { config, node })
    expect(r).toMatchObject({ status: 'pass', summary: '2 secret files are 0600 or stricter' })
    expect(r.details).toEqual([`${ENV}: 0600 — env file`, `${API}: 0400 — env file`])
  })

  it('fails on a world-readable env file with the chmod command filled in', async () => {
    const node = fakeNode({ files: { [ENV]: { mode: 0o600 }, [API]: { mode: 0o644 } } })
    const r = await run(check, { config, node })
    expect(r).toMatchObject({
      status: 'fail',
      severity: 'high',
      summary: `1 secret file is open to every user on the node: ${API}`,
    })
    expect(findingKeys(r)).toEqual(['world-accessible'])
    expect(r.findings?.[0]?.items).toEqual([
      { name: API, detail: '0644 (readable by all) — env file', location: { file: API } },
    ])
    expect(remedyIds(r)).toEqual(['pattern.file-perms'])
    expect(r.remedies[0]?.commands).toEqual([`chmod 600 ${API}`])
  })

  it('names world-writable files as such, and quotes paths for the shell', async () => {
    const odd = "/run/expanso/it's here.env"
    const r = await run(check, {
      config: { pipeline: { envFiles: [odd] } },
      node: fakeNode({ files: { [odd]: { mode: 0o666 } } }),
    })
    expect(r.findings?.[0]?.items?.[0]?.detail).toBe('0666 (writable by all) — env file')
    expect(r.remedies[0]?.commands).toEqual([`chmod 600 '/run/expanso/it'\\''s here.env'`])
  })

  it('warns on group access', async () => {
    const node = fakeNode({ files: { [ENV]: { mode: 0o640 }, [API]: { mode: 0o600 } } })
    const r = await run(check, { config, node })
    expect(r).toMatchObject({
      status: 'warn',
      severity: 'medium',
      summary: `1 secret file is looser than 0600 (group access): ${ENV}`,
    })
    expect(findingKeys(r)).toEqual(['group-accessible'])
    expect(remedyIds(r)).toEqual(['pattern.file-perms'])
    // A finding shows what is wrong; the files that are fine are listed only on a pass.
    expect(r.details).toEqual([`${ENV}: 0640 (group access) — env file`])
  })

  it('reports both when one file is world-readable and another group-readable', async () => {
    const node = fakeNode({ files: { [ENV]: { mode: 0o640 }, [API]: { mode: 0o604 } } })
    const r = await run(check, { config, node })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['world-accessible', 'group-accessible'])
    expect(r.remedies[0]?.commands).toEqual([`chmod 600 ${API}`, `chmod 600 ${ENV}`])
  })

  it("includes the Vault agent's sinks and template destinations, and says when the template will undo a chmod", async () => {
    const node = fakeNode({
      files: { [AGENT]: HCL, [SINK]: { mode: 0o640 }, [RENDERED]: { mode: 0o644 } },
    })
    const r = await run(check, { config: { vault: { agentConfig: AGENT } }, node })
    expect(findingKeys(r)).toEqual(['world-accessible', 'group-accessible'])
    const items = r.findings?.flatMap((f) => f.items ?? [])
    expect(items?.[0]).toMatchObject({
      name: RENDERED,
      detail:
        '0644 (readable by all) — template destination (agent.hcl:9); its template sets no perms, so the next render undoes a chmod: add perms = "0600"',
    })
    expect(items?.[1]).toMatchObject({
      name: SINK,
      detail: '0640 (group access) — Vault agent token sink (agent.hcl:5)',
    })
  })

  it("says when the agent's sink mode will undo a chmod", async () => {
    const hcl = HCL.replace(', mode = 0600', '')
    const node = fakeNode({ files: { [AGENT]: hcl, [SINK]: { mode: 0o640 } } })
    const r = await run(check, { config: { vault: { agentConfig: AGENT } }, node })
    expect(r.findings?.[0]?.items?.[0]?.detail).toBe(
      "0640 (group access) — Vault agent token sink (agent.hcl:5); its sink sets no mode (Vault's default is 0640): add mode = 0600",
    )
  })

  it('leaves missing files to node.env-vars and judges the rest', async () => {
    const r = await run(check, { config, node: fakeNode({ files: { [API]: { mode: 0o600 } } }) })
    expect(r.status).toBe('pass')
    expect(r.details).toContain(`${ENV}: does not exist (not judged)`)
  })

  it('leaves a FIFO or a directory to node.env-vars, saying it is not a regular file', async () => {
    const node = fakeNode({ files: { [ENV]: { odd: 'fifo' }, [API]: { mode: 0o600 } } })
    const r = await run(check, { config, node })
    expect(r.status).toBe('pass')
    expect(r.details).toContain(`${ENV}: not a regular file (not judged)`)
    const none = await run(check, {
      config,
      node: fakeNode({ files: { [ENV]: { odd: 'directory' } } }),
    })
    expect(none).toMatchObject({
      status: 'skip',
      skipReason: 'not-applicable',
      skipDetail: `none of the secret files is a regular file here (${ENV}, ${API}); node.env-vars reports them`,
    })
  })

  it('skips when no secret file is configured', async () => {
    const r = await run(check, { config: {}, node: fakeNode() })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(r.skipDetail).toMatch(/^no secret files configured/)
  })

  it('skips when none of the configured files exists', async () => {
    const r = await run(check, { config, node: fakeNode() })
    expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(r.skipDetail).toBe(
      `none of the secret files exist yet (${ENV}, ${API}); node.env-vars reports missing env files`,
    )
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
