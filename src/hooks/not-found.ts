// A mistyped command (`edge-secrets doctr`): say so in one line with the nearest commands, and end with the
// usage-error exit code (2), on a terminal as in a pipe. Never a prompt: the doctor runs in CI and scripts,
// where a question waits forever (oclif's own not-found plugin asks on a terminal and exits 127).
import type { Hook } from '@oclif/core'
import { didYouMean } from '../core/suggest.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const sep = opts.config.topicSeparator ?? ' '
  const shown = opts.id.split(':').join(sep)
  const ids = [...new Set(opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]))]
  const names = ids.map((id) => id.split(':').join(sep))
  process.stderr.write(
    `edge-secrets: "${shown}" is not an edge-secrets command${didYouMean(shown, names)} (edge-secrets --help lists them)\n`,
  )
  this.exit(2)
}

export default hook
