// Regenerates docs/checks.md from the built registry (npm run docs). test/registry.test.ts fails on drift.
import { writeFileSync } from 'node:fs'
import { checks } from '../dist/checks/index.js'
import { catalogMarkdown } from '../dist/render/catalog.js'

writeFileSync(new URL('../docs/checks.md', import.meta.url), catalogMarkdown(checks))
console.log(`docs/checks.md: ${checks.length} checks`)
