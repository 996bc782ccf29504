// Regenerates what is derived from the registry into static files (npm run docs):
// - docs/checks.md from the checks and remedies;
// - the report schema's provider enum from the provider registry.
// test/registry.test.ts and test/report-schema.test.ts fail when either drifts.
import { readFileSync, writeFileSync } from 'node:fs'
import { catalogMarkdown, checks, providerIds, titleOf } from '../build/tools.js'

writeFileSync(new URL('../docs/checks.md', import.meta.url), catalogMarkdown(checks, titleOf))
console.log(`docs/checks.md: ${checks.length} checks`)

const schemaUrl = new URL('../schema/report.schema.json', import.meta.url)
const schema = readFileSync(schemaUrl, 'utf8')
const enumLine = `"provider": { "enum": [${providerIds.map((id) => JSON.stringify(id)).join(', ')}] }`
const updated = schema.replace(/"provider": \{ "enum": \[[^\]]*\] \}/, enumLine)
if (updated === schema && !schema.includes(enumLine)) throw new Error('schema: provider enum not found')
writeFileSync(schemaUrl, updated)
console.log(`schema/report.schema.json: provider enum ${providerIds.join(', ')}`)
