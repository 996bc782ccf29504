// Validates a JSON report against the schema that ships with the package, plus the rules a JSON Schema
// cannot say (counts add up, the exit code follows from them). Ajv is loaded on first use only: a plain
// `doctor` run never pays for it.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { exitCodeFor, type FailOn, type Summary } from '../../src/core/report.js'

/** The package root is two levels up from both src/render (vitest) and dist/render (built). */
export const REPORT_SCHEMA_PATH = fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url))

let compiled: Promise<ValidateFunction> | undefined

async function compile(): Promise<ValidateFunction> {
  const [ajvModule, formatsModule, text] = await Promise.all([
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
    readFile(REPORT_SCHEMA_PATH, 'utf8'),
  ])
  // Both are CommonJS: under Node's ESM interop the class/plugin sits on `.default` of module.exports.
  const Ajv2020 = ajvModule.default.default
  const addFormats = formatsModule.default.default
  // strictRequired would reject the idiomatic if/then `required` on properties declared one level up.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
  addFormats(ajv)
  return ajv.compile(JSON.parse(text) as object)
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/'
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'additionalProperties')
    return `${where}: unknown property "${String(params.additionalProperty)}"`
  if (e.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')
    return `${where}: ${e.message ?? 'invalid'} (${allowed})`
  }
  if (e.keyword === 'const') return `${where}: must be ${JSON.stringify(params.allowedValue)}`
  return `${where}: ${e.message ?? e.keyword}`
}

const STATUS_KEYS = ['pass', 'warn', 'fail', 'error', 'skip'] as const

// What the schema cannot express; only run once the shape is known to be right.
function consistency(report: {
  summary: Summary
  failOn: FailOn
  exitCode: number
  checks: { status: (typeof STATUS_KEYS)[number] }[]
}): string[] {
  const errors: string[] = []
  const counted = { total: report.checks.length, pass: 0, warn: 0, fail: 0, error: 0, skip: 0 }
  for (const c of report.checks) counted[c.status]++
  for (const k of ['total', ...STATUS_KEYS] as const) {
    if (report.summary[k] !== counted[k])
      errors.push(`/summary/${k}: says ${report.summary[k]} but the checks hold ${counted[k]}`)
  }
  const expected = exitCodeFor(counted, report.failOn)
  if (report.exitCode !== expected)
    errors.push(
      `/exitCode: ${report.exitCode} does not follow from the checks with failOn ${report.failOn} (${expected})`,
    )
  return errors
}

/** Errors in a parsed JSON report, one line each (JSON pointer first); an empty list means it is valid. */
export async function validateReport(obj: unknown): Promise<string[]> {
  compiled ??= compile().catch((e: unknown) => {
    compiled = undefined
    throw e
  })
  const validate = await compiled
  if (!validate(obj)) {
    // An if/then failure only wraps the specific errors reported next to it.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if')
    return [...new Set(errors.map(describe))]
  }
  return consistency(obj as Parameters<typeof consistency>[0])
}
