import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { example } from '../../../../test/helpers/examples.js'
import {
  describeReference,
  extractReferences,
  OUTSIDE_VALUES,
  parsePipelineConfig,
  PipelineSyntaxError,
  referencedVars,
  type EnvReference,
} from './references.js'

const EXAMPLE = example('node/pipeline.yaml')

describe('extractReferences', () => {
  it('finds every env reference of the documentation example, and not the Bloblang interpolation', () => {
    const refs = extractReferences(readFileSync(EXAMPLE, 'utf8'), EXAMPLE)
    expect(refs.map((r) => r.name)).toEqual([
      'KAFKA_USERNAME',
      'KAFKA_PASSWORD',
      'NODE_NAME',
      'INGEST_TIMEOUT',
      'API_TOKEN',
    ])
    expect(refs).toContainEqual({
      name: 'KAFKA_USERNAME',
      line: 12,
      column: 15,
      path: 'config.input.kafka.sasl.user',
      form: 'interpolation',
    })
    expect(refs).toContainEqual({
      name: 'NODE_NAME',
      line: 18,
      column: 28,
      path: 'config.pipeline.processors[0].mapping',
      form: 'bloblang',
    })
    expect(refs.find((r) => r.name === 'INGEST_TIMEOUT')).toMatchObject({ default: '10s', line: 23 })
    expect(refs.find((r) => r.name === 'API_TOKEN')).toMatchObject({
      path: 'config.output.http_client.headers.Authorization',
      line: 25,
    })
    expect(refs.some((r) => r.name === 'sensor_id' || r.name.startsWith('!'))).toBe(false)
  })

  it('finds several references in one string, at any depth, with their own columns', () => {
    const text = ['a:', '  b:', '    - url: "${SCHEME:https}://${HOST}:${PORT}/x"', '      n: 3'].join('\n')
    const refs = extractReferences(text, 'p.yaml')
    expect(refs.map((r) => [r.name, r.default, r.line, r.column, r.path])).toEqual([
      ['SCHEME', 'https', 3, 13, 'a.b[0].url'],
      ['HOST', undefined, 3, 31, 'a.b[0].url'],
      ['PORT', undefined, 3, 39, 'a.b[0].url'],
    ])
  })

  it('leaves out escapes and Bloblang, but reads env() inside an interpolation and named arguments', () => {
    const text = [
      'a: "${{LITERAL}}"',
      'b: ${! meta("kafka_key") }',
      'c: ${! env("IN_INTERPOLATION") }',
      'd: \'root = env(name: "NAMED")\'',
      'e: ${EMPTY_DEFAULT:}',
      'f: ${NESTED:${INNER}}',
    ].join('\n')
    const refs = extractReferences(text, 'p.yaml')
    expect(refs.map((r) => [r.name, r.default])).toEqual([
      ['IN_INTERPOLATION', undefined],
      ['NAMED', undefined],
      ['EMPTY_DEFAULT', ''],
      ['NESTED', '${INNER}'],
    ])
  })

  it('points at the line inside a block scalar', () => {
    const text = ['m: |', '  root = this', '  root.x = env("X")', '  root.y = "${Y}"'].join('\n')
    expect(extractReferences(text, 'p.yaml').map((r) => [r.name, r.line])).toEqual([
      ['X', 3],
      ['Y', 4],
    ])
  })

  it('throws a PipelineSyntaxError with file:line:col on invalid YAML', () => {
    expect(() => extractReferences('input:\n  kafka: a: b\n', 'bad.yaml')).toThrow(PipelineSyntaxError)
    expect(() => extractReferences('input:\n  kafka: a: b\n', 'bad.yaml')).toThrow(/^bad\.yaml:2:\d+: /)
  })
})

describe('parsePipelineConfig', () => {
  it('tells a JobSpec from a bare config and from neither', () => {
    expect(parsePipelineConfig(readFileSync(EXAMPLE, 'utf8'))).toMatchObject({ ok: true, shape: 'jobspec' })
    expect(parsePipelineConfig('input:\n  stdin: {}\noutput:\n  stdout: {}\n')).toMatchObject({
      shape: 'bare',
    })
    expect(parsePipelineConfig('name: x\ntype: batch\nconfig: {}\n')).toMatchObject({
      shape: undefined,
      shapeProblem: 'its type is `batch`, not `pipeline`',
    })
    expect(parsePipelineConfig('')).toMatchObject({ shape: undefined, shapeProblem: 'the file is empty' })
    expect(parsePipelineConfig('inputs: []\n')).toMatchObject({ shape: undefined })
  })
})

describe('referencedVars', () => {
  it('requires a var when any reference lacks a default', () => {
    const refs = extractReferences('a: ${X:1}\nb: ${X}\nc: ${Y:2}\n', 'p.yaml')
    const vars = referencedVars(refs)
    expect(vars.map((v) => [v.name, v.count, v.required?.line])).toEqual([
      ['X', 2, 2],
      ['Y', 1, undefined],
    ])
  })
})

describe('references outside values', () => {
  it('counts a ${VAR} in a comment or key, as Bento substitutes the raw text before parsing', () => {
    const text = ['input:', '  # password: ${OLD_PASSWORD}', '  stdin: {}', '  x: ${A} # and ${B:1}'].join(
      '\n',
    )
    const refs = extractReferences(text, 'p.yaml')
    expect(refs.map((r) => [r.name, r.line, r.path])).toEqual([
      ['OLD_PASSWORD', 2, OUTSIDE_VALUES],
      ['A', 4, 'input.x'],
      ['B', 4, OUTSIDE_VALUES],
    ])
    expect(describeReference(refs[0] as EnvReference)).toBe(
      'a comment or key on line 2 (Bento substitutes it there too)',
    )
  })
})
