#!/usr/bin/env node
import { execute } from '@oclif/core'

await execute({ dir: import.meta.url })
// SDK keep-alive sockets and timers must not hold a finished run open; but a pipe may still hold a large
// report (pipes are asynchronous once their buffer is full), so exit only once both streams have drained.
const drained = (stream) => new Promise((resolve) => stream.write('', resolve))
await Promise.all([drained(process.stdout), drained(process.stderr)])
process.exit(process.exitCode ?? 0)
