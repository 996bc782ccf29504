import { afterAll, describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import check from './vault-agent-process.js'
import { fakeNode, refusalReason } from '../../../test/fixtures/node/fake-api.js'

const AGENT = '/etc/vault/agent.hcl'
const PID = '/tmp/vault-agent.pid'
const HCL = `pid_file = "${PID}"\nvault {\n  address = "https://vault.example.com:8200"\n}\n`
const withAgent = { vault: { agentConfig: AGENT } }
const REMEDIES = ['node.start-vault-agent', 'refresh.restart-agent', 'refresh.verify-restarts']

const seen = new Set<string>()
const run = async (...args: Parameters<typeof runCheck>) => {
  const r = await runCheck(...args)
  findingKeys(r).forEach((k) => seen.add(k))
  return r
}

describe('node.vault-agent-process', () => {
  it("passes when the pid in the agent config's pid_file is a live Vault process", async () => {
    const node = fakeNode({
      files: { [AGENT]: HCL, [PID]: '4242\n', '/proc/4242/cmdline': `vault\0agent\0-config=${AGENT}\0` },
      alive: [4242],
    })
    const r = await run(check, { config: withAgent, node })
    expect(r).toMatchObject({ status: 'pass', summary: `Vault agent is running (pid 4242 from ${PID})` })
  })

  it('prefers vault.agentPidFile, and takes a live pid at its word when /proc is not readable', async () => {
    const node = fakeNode({ files: { '/run/agent.pid': '77' }, alive: [77] })
    const r = await run(check, { config: { vault: { agentPidFile: '/run/agent.pid' } }, node })
    expect(r).toMatchObject({
      status: 'pass',
      summary: 'Vault agent is running (pid 77 from /run/agent.pid)',
    })
  })

  it('fails when the pid file is missing, with the start command filled in', async () => {
    const r = await run(check, { config: withAgent, node: fakeNode({ files: { [AGENT]: HCL } }) })
    expect(r).toMatchObject({
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      location: { file: PID },
    })
    expect(findingKeys(r)).toEqual(['pid-file-missing'])
    expect(remedyIds(r).sort()).toEqual(REMEDIES)
    expect(r.remedies.find((x) => x.id === 'node.start-vault-agent')?.commands).toEqual([
      `vault agent -config=${AGENT}`,
    ])
  })

  it('fails when the pid file does not hold a pid', async () => {
    for (const text of ['', 'vault\n', '12 34', '0']) {
      const r = await run(check, {
        config: withAgent,
        node: fakeNode({ files: { [AGENT]: HCL, [PID]: text } }),
      })
      expect(findingKeys(r)).toEqual(['pid-file-invalid'])
      expect(remedyIds(r).sort()).toEqual(REMEDIES)
    }
  })

  it('reads no FIFO, directory or device as a pid file: it holds no pid, and the reason says what it is', async () => {
    for (const odd of ['fifo', 'directory', 'device', 'too-large'] as const) {
      const node = fakeNode({ files: { [AGENT]: HCL, [PID]: { odd } } })
      const r = await run(check, { config: withAgent, node })
      expect(r).toMatchObject({
        status: 'fail',
        summary: `Vault agent pid file ${PID} does not hold a process id`,
        details: [refusalReason(PID, odd, 'pid file')],
      })
      expect(findingKeys(r)).toEqual(['pid-file-invalid'])
      expect(node.calls).toContain(`readText ${PID} (pid file)`)
    }
  })

  it('cannot judge a pid file it may not read (the agent writes it 0600): an error, not a verdict', async () => {
    const node = fakeNode({ files: { [AGENT]: HCL, [PID]: { odd: 'unreadable' } } })
    const r = await run(check, { config: withAgent, node })
    expect(r).toMatchObject({
      status: 'error',
      summary: `node: ${PID} cannot be read by the doctor (EACCES: permission denied): whether the Vault agent runs is not known`,
    })
  })

  it('fails when the process is gone and the pid file stale', async () => {
    const r = await run(check, {
      config: withAgent,
      node: fakeNode({ files: { [AGENT]: HCL, [PID]: '4242' } }),
    })
    expect(r).toMatchObject({
      status: 'fail',
      summary: `no process 4242 (from ${PID}): the Vault agent has stopped and left a stale pid file`,
    })
    expect(findingKeys(r)).toEqual(['process-dead'])
    expect(remedyIds(r).sort()).toEqual(REMEDIES)
  })

  it('warns when the live pid runs something else, naming only the program', async () => {
    const node = fakeNode({
      files: { [AGENT]: HCL, [PID]: '4242', '/proc/4242/cmdline': '/usr/sbin/nginx\0-g\0secret-arg\0' },
      alive: [4242],
    })
    const r = await run(check, { config: withAgent, node })
    expect(r).toMatchObject({ status: 'warn' })
    expect(r.summary).toBe(
      `process 4242 (from ${PID}) is running \`nginx\`, not Vault: the pid file is probably stale and its pid reused`,
    )
    expect(findingKeys(r)).toEqual(['not-vault'])
    expect(remedyIds(r).sort()).toEqual(['node.start-vault-agent', 'refresh.verify-restarts'])
    expect(JSON.stringify(r)).not.toContain('secret-arg')
  })

  it('recognises an agent started through a shell or an entrypoint', async () => {
    const node = fakeNode({
      files: { [AGENT]: HCL, [PID]: '9', '/proc/9/cmdline': `/bin/sh\0-c\0vault agent -config=${AGENT}\0` },
      alive: [9],
    })
    expect((await run(check, { config: withAgent, node })).status).toBe('pass')
  })

  it('skips when no agent is configured, or nothing names its pid file', async () => {
    const none = await run(check, { config: {}, node: fakeNode() })
    expect(none).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(none.skipDetail).toBe('no Vault agent configured here (vault.agentConfig, vault.agentPidFile)')
    const noPidFile = await run(check, {
      config: withAgent,
      node: fakeNode({ files: { [AGENT]: 'vault {\n  address = "https://v:8200"\n}\n' } }),
    })
    expect(noPidFile).toMatchObject({ status: 'skip', skipReason: 'not-applicable' })
    expect(noPidFile.skipDetail).toMatch(/sets no pid_file and vault\.agentPidFile is not set/)
    const unreadable = await run(check, { config: withAgent, node: fakeNode() })
    expect(unreadable.skipDetail).toMatch(
      /^Vault agent config \/etc\/vault\/agent\.hcl not found.*vault\.agentPidFile is not set either$/,
    )
  })

  afterAll(() => {
    expect(Object.keys(check.findings).filter((k) => !seen.has(k))).toEqual([])
  })
})
