// A merge worker: reads and digests its share of the fleet's reports (report-workers.ts hands out files and
// documents in batches) into a merger of its own, and hands that merger's state back at the end. Parsing
// JSON is most of a merge's work; two cores parse twice as many reports.
import { parentPort, workerData } from 'node:worker_threads'
import { FleetMerger } from './report-merge.js'
import { ReportReader } from './report-sources.js'

export type WorkerTask =
  | { readonly files: readonly string[] }
  | { readonly docs: readonly (readonly [string, string])[] }
  | { readonly finish: true }

const port = parentPort
if (port) {
  const merger = new FleetMerger()
  const reader = new ReportReader(
    { report: (r, s) => merger.add(r, s), skip: (s, why) => merger.skip(s, why) },
    (workerData as { cwd: string }).cwd,
  )
  port.on('message', async (task: WorkerTask) => {
    if ('files' in task) for (const f of task.files) await reader.file(f)
    else if ('docs' in task) for (const [text, where] of task.docs) reader.text(text, where)
    else {
      port.postMessage({ state: merger.exportState() })
      return
    }
    port.postMessage({ ready: true })
  })
  port.postMessage({ ready: true })
}
