#!/usr/bin/env node
// The launcher. `--version` is answered here, before the CLI loads: it is what scripts and people run to
// see whether the tool is there at all, and it should cost no more than starting Node.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`edge-secrets/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const { main } = await import('../dist/cli.js')
  await main(import.meta.url)
}
// SDK keep-alive sockets and timers must not hold a finished run open; but a pipe may still hold a large
// report (pipes are asynchronous once their buffer is full), so exit only once both streams have drained.
const drained = (stream) => new Promise((resolve) => stream.write('', resolve))
await Promise.all([drained(process.stdout), drained(process.stderr)])
process.exit(process.exitCode ?? 0)
