import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import check from './secrets-tmpfs.js'
import { fakeNode, TMPFS_ROOT } from '../../../test/fixtures/node/fake-api.js'

const RAM = '/run/expanso/pipeline.env'
const DISK = '/etc/expanso/pipeline.env'
const AGENT = '/etc/vault/agent.hcl'
const SINK = '/var/lib/vault/token'
const HCL = [
  'auto_auth {',
  '  method { type = "approle" }',
  '  sink {',
  '    type = "file"',
  `    config = { path = "${SINK}" }`,
  '  }',
  '}',
].join('\n')

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.secrets-tmpfs', () => {
  it('passes when the secret files are on tmpfs, naming the mount', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [RAM] } },
      node: fakeNode({ files: { [RAM]: '' } }),
    })
    expect(r).toMatchObject({ status: 'pass', summary: '1 secret file is on tmpfs' })
    expect(r.details).toEqual([`${RAM}: /run (tmpfs) — env file`])
  })

  it('warns on a file on persistent disk, with its mount point and filesystem', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [RAM, DISK] } },
      node: fakeNode({ files: { [RAM]: '', [DISK]: '' } }),
    })
    expect(r).toMatchObject({
      status: 'warn',
      severity: 'medium',
      summary: `1 secret file is on persistent disk: ${DISK}`,
    })
    expect(findingKeys(r)).toEqual(['persistent-disk'])
    expect(r.findings?.[0]?.items).toEqual([
      { name: DISK, detail: 'on / (ext4) — env file', location: { file: DISK } },
    ])
    expect(remedyIds(r)).toEqual(['pattern.tmpfs'])
  })

  it("includes the Vault agent's token sink", async () => {
    const r = await run(check, {
      config: { vault: { agentConfig: AGENT } },
      node: fakeNode({ files: { [AGENT]: HCL, [SINK]: 'hvs.x' } }),
    })
    expect(r.findings?.[0]?.items?.[0]).toMatchObject({
      name: SINK,
      detail: 'on / (ext4) — Vault agent token sink (agent.hcl:3)',
    })
  })

  it('treats ramfs as memory', async () => {
    const mounts = [...TMPFS_ROOT, { device: 'none', mountPoint: '/secrets', fsType: 'ramfs' }]
    const r = await run(check, {
      config: { pipeline: { envFiles: ['/secrets/p.env'] } },
      node: fakeNode({ files: { '/secrets/p.env': '' }, mounts }),
    })
    expect(r.status).toBe('pass')
  })

  it('skips when no secret file is configured, none exists, or there is no mount table', async () => {
    const a = await run(check, { config: {}, node: fakeNode() })
    const b = await run(check, { config: { pipeline: { envFiles: [DISK] } }, node: fakeNode() })
    const c = await run(check, {
      config: { pipeline: { envFiles: [DISK] } },
      node: fakeNode({ files: { [DISK]: '' }, mounts: [] }),
    })
    for (const r of [a, b, c]) expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(c.skipDetail).toMatch(/no mount table/)
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
