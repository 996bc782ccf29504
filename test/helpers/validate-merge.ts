// Validates a `report merge --format json` document against the schema that ships with the package.
import { readFile } from 'node:fs/promises'
import type { ValidateFunction } from 'ajv'

let compiled: Promise<ValidateFunction> | undefined

async function compile(): Promise<ValidateFunction> {
  const [ajvModule, formatsModule, text] = await Promise.all([
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
    readFile(new URL('../../schema/merge.schema.json', import.meta.url), 'utf8'),
  ])
  const Ajv2020 = ajvModule.default.default
  const addFormats = formatsModule.default.default
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
  addFormats(ajv)
  return ajv.compile(JSON.parse(text) as object)
}

/** Errors in a parsed merge document, one line each; empty when valid. */
export async function validateMerge(doc: unknown): Promise<string[]> {
  compiled ??= compile()
  const validate = await compiled
  return validate(doc)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`)
}
