// Spreads a merge over the machine's cores: the main thread walks folders and reads stdin, worker threads
// read, parse and digest reports in batches they ask for (so a slow batch never idles the other worker),
// and their digests are merged at the end. Small inputs, and runs from TypeScript sources (the tests), are
// merged in-process: a worker costs more to start than a few reports cost to read.
import { createReadStream, existsSync, fstatSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import type { FleetMerger, MergerState } from './report-merge.js'
import { ReportReader } from './report-sources.js'
import type { WorkerTask } from './report-worker.js'

const BATCH = 64
/** Batches queued beyond what the workers have taken; stdin pauses past this, so memory stays bounded. */
const QUEUE_LIMIT = 16
/** Below this many files (and with no stdin), a worker would cost more than it saves. */
const IN_PROCESS_BELOW = 200
/** Workers pay off from this many cores up. */
const MIN_CORES = 4
const WORKER_URL = new URL('./report-worker.js', import.meta.url)

export type SourceKind = 'stdin' | 'folder' | 'file'

export interface MergeInputs {
  readonly paths: readonly string[]
  readonly kinds: readonly SourceKind[]
  readonly cwd: string
  readonly stdin: NodeJS.ReadableStream
  /** Worker threads to use; 0 merges in-process. Default: the cores, up to 4, when the input is large. */
  readonly workers?: number
}

class Pool {
  private readonly queue: WorkerTask[] = []
  private readonly idle: Worker[] = []
  private readonly drainWaiters: (() => void)[] = []
  private readonly states: MergerState[] = []
  private failure: Error | undefined

  constructor(private readonly workers: Worker[]) {}

  static async start(n: number, cwd: string): Promise<Pool> {
    const { Worker } = await import('node:worker_threads')
    const workers = Array.from(
      { length: n },
      // A young generation larger than the default: a merge allocates many short-lived objects.
      () => new Worker(WORKER_URL, { workerData: { cwd }, resourceLimits: { maxYoungGenerationSizeMb: 48 } }),
    )
    const pool = new Pool(workers)
    for (const w of workers) {
      w.on('message', (m: { ready?: true; state?: MergerState }) => {
        if (m.state) {
          pool.states.push(m.state)
          pool.wake()
        } else pool.ready(w)
      })
      w.on('error', (e) => {
        pool.failure ??= e
        pool.wake()
      })
    }
    return pool
  }

  private ready(w: Worker) {
    const task = this.queue.shift()
    if (task) w.postMessage(task)
    else this.idle.push(w)
    this.wake()
  }

  private wake() {
    for (const f of this.drainWaiters.splice(0)) f()
  }

  push(task: WorkerTask) {
    const w = this.idle.shift()
    if (w) w.postMessage(task)
    else this.queue.push(task)
  }

  /** Resolves once the queue is short enough to add more (back-pressure for stdin). */
  async room(): Promise<void> {
    while (this.queue.length >= QUEUE_LIMIT && !this.failure)
      await new Promise<void>((r) => this.drainWaiters.push(r))
    if (this.failure) throw this.failure
  }

  /** Waits for every batch, then collects each worker's state. */
  async finish(): Promise<MergerState[]> {
    while ((this.queue.length || this.idle.length < this.workers.length) && !this.failure)
      await new Promise<void>((r) => this.drainWaiters.push(r))
    if (this.failure) throw this.failure
    for (const w of this.workers) w.postMessage({ finish: true })
    while (this.states.length < this.workers.length && !this.failure)
      await new Promise<void>((r) => this.drainWaiters.push(r))
    if (this.failure) throw this.failure
    await Promise.all(this.workers.map((w) => w.terminate()))
    return this.states
  }

  async abort() {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}

function workerCount(inputs: MergeInputs, files: number): number {
  if (inputs.workers !== undefined) return inputs.workers
  // For benchmarks and support: EDGE_SECRETS_MERGE_WORKERS=0 merges in-process, N uses N workers.
  const forced = process.env.EDGE_SECRETS_MERGE_WORKERS
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 16)
  // Compiled code only: the tests run TypeScript sources, where there is no worker script to start.
  if (!fileURLToPath(WORKER_URL).endsWith('.js') || !existsSync(fileURLToPath(WORKER_URL))) return 0
  // Parsing shares the machine with the main thread, which reads and merges: on two cores the workers'
  // start-up and hand-over cost what the parallel parsing saves (measured with scripts/bench-merge.mjs).
  const cores = availableParallelism()
  if (cores < MIN_CORES || files < IN_PROCESS_BELOW) return 0
  return Math.min(4, cores - 1)
}

/**
 * Stdin redirected from a file is read in large chunks (fewer system calls for hundreds of megabytes); a
 * pipe or a terminal is read as Node reads it (non-blocking).
 */
function stdinStream(stdin: NodeJS.ReadableStream): NodeJS.ReadableStream {
  if (stdin !== process.stdin) return stdin
  try {
    if (!fstatSync(0).isFile()) return stdin
  } catch {
    return stdin
  }
  return createReadStream('', { fd: 0, highWaterMark: 1 << 20, autoClose: false })
}

/** Reads every input into `merger`. */
export async function mergeInputs(merger: FleetMerger, inputs: MergeInputs): Promise<void> {
  merger.sources = inputs.paths.length
  const reader = new ReportReader(
    { report: (r, s) => merger.add(r, s), skip: (s, why) => merger.skip(s, why) },
    inputs.cwd,
  )
  // The main thread's own part: listing folders (its skips land in `merger`) and stdin's lines.
  const files: string[] = []
  inputs.paths.forEach((p, i) => {
    if (inputs.kinds[i] === 'folder') reader.listFolder(resolve(inputs.cwd, p), files)
    else if (inputs.kinds[i] === 'file') files.push(resolve(inputs.cwd, p))
  })
  const n = workerCount(inputs, files.length)
  if (n === 0) {
    for (const f of files) await reader.file(f)
    if (inputs.kinds.includes('stdin')) await reader.lines(stdinStream(inputs.stdin), 'stdin')
    return
  }
  const pool = await Pool.start(n, inputs.cwd)
  try {
    for (let i = 0; i < files.length; i += BATCH) pool.push({ files: files.slice(i, i + BATCH) })
    if (inputs.kinds.includes('stdin')) await readStdin(stdinStream(inputs.stdin), pool, merger)
    for (const state of await pool.finish()) merger.importState(state)
  } catch (e) {
    await pool.abort()
    throw e
  }
}

async function readStdin(stdin: NodeJS.ReadableStream, pool: Pool, merger: FleetMerger): Promise<void> {
  const { LineDocuments, splitLines } = await import('./report-sources.js')
  let batch: [string, string][] = []
  const docs = new LineDocuments(
    'stdin',
    (text, where) => batch.push([text, where]),
    (where, why) => merger.skip(where, why),
  )
  let n = 0
  for await (const line of splitLines(stdin)) {
    docs.line(line, ++n)
    if (batch.length >= BATCH) {
      pool.push({ docs: batch })
      batch = []
      await pool.room()
    }
  }
  docs.end()
  if (batch.length) pool.push({ docs: batch })
}
