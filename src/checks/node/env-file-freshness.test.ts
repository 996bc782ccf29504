import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { RunRecorder, type SourceChange } from '../../core/recorder.js'
import check from './env-file-freshness.js'
import { fakeNode, NOW } from '../../../test/fixtures/node/fake-api.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const ago = (ms: number) => new Date(NOW.getTime() - ms)

const ENV = '/run/expanso/pipeline.env'
const AGENT = '/etc/vault/agent.hcl'
const RENDERED = '/run/expanso/rendered.env'
const HCL = [
  'template {',
  '  contents    = "{{ with secret \\"secret/data/expanso/pipeline\\" }}API_TOKEN={{ .Data.data.api_token }}{{ end }}"',
  `  destination = "${RENDERED}"`,
  '}',
].join('\n')
const ENV_TEXT = 'KAFKA_USERNAME=u\nKAFKA_PASSWORD=pppp\n'
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:expanso/pipeline/credentials-AbCdEf'

const recorder = (...changes: SourceChange[]) => {
  const r = new RunRecorder()
  changes.forEach((c) => r.sourceChanged(c))
  return r
}

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.env-file-freshness', () => {
  it('passes on a file younger than maxStaleness, and says no source change was recorded', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [ENV], maxStaleness: '1h' } },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: ago(10 * 60_000) } } }),
      now: NOW,
    })
    expect(r).toMatchObject({ status: 'pass', summary: '1 rendered secret file is current' })
    expect(r.details).toEqual([
      `${ENV}: written 10m ago, within maxStaleness (1h)`,
      'no provider check recorded when a secret last changed: age is judged against maxStaleness alone',
    ])
  })

  it('warns on an old file with no source evidence, naming both explanations', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [ENV], maxStaleness: '1h' } },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: ago(3 * DAY) } } }),
      now: NOW,
    })
    expect(r).toMatchObject({
      status: 'warn',
      symptom: 'stale-secrets',
      summary: `${ENV} last written 3d ago, beyond maxStaleness (1h): either the source has not changed since, or whatever renders it has stopped`,
    })
    expect(findingKeys(r)).toEqual(['old-file'])
    expect(remedyIds(r).sort()).toEqual([
      'refresh.check-interval',
      'refresh.monitor-rotation',
      'refresh.verify-restarts',
    ])
  })

  it('fails on a template destination older than the last change of the secret its template reads', async () => {
    const r = await run(check, {
      config: { vault: { agentConfig: AGENT } },
      node: fakeNode({ files: { [AGENT]: HCL, [RENDERED]: { text: 'API_TOKEN=t\n', mtime: ago(2 * DAY) } } }),
      recorder: recorder({ provider: 'vault', secret: 'secret/expanso/pipeline', changedAt: ago(DAY) }),
      now: NOW,
    })
    expect(r).toMatchObject({
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      summary: `${RENDERED} is older than the last change of vault secret/expanso/pipeline at the source: the pipeline reads the old value`,
    })
    expect(findingKeys(r)).toEqual(['stale-copy'])
    expect(r.findings?.[0]?.items?.[0]?.detail).toBe(
      'written 2d ago; vault secret/expanso/pipeline changed 1d ago — template destination (agent.hcl:1)',
    )
    expect(remedyIds(r).sort()).toEqual([
      'refresh.check-interval',
      'refresh.restart-agent',
      'refresh.verify-restarts',
    ])
  })

  it('fails on an env file holding a configured key of a secret that changed after it was written', async () => {
    const r = await run(check, {
      config: {
        pipeline: { envFiles: [ENV] },
        aws: { secrets: [{ id: 'expanso/pipeline/credentials', keys: ['kafka_password'] }] },
      },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: ago(5 * HOUR) } } }),
      recorder: recorder({ provider: 'aws', secret: SECRET_ARN, changedAt: ago(HOUR) }),
      now: NOW,
    })
    expect(findingKeys(r)).toEqual(['stale-copy'])
  })

  it('passes an old file whose source last changed before it was written: the copy is current', async () => {
    const r = await run(check, {
      config: { vault: { agentConfig: AGENT }, pipeline: { maxStaleness: '1h' } },
      node: fakeNode({ files: { [AGENT]: HCL, [RENDERED]: { text: 'API_TOKEN=t\n', mtime: ago(3 * DAY) } } }),
      recorder: recorder({
        provider: 'vault',
        secret: 'secret/data/expanso/pipeline',
        changedAt: ago(10 * DAY),
      }),
      now: NOW,
    })
    expect(r.status).toBe('pass')
    expect(r.details?.[0]).toBe(
      `${RENDERED}: written 3d ago; vault secret/data/expanso/pipeline last changed before that (10d ago), so the copy is current`,
    )
  })

  it('gives the agent its render interval to pick up a change that just happened', async () => {
    const r = await run(check, {
      config: { vault: { agentConfig: AGENT } },
      node: fakeNode({ files: { [AGENT]: HCL, [RENDERED]: { text: 'API_TOKEN=t\n', mtime: ago(HOUR) } } }),
      recorder: recorder({
        provider: 'vault',
        secret: 'secret/data/expanso/pipeline',
        changedAt: ago(2 * 60_000),
      }),
      now: NOW,
    })
    expect(r.status).toBe('pass')
    expect(r.details?.[0]).toBe(
      `${RENDERED}: vault secret/data/expanso/pipeline changed 2m ago; the copy is due within 6m`,
    )
  })

  it('warns when a secret it cannot tie to the file changed after the file was written', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [ENV] } },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: ago(5 * HOUR) } } }),
      recorder: recorder({ provider: 'gcp', secret: 'projects/p/secrets/other', changedAt: ago(HOUR) }),
      now: NOW,
    })
    expect(r).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(r.summary).toBe(
      `${ENV} was written before gcp projects/p/secrets/other last changed at the source; the doctor cannot tell whether it holds that secret`,
    )
    expect(findingKeys(r)).toEqual(['possibly-stale'])
    expect(remedyIds(r).sort()).toEqual(['refresh.check-interval', 'refresh.restart-agent'])
  })

  it('cannot tie a change to an env file it did not read, and leaves a FIFO unjudged', async () => {
    const other = '/run/expanso/other.env'
    const r = await run(check, {
      config: {
        pipeline: { envFiles: [ENV, other] },
        aws: { secrets: [{ id: 'expanso/pipeline/credentials', keys: ['kafka_password'] }] },
      },
      node: fakeNode({
        files: { [ENV]: { odd: 'unreadable', mtime: ago(5 * HOUR) }, [other]: { odd: 'fifo' } },
      }),
      recorder: recorder({ provider: 'aws', secret: SECRET_ARN, changedAt: ago(HOUR) }),
      now: NOW,
    })
    expect(findingKeys(r)).toEqual(['possibly-stale'])
    expect(r.details).toContain(`${other}: not a regular file (not judged)`)
    const none = await run(check, {
      config: { pipeline: { envFiles: [other] } },
      node: fakeNode({ files: { [other]: { odd: 'fifo' } } }),
      now: NOW,
    })
    expect(none).toMatchObject({
      status: 'skip',
      skipDetail: `none of the rendered secret files is a regular file here (${other}); node.env-vars reports them`,
    })
  })

  it('ignores a change of a configured secret whose keys the file does not hold', async () => {
    const r = await run(check, {
      config: {
        pipeline: { envFiles: [ENV] },
        vault: { secrets: [{ path: 'secret/data/db', keys: ['db_password'] }] },
      },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: ago(5 * HOUR) } } }),
      recorder: recorder({ provider: 'vault', secret: 'secret/data/db', changedAt: ago(HOUR) }),
      now: NOW,
    })
    expect(r.status).toBe('pass')
  })

  it('warns on a file modified in the future', async () => {
    const r = await run(check, {
      config: { pipeline: { envFiles: [ENV] } },
      node: fakeNode({ files: { [ENV]: { text: ENV_TEXT, mtime: new Date(NOW.getTime() + 2 * HOUR) } } }),
      now: NOW,
    })
    expect(r).toMatchObject({ status: 'warn', severity: 'low' })
    expect(r.summary).toBe(`${ENV} modified 2h in the future: this node's clock or the writer's clock is off`)
    expect(findingKeys(r)).toEqual(['future-mtime'])
    expect(remedyIds(r)).toEqual(['node.sync-clock'])
  })

  it('skips when there is no rendered file to judge', async () => {
    const a = await run(check, { config: {}, node: fakeNode(), now: NOW })
    const b = await run(check, { config: { pipeline: { envFiles: [ENV] } }, node: fakeNode(), now: NOW })
    for (const r of [a, b]) expect(r).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
  })

  it('runs last, after the provider checks that record source changes', () => {
    expect(check.runsLast).toBe(true)
    expect(check.network).toBe(false)
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
