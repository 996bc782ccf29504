// The documentation's examples (../shared/examples), kept in the repo so the baseline tests never depend on
// where the checkout sits; test/examples-copy.test.ts proves the copy matches the shared originals.
import { join } from 'node:path'
import { ROOT } from './cli.js'

export const EXAMPLES_DIR = join(ROOT, 'test/fixtures/doc-examples')
export const example = (rel: string) => join(EXAMPLES_DIR, rel)
