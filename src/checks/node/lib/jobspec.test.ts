import { describe, expect, it } from 'vitest'
import { declaredSecretNames, fieldOf, readJobspecBlocks } from './jobspec.js'

const JOBSPEC = [
  'name: kafka-to-s3',
  'type: pipeline',
  'config:',
  '  input: { stdin: {} }',
  'x-auth: &approle',
  '  method: approle',
  '  role_id_file: /etc/expanso/role-id',
  'secret_providers:',
  '  corp_vault:',
  '    provider: hashicorp_vault',
  '    auth: *approle',
  'secrets:',
  '  KAFKA_PASSWORD: { from: corp_vault, field: password }',
  '  API_TOKEN:',
  '    from: corp_vault',
  '',
].join('\n')

describe('readJobspecBlocks', () => {
  it('keeps the line and column of every key, and follows an alias', () => {
    const r = readJobspecBlocks(JOBSPEC)
    if (!r.ok || !r.blocks) throw new Error('not read')
    expect(r.shape).toBe('jobspec')
    expect(r.blocks).toMatchObject({
      under: 'top',
      type: 'pipeline',
      providers: { key: 'secret_providers', at: { line: 8, column: 1 } },
    })
    const corp = fieldOf(r.blocks.providers?.value, 'corp_vault')
    expect(corp?.at).toEqual({ line: 9, column: 3 })
    const method = fieldOf(fieldOf(corp?.value, 'auth')?.value, 'method')
    expect(method?.value).toMatchObject({ kind: 'scalar', value: 'approle' })
    const flow = fieldOf(r.blocks.secrets?.value, 'KAFKA_PASSWORD')
    expect(fieldOf(flow?.value, 'field')?.at).toEqual({ line: 13, column: 39 })
  })

  it('finds the blocks under a top-level spec:', () => {
    const r = readJobspecBlocks(`spec:\n  type: pipeline\n  secrets:\n    A: { from: x }\n`)
    expect(r).toMatchObject({
      ok: true,
      blocks: { under: 'spec', type: 'pipeline', secrets: { at: { line: 3 } } },
    })
  })

  it('answers without blocks for a pipeline that has none, and with the position of a YAML error', () => {
    expect(readJobspecBlocks('input: { stdin: {} }\n')).toEqual({ ok: true, shape: 'bare' })
    expect(readJobspecBlocks('secrets: [\n')).toMatchObject({ ok: false, line: 2 })
  })

  it('refuses an alias bomb before walking it (the pipeline parser’s guard)', () => {
    // Nine levels of ten aliases each: a billion nodes once expanded.
    const names = 'abcdefghi'
    const level = (i: number) =>
      `${names[i]}: &${names[i]} [${Array(10)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(level),
      'secrets: *i',
    ].join('\n')
    expect(readJobspecBlocks(bomb)).toMatchObject({
      ok: false,
      message: expect.stringContaining('alias bomb'),
    })
  })
})

describe('declaredSecretNames', () => {
  it('lists the variables the agent supplies, for node.env-vars to leave alone', () => {
    expect(declaredSecretNames(JOBSPEC)).toEqual(['KAFKA_PASSWORD', 'API_TOKEN'])
    expect(declaredSecretNames('input: {}\n')).toEqual([])
    expect(declaredSecretNames('secrets: [A, B]\n')).toEqual([])
  })
})
