import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/cli.js'
import { EXAMPLES_DIR } from './helpers/examples.js'

const SHARED = join(ROOT, '../shared/examples')
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
  )

describe.runIf(existsSync(SHARED))("the repo's copy of the documentation's examples", () => {
  it('matches ../shared/examples file for file', () => {
    const theirs = walk(SHARED)
      .map((f) => relative(SHARED, f))
      .sort()
    const ours = walk(EXAMPLES_DIR)
      .map((f) => relative(EXAMPLES_DIR, f))
      .sort()
    expect(ours).toEqual(theirs)
    for (const f of theirs)
      expect(readFileSync(join(EXAMPLES_DIR, f), 'utf8'), f).toBe(readFileSync(join(SHARED, f), 'utf8'))
  })
})
