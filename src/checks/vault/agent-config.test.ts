import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { fakeVault } from '../../../test/fixtures/vault/fake-api.js'
import type { AgentLoad } from '../../providers/vault/api.js'
import { readAgentConfig, type AgentConfig } from '../../providers/vault/agent-config.js'
import check from './agent-config.js'
import { example } from '../../../test/helpers/examples.js'

const EXAMPLE = example('vault-agent/vault-agent.hcl')
const withAgent = (c: Partial<AgentConfig>, base?: AgentConfig) =>
  fakeVault({
    agent: async (): Promise<AgentLoad> => ({
      status: 'ok',
      config: { ...(base ?? (await readAgentConfig(EXAMPLE))), ...c },
    }),
  })
const pipeline = { pipeline: { envFiles: ['/etc/expanso/pipeline.env'] } }

describe('vault.agent-config', () => {
  it('passes the documentation example', async () => {
    const r = await runCheck(check, { vault: withAgent({}), config: pipeline })
    expect(r.status).toBe('pass')
  })
  it('skips without an agent config', async () => {
    expect((await runCheck(check, { vault: fakeVault() })).skipReason).toBe('not-applicable')
  })
  it('reports a missing file and a syntax error with its location', async () => {
    const missing = await runCheck(check, {
      vault: fakeVault({ agent: async () => ({ status: 'missing', path: '/x.hcl' }) }),
    })
    expect(findingKeys(missing)).toEqual(['missing'])
    expect(remedyIds(missing)).toEqual(['vault.fix-agent-config'])
    const r = await runCheck(check, {
      vault: fakeVault({
        agent: async () => ({
          status: 'invalid',
          path: '/x.hcl',
          message: '/x.hcl:2:12: Invalid expression',
          line: 2,
          column: 12,
        }),
      }),
    })
    expect(findingKeys(r)).toEqual(['invalid'])
    expect(remedyIds(r)).toEqual(['vault.fix-agent-config'])
    expect(r.findings?.[0]?.location).toEqual({ file: '/x.hcl', line: 2, column: 12 })
  })
  it('says a FIFO, a directory or an oversized file cannot be read, not that it does not parse', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        agent: async () => ({
          status: 'unreadable',
          path: '/x.hcl',
          message: '/x.hcl is a FIFO (named pipe), not a regular file: not read',
        }),
      }),
    })
    expect(findingKeys(r)).toEqual(['unreadable'])
    expect(remedyIds(r)).toEqual(['vault.fix-agent-config'])
    expect(r.summary).toBe(
      'the agent config cannot be read: /x.hcl is a FIFO (named pipe), not a regular file: not read',
    )
  })
  it('reports wide sink and template modes', async () => {
    const base = await readAgentConfig(EXAMPLE)
    const r = await runCheck(check, {
      vault: withAgent({
        sinks: [{ type: 'file', path: '/etc/expanso/secrets.env', mode: 0o640, line: 15 }],
        templates: [{ ...base.templates[0]!, perms: undefined }],
      }),
      config: pipeline,
    })
    expect(findingKeys(r)).toEqual(['sink-perms', 'template-perms'])
    expect(remedyIds(r)).toEqual(['pattern.file-perms'])
    expect(r.status).toBe('warn')
  })
  it('reports a template destination the pipeline does not load', async () => {
    const r = await runCheck(check, {
      vault: withAgent({}),
      config: { pipeline: { envFiles: ['/etc/expanso/other.env'] } },
    })
    expect(findingKeys(r)).toEqual(['destination-not-loaded'])
    expect(remedyIds(r)).toEqual(['vault.template-destination', 'pattern.interpolation'])
  })
  it('reports an unreadable template source', async () => {
    const r = await runCheck(check, {
      vault: fakeVault({
        agent: async () => ({ status: 'ok', config: await readAgentConfig(EXAMPLE) }),
        secretRefs: async () => ({
          refs: [],
          unreadableTemplates: ['/etc/vault/templates/pipeline.env.tpl'],
        }),
      }),
      config: pipeline,
    })
    expect(findingKeys(r)).toEqual(['template-unreadable'])
    expect(remedyIds(r)).toEqual(['vault.fix-agent-config'])
  })
  it('reports address and role disagreements', async () => {
    const r = await runCheck(check, {
      vault: {
        ...withAgent({}),
        settings: async () => ({
          address: 'https://127.0.0.1:8200',
          addressSource: 'config',
          skipVerify: false,
          auth: { method: 'kubernetes', methodSource: 'config', role: 'other-role', mount: 'kubernetes' },
        }),
      },
      config: { ...pipeline, vault: { auth: { method: 'kubernetes', role: 'other-role' } } },
    })
    expect(findingKeys(r)).toEqual(['address-mismatch', 'role-mismatch'])
    expect(remedyIds(r)).toEqual(['vault.align-configs'])
  })
})
