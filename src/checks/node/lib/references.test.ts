import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { randomTexts } from '../../../../test/fixtures/node/random-text.js'
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

describe('escaped literals', () => {
  it('takes `$${VAR}` for the literal text `${VAR}` and `$$${VAR}` for a `$` then a reference', () => {
    const text = [
      'a: "$${LITERAL} and $$${REAL}"',
      '# in a comment too: $${COMMENT_LITERAL} $$${COMMENT_REAL}',
      'b: ${{ALSO_LITERAL}}',
    ].join('\n')
    expect(extractReferences(text, 'p.yaml').map((r) => [r.name, r.line, r.column, r.path])).toEqual([
      ['REAL', 1, 23, 'a'],
      ['COMMENT_REAL', 2, 43, OUTSIDE_VALUES],
    ])
  })
})

describe('hostile pipeline files', () => {
  it('reads several documents: counts them, says where the second starts, and keeps their references', () => {
    const parsed = parsePipelineConfig(
      'input:\n  stdin: {}\n---\noutput:\n  x: ${B}\n---\n# only a comment\n',
    )
    expect(parsed).toMatchObject({ ok: true, shape: 'bare', documents: 2, secondDocumentLine: 3 })
    expect(parsed.ok && parsed.references.map((r) => [r.name, r.path])).toEqual([
      ['B', 'document 2, output.x'],
    ])
    expect(parsePipelineConfig('input:\n  stdin: {}\n---\n')).toMatchObject({ documents: 1 })
    expect(parsePipelineConfig('input:\n  stdin: {}\n')).not.toHaveProperty('secondDocumentLine')
  })

  it('refuses an alias bomb and an alias without anchor, and accepts an anchor used often', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (const c of 'bcdefghij')
      bomb.push(
        `${c}: &${c} [${Array(9)
          .fill(`*${String.fromCharCode(c.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      )
    expect(parsePipelineConfig(bomb.join('\n'))).toMatchObject({ ok: false, line: 2, column: 8 })
    expect(parsePipelineConfig('input:\n  x: *nope\n')).toMatchObject({
      ok: false,
      message: 'Unresolved alias (the anchor must be set before the alias): nope',
      line: 2,
    })
    const reused = ['input:', '  a: &t 10s', ...Array.from({ length: 300 }, (_, i) => `  k${i}: *t`)].join(
      '\n',
    )
    expect(parsePipelineConfig(reused)).toMatchObject({ ok: true, shape: 'bare' })
  })

  it('refuses nesting too deep for the parser before parsing, and counts only real brackets', () => {
    const t0 = performance.now()
    expect(parsePipelineConfig(`a: ${'['.repeat(2_000_000)}`)).toMatchObject({
      ok: false,
      message: 'it nests more than 256 brackets deep: not parsed',
      line: 1,
      column: 260,
    })
    expect(performance.now() - t0).toBeLessThan(5000)
    const indented = Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')
    expect(parsePipelineConfig(indented)).toMatchObject({ ok: false, line: 514 })
    expect(parsePipelineConfig(`a:\n${'- '.repeat(400)}x\n`)).toMatchObject({
      ok: false,
      message: 'it nests more than 512 columns deep: not parsed',
    })
    const brackets = '['.repeat(1000)
    const harmless = [
      `a: "${brackets}"`,
      `b: '${brackets}'`,
      `# ${brackets}`,
      'c: |',
      `  ${brackets}`,
      `d: x${brackets}`,
    ].join('\n')
    expect(parsePipelineConfig(harmless)).toMatchObject({ ok: true })
  })

  it('refuses a key defined twice in one mapping, as YAML loaders do', () => {
    expect(parsePipelineConfig('input:\n  a: 1\n  b: 2\n  a: 3\n')).toMatchObject({
      ok: false,
      message: 'mapping key "a" is defined more than once',
      line: 4,
      column: 3,
    })
    expect(parsePipelineConfig('input:\n  a: {x: 1}\noutput:\n  a: {x: 2}\n')).toMatchObject({ ok: true })
  })

  it('parses a large file in linear time (the library unique-key test alone is quadratic)', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: "\${V${i % 100}}"`)
    const t0 = performance.now()
    const parsed = parsePipelineConfig(['input:', ...keys].join('\n'))
    expect(parsed.ok && parsed.references.length).toBe(30_000)
    // Quadratic, this takes minutes; linear, a second or two even on a loaded machine.
    expect(performance.now() - t0).toBeLessThan(20_000)
  })

  it('answers any text with a result, never an exception (seeded random YAML-ish input)', () => {
    const pieces = [
      'a',
      ': ',
      '- ',
      '[',
      ']',
      '{',
      '}',
      ', ',
      '\n',
      '  ',
      '"',
      "'",
      '#',
      '&x ',
      '*x',
      '---\n',
      '|',
      '>',
      '${A}',
      '$${B}',
      '${C:${D}}',
      '${! x }',
      'env("E")',
      '!!str ',
      '? ',
      '%YAML 1.2\n',
      '\t',
      '\\',
      '…',
      '\u0000',
    ]
    for (const text of randomTexts(pieces, 3000, 40, 0x5eed)) {
      const parsed = parsePipelineConfig(text)
      expect(typeof parsed.ok).toBe('boolean')
      if (!parsed.ok) expect(parsed.line).toBeGreaterThanOrEqual(1)
    }
  })
})
