// Colour follows --color/--no-color, then NO_COLOR / FORCE_COLOR, then whether the stream is a terminal.
import { Chalk, type ChalkInstance } from 'chalk'

export function makeColor(
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv,
  stream: { isTTY?: boolean },
): ChalkInstance {
  let level: 0 | 1 | 2 | 3
  if (flag === false) level = 0
  else if (flag === true) level = 1
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0
  else if (env.FORCE_COLOR !== undefined)
    level = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : 1
  else level = stream.isTTY && env.TERM !== 'dumb' ? 1 : 0
  return new Chalk({ level })
}
