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

/** A finished check's line in the live view: our own symbol (listr2 draws ✖ for failures, ↓ for skips). */
export function finishedTitle(r: CheckResult, color: ChalkInstance): string {
  const took = r.durationMs >= 1000 ? color.dim(` (${(r.durationMs / 1000).toFixed(1)}s)`) : ''
  switch (r.status) {
    case 'pass':
      return `${paint(color, 'pass', '✔')} ${r.id} ${color.dim(r.summary)}${took}`
    case 'warn':
      return `${paint(color, 'warn', '⚠')} ${r.id} ${paint(color, 'warn', 'warning:')} ${r.summary}${took}`
    default:
      // listr2 draws ✖ before a failed task; `could not finish` says an error apart from a failure.
      return `${r.id} ${paint(color, r.status, r.summary)}${took}`
  }
}

/** A provider's heading once its checks are done; undefined when listr2's own ✖ says it (a failure). */
export function groupTitle(
  title: string,
  results: readonly CheckResult[],
  color: ChalkInstance,
): string | undefined {
  if (results.some((r) => r.status === 'fail' || r.status === 'error')) return undefined
  if (results.some((r) => r.status === 'warn')) return `${paint(color, 'warn', '⚠')} ${title}`
  if (results.every((r) => r.status === 'skip')) return `${color.dim('↓')} ${title}`
  return `${paint(color, 'pass', '✔')} ${title}`
}

/** Seconds a running check has taken, counted from its own start (after its needs and a free slot). */
export function runningSeconds(startedAt: number | undefined, now: number): number | undefined {
  if (startedAt === undefined) return undefined
  const s = Math.floor((now - startedAt) / 1000)
  return s * 1000 >= SLOW_AFTER_MS ? s : undefined
}

export async function liveProgress(
  checks: readonly Check[],
  stream: NodeJS.WriteStream,
  color: ChalkInstance,
  titleOf: (providerId: string) => string,
): Promise<ProgressView> {
  const listr2 = await import('listr2')
  const { Listr, ProcessOutput, ListrLogger, DefaultRenderer, ListrDefaultRendererLogLevels: Level } = listr2
  // listr2 falls back to its line renderer on process.stdout when stdout is not a terminal (`--format json >
  // report.json`), which would write the progress into the document: this renderer draws on `stream` always.
  class StreamRenderer extends DefaultRenderer {
    static override nonTTY = true
  }
  const pending = new Map<string, { resolve: (r: CheckResult) => void; promise: Promise<CheckResult> }>()
  const started = new Map<string, number>()
  for (const c of checks) {
    let resolve!: (r: CheckResult) => void
    const promise = new Promise<CheckResult>((r) => (resolve = r))
    pending.set(c.id, { resolve, promise })
  }
  const groups = new Map<string, Check[]>()
  for (const c of checks) groups.set(c.provider, [...(groups.get(c.provider) ?? []), c])
  const resultOf = (id: string) => (pending.get(id) as { promise: Promise<CheckResult> }).promise

  const subtask = (check: Check): ListrTask => ({
    title: color.dim(check.id),
    task: async (_ctx, t) => {
      const timer = setInterval(() => {
        const s = runningSeconds(started.get(check.id), Date.now())
        if (s !== undefined) t.title = `${check.id} ${color.dim(`(${s}s)`)}`
      }, 500)
      const r = await resultOf(check.id).finally(() => clearInterval(timer))
      if (r.status === 'skip') return void t.skip(`${check.id} ${color.dim(r.summary)}`)
      t.title = finishedTitle(r, color)
      if (r.status === 'fail' || r.status === 'error') throw new Error(t.title)
    },
  })
  const list = new Listr(
    [...groups].map(([provider, group]): ListrTask => ({
      title: titleOf(provider),
      task: (_ctx, task) => {
        void Promise.all(group.map((c) => resultOf(c.id))).then((results) => {
          const title = groupTitle(titleOf(provider), results, color)
          if (title) task.title = title
        })
        return task.newListr(group.map(subtask), { concurrent: true, exitOnError: false })
      },
    })),
    {
      renderer: StreamRenderer,
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      rendererOptions: {
        collapseSubtasks: false,
        // A skip is shown once, as a skip: ↓ and its reason (not ⚠ and then ↓).
        collapseSkips: true,
        showErrorMessage: false,
        formatOutput: 'truncate',
        logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream, { dump: [] }) }),
        // Passing and warning checks and groups carry our own ✔/⚠ in their titles; a group with a failed
        // check is ✖, not listr2's ⚠ ("completed with failed subtasks").
        icon: { [Level.COMPLETED]: '', [Level.COMPLETED_WITH_FAILED_SUBTASKS]: '✖' },
        color: { [Level.COMPLETED_WITH_FAILED_SUBTASKS]: (s?: string) => color.red(s ?? '') },
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
