#!/usr/bin/env node
// Development launcher: same as run.js; the project is built with `npm run build` first.
import { execute } from '@oclif/core'

await execute({ development: true, dir: import.meta.url })
