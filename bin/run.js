#!/usr/bin/env node
import { execute } from '@oclif/core'

await execute({ dir: import.meta.url })
// SDK keep-alive sockets and timers must not hold a finished run open (stdout/stderr are synchronous for
// files and pipes on Linux, so nothing written is lost).
process.exit(process.exitCode ?? 0)
