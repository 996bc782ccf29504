// Progress while the doctor runs, always on stderr. On a TTY: a live listr2 task list grouped by provider,
// with elapsed time on checks still running after 5 s. In CI or a pipe: one plain line per finished check —
// never spinner frames. listr2 is only a view of the runner's events; it schedules nothing.
import type { ChalkInstance } from 'chalk'
import type { ListrTask } from 'listr2'
import type { Check } from '../core/check.js'
import type { CheckResult } from '../core/report.js'
import { checkLine, paint } from './text.js'

export interface ProgressView {
  start(check: Check): void
  result(r: CheckResult): void
  /** Resolves when the view has drawn its last frame. */
  done(): Promise<void>
}

export type ProgressMode = 'live' | 'plain' | 'none'

export const SLOW_AFTER_MS = 5_000

export function progressMode(opts: { isTTY: boolean; ci: boolean; quiet?: boolean }): ProgressMode {
  if (opts.quiet) return 'none'
  return opts.isTTY && !opts.ci ? 'live' : 'plain'
}

export function plainProgress(write: (s: string) => void, color: ChalkInstance): ProgressView {
  return {
    start: () => {},
    result: (r) => {
      if (r.skipReason === 'filtered') return
      write(checkLine(r, color) + '\n')
    },
    done: async () => {},
  }
}

export async function liveProgress(
  checks: readonly Check[],
  stream: NodeJS.WriteStream,
  color: ChalkInstance,
  titleOf: (providerId: string) => string,
): Promise<ProgressView> {
  const { Listr, ProcessOutput } = await import('listr2')
  const pending = new Map<string, { resolve: (r: CheckResult) => void; promise: Promise<CheckResult> }>()
  const started = new Map<string, number>()
  for (const c of checks) {
    let resolve!: (r: CheckResult) => void
    const promise = new Promise<CheckResult>((r) => (resolve = r))
    pending.set(c.id, { resolve, promise })
  }
  const groups = new Map<string, Check[]>()
  for (const c of checks) groups.set(c.provider, [...(groups.get(c.provider) ?? []), c])

  const subtask = (check: Check): ListrTask => ({
    title: color.dim(check.id),
    task: async (_ctx, t) => {
      const entry = pending.get(check.id) as { promise: Promise<CheckResult> }
      const timer = setInterval(() => {
        const at = started.get(check.id)
        if (at === undefined) return
        const s = Math.round((Date.now() - at) / 1000)
        if (s * 1000 >= SLOW_AFTER_MS) t.title = `${check.id} ${color.dim(`(${s}s)`)}`
      }, 500)
      const r = await entry.promise.finally(() => clearInterval(timer))
      if (r.status === 'skip') {
        t.skip(`${check.id} ${color.dim(r.summary)}`)
        return
      }
      const took = r.durationMs >= 1000 ? color.dim(` (${(r.durationMs / 1000).toFixed(1)}s)`) : ''
      // listr2 draws ✔ / ✖ itself; a warning (which listr2 has no state for) says so in words.
      const label = r.status === 'warn' ? `${paint(color, 'warn', 'warning:')} ` : ''
      t.title = `${check.id} ${label}${r.status === 'pass' ? color.dim(r.summary) : r.summary}${took}`
      if (r.status === 'fail' || r.status === 'error') throw new Error(t.title)
    },
  })
  const list = new Listr(
    [...groups].map(([provider, group]): ListrTask => ({
      title: titleOf(provider),
      task: (_ctx, task) => task.newListr(group.map(subtask), { concurrent: true, exitOnError: false }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      rendererOptions: {
        collapseSubtasks: false,
        collapseSkips: false,
        showErrorMessage: false,
        formatOutput: 'truncate',
        processOutput: new ProcessOutput(stream, stream, { dump: [] }),
      },
    },
  )
  const running = list.run().catch(() => {})
  return {
    start: (check) => started.set(check.id, Date.now()),
    result: (r) => pending.get(r.id)?.resolve(r),
    done: () => running.then(() => {}),
  }
}
