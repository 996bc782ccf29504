// Where fleet reports come from, read one at a time: files (one report, JSON lines, or several documents
// one after another), folders (walked), support bundles (.tar.gz, their report.json), stdin as `kubectl
// logs` prints it (JSON lines, with `--prefix` and `--timestamps` tolerated, stderr lines between), and the
// JSON `bacalhau job describe`/`job executions` print (each execution's stdout). Whatever is not a report is
// counted and named, and the merge goes on.
import {
  type Dirent,
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
} from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { oneLine } from '../core/text.js'
import { redact } from '../core/redact.js'
import type { Report } from '../core/report.js'
import { readBundleEntry } from './bundle-tar.js'
import { REPORT_CAP, reportProblem } from './report-load.js'
import { UsageError } from './usage-error.js'

export interface ReportSink {
  report(report: Report, source: string): void
  skip(source: string, reason: string): void
}

/** Files a folder walk reads: reports, JSON lines, bundles, and Bacalhau's downloaded `stdout`. */
const IN_FOLDERS = /(\.json|\.jsonl|\.ndjson|\.tar\.gz|\.tgz)$|(^|\/)stdout$/i
/** Whole-file reads up to this size; larger files are streamed line by line. */
const WHOLE_FILE = 16 << 20
// `kubectl logs --prefix` → `[pod/name/container] `; `--timestamps` → an RFC 3339 time and a space.
const KUBECTL_PREFIX = /^\[[^\]\s]*\] /
const TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A Bacalhau execution as `job describe --output json` and `job executions --output json` print it. */
function executionsOf(v: unknown): Obj[] | undefined {
  const items = (x: unknown) => (Array.isArray(x) && x.every(isObj) ? (x as Obj[]) : undefined)
  if (Array.isArray(v) && v.length > 0 && v.every((e) => isObj(e) && isObj(e.RunOutput))) return v as Obj[]
  if (!isObj(v)) return undefined
  if (isObj(v.Executions)) return items(v.Executions.Items) ?? items(v.Executions.Executions)
  if (Array.isArray(v.Items) && v.Items.every((e) => isObj(e) && 'RunOutput' in e)) return v.Items as Obj[]
  return undefined
}

/** Depth of unclosed braces and brackets after a chunk of JSON text (strings and escapes honoured). */
export function jsonDepth(text: string, state = { depth: 0, inString: false, escaped: false }) {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (state.inString) {
      if (state.escaped) state.escaped = false
      else if (ch === 92) state.escaped = true
      else if (ch === 34) state.inString = false
    } else if (ch === 34) state.inString = true
    else if (ch === 123 || ch === 91) state.depth++
    else if (ch === 125 || ch === 93) state.depth--
  }
  return state
}

/**
 * Turns lines into JSON documents: one per line (JSON lines: a line that opens and closes like a document is
 * taken as one, unscanned), or a pretty document spread over lines (scanned for its end). Lines that are
 * neither (a stderr line in `kubectl logs`) are counted per stream and reported once.
 */
export class LineDocuments {
  private buffer: string[] = []
  private size = 0
  private startLine = 0
  private state = { depth: 0, inString: false, escaped: false }
  private noise = 0
  private firstNoise: { line: number; text: string } | undefined

  constructor(
    private readonly source: string,
    private readonly onDocument: (text: string, where: string) => void,
    private readonly onSkip: (where: string, reason: string) => void,
  ) {}

  line(raw: string, n: number): void {
    // Offsets rather than copies: a report line is tens of kilobytes, and there may be thousands.
    let start = 0
    if (raw.charCodeAt(0) === 91) start = KUBECTL_PREFIX.exec(raw.slice(0, 512))?.[0].length ?? 0
    const c = raw.charCodeAt(start)
    if (c >= 48 && c <= 57) start += TIMESTAMP_PREFIX.exec(raw.slice(start, start + 64))?.[0].length ?? 0
    if (this.buffer.length) return this.continueDocument(start ? raw.slice(start) : raw)
    let end = raw.length - 1
    while (start <= end && isSpace(raw.charCodeAt(start))) start++
    while (end >= start && isSpace(raw.charCodeAt(end))) end--
    if (start > end) return
    const first = raw.charCodeAt(start)
    if (first !== 123 && first !== 91) {
      this.noise++
      this.firstNoise ??= { line: n, text: raw.slice(start, Math.min(end + 1, start + 200)) }
      return
    }
    const text = start === 0 && end === raw.length - 1 ? raw : raw.slice(start, end + 1)
    const last = raw.charCodeAt(end)
    if (end > start && (last === 125 || last === 93)) return this.onDocument(text, `${this.source}:${n}`)
    this.startLine = n
    this.state = { depth: 0, inString: false, escaped: false }
    this.continueDocument(text)
  }

  private continueDocument(text: string): void {
    this.buffer.push(text)
    this.size += text.length + 1
    jsonDepth(text, this.state)
    if (this.size > REPORT_CAP) {
      this.onSkip(`${this.source}:${this.startLine}`, `a document over ${REPORT_CAP} bytes: not read`)
      this.reset()
    } else if (this.state.depth <= 0) {
      this.onDocument(this.buffer.join('\n'), `${this.source}:${this.startLine}`)
      this.reset()
    }
  }

  private reset() {
    this.buffer = []
    this.size = 0
  }

  end(): void {
    if (this.buffer.length)
      this.onSkip(`${this.source}:${this.startLine}`, 'a JSON document that never ends (truncated)')
    this.reset()
    if (this.noise)
      this.onSkip(
        this.noise === 1 && this.firstNoise ? `${this.source}:${this.firstNoise.line}` : this.source,
        `${this.noise} line${this.noise === 1 ? '' : 's'} that ${this.noise === 1 ? 'is' : 'are'} not JSON (first, line ${this.firstNoise?.line}: ${oneLine(redact(this.firstNoise?.text ?? ''), 80)})`,
      )
  }
}

/**
 * Lines of a byte stream, split on the bytes (a newline byte is never inside a UTF-8 sequence) and decoded
 * once each: cheaper than readline for the long lines of JSON reports.
 */
export async function* splitLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest: Buffer | undefined
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    const data = rest ? Buffer.concat([rest, buf]) : buf
    let start = 0
    let nl: number
    while ((nl = data.indexOf(10, start)) !== -1) {
      yield data.toString('utf8', start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl)
      start = nl + 1
    }
    rest = start < data.length ? data.subarray(start) : undefined
    if (rest && rest.length > REPORT_CAP) {
      // A line this long is no report: keep its start (for the error) and drop the rest of it.
      yield rest.toString('utf8', 0, 1024)
      rest = undefined
    }
  }
  if (rest?.length) yield rest.toString('utf8')
}

export class ReportReader {
  private buffer = Buffer.allocUnsafe(1 << 20)

  constructor(
    private readonly sink: ReportSink,
    private readonly cwd: string,
  ) {}

  private shown(path: string): string {
    const r = relative(this.cwd, path)
    return r && !r.startsWith('..') ? r : path
  }

  /** A parsed JSON value from `source`: a report, a list of them, Bacalhau executions, or foreign. */
  value(v: unknown, source: string): void {
    const executions = executionsOf(v)
    if (executions) {
      for (const e of executions) this.execution(e, source)
      return
    }
    if (Array.isArray(v) && v.length > 0 && v.every(isObj)) {
      v.forEach((x, i) => this.value(x, `${source}[${i}]`))
      return
    }
    const problem = reportProblem(v)
    if (problem) this.sink.skip(source, problem)
    else this.sink.report(v as Report, source)
  }

  private execution(e: Obj, source: string): void {
    const out = isObj(e.RunOutput) ? e.RunOutput : {}
    const where = `${source} (execution ${typeof e.ID === 'string' ? e.ID : '?'}${typeof e.NodeID === 'string' ? ` on ${e.NodeID}` : ''})`
    const stdout = typeof out.stdout === 'string' ? out.stdout : ''
    let found = 0
    const docs = new LineDocuments(
      where,
      (t, at) => {
        found++
        this.text(t, at)
      },
      () => {},
    )
    stdout.split('\n').forEach((l, i) => docs.line(l, i + 1))
    docs.end()
    if (found === 0)
      this.sink.skip(
        where,
        out.stdouttruncated === true
          ? 'Bacalhau truncated this execution’s stdout: download the results with `bacalhau job get` and merge the folder'
          : 'no report in this execution’s stdout',
      )
  }

  /** One JSON document's text. */
  text(text: string, source: string): void {
    let v: unknown
    try {
      v = JSON.parse(text)
    } catch (e) {
      this.sink.skip(source, `not JSON (${oneLine((e as Error).message, 120)})`)
      return
    }
    this.value(v, source)
  }

  documents(source: string): LineDocuments {
    return new LineDocuments(
      source,
      (t, at) => this.text(t, at),
      (at, why) => this.sink.skip(at, why),
    )
  }

  /** Lines from a stream: stdin, or a file too large to read whole. */
  async lines(input: NodeJS.ReadableStream, source: string): Promise<void> {
    const docs = this.documents(source)
    let n = 0
    for await (const line of splitLines(input)) docs.line(line, ++n)
    docs.end()
  }

  /**
   * A file's bytes, read the fast way: open (non-blocking, so a FIFO cannot hang the merge), fstat, one read
   * into a buffer reused for every file. Thousands of small reports read this way cost a fraction of what
   * a fresh buffer per file does.
   */
  private readSmall(path: string): Buffer | { large: true } | { problem: string } {
    let fd: number | undefined
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
      const st = fstatSync(fd)
      if (!st.isFile()) return { problem: 'not a regular file' }
      if (st.size > WHOLE_FILE) return { large: true }
      if (st.size > this.buffer.length) this.buffer = Buffer.allocUnsafe(st.size)
      let n = 0
      while (n < st.size) {
        const got = readSync(fd, this.buffer, n, st.size - n, n)
        if (got === 0) break
        n += got
      }
      return this.buffer.subarray(0, n)
    } catch (e) {
      return { problem: `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
  }

  async file(path: string): Promise<void> {
    const source = this.shown(path)
    const bytes = this.readSmall(path)
    if ('problem' in bytes) return this.sink.skip(source, bytes.problem)
    if (Buffer.isBuffer(bytes)) {
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) return this.bundle(Buffer.from(bytes), source)
      return this.whole(bytes.toString('utf8'), source)
    }
    const head = Buffer.alloc(2)
    const fh = await open(path, 'r')
    try {
      await fh.read(head, 0, 2, 0)
    } finally {
      await fh.close()
    }
    if (head[0] === 0x1f && head[1] === 0x8b) return this.bundle(createReadStream(path), source)
    return this.lines(createReadStream(path), source)
  }

  private whole(text: string, source: string): void {
    if (text.trim() === '') return this.sink.skip(source, 'empty')
    let v: unknown
    try {
      v = JSON.parse(text)
    } catch {
      // JSON lines, or documents one after another.
      const docs = this.documents(source)
      let start = 0
      let n = 0
      while (start <= text.length) {
        const end = text.indexOf('\n', start)
        docs.line(text.slice(start, end === -1 ? text.length : end), ++n)
        if (end === -1) break
        start = end + 1
      }
      docs.end()
      return
    }
    this.value(v, source)
  }

  private async bundle(input: Buffer | NodeJS.ReadableStream, source: string): Promise<void> {
    const entry = await readBundleEntry(input, 'report.json', REPORT_CAP)
    if (entry.kind !== 'found') return this.sink.skip(source, entry.reason)
    this.text(entry.text, `${source} (${entry.path})`)
  }

  /** The files a folder walk reads, sorted, hidden entries left out; an unlistable folder is skipped. */
  listFolder(path: string, out: string[] = []): string[] {
    let entries: Dirent[]
    try {
      entries = readdirSync(path, { withFileTypes: true })
    } catch (e) {
      this.sink.skip(this.shown(path), `cannot list (${(e as NodeJS.ErrnoException).code})`)
      return out
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(path, e.name)
      if (e.isDirectory()) this.listFolder(p, out)
      else if (e.isFile() && IN_FOLDERS.test(p)) out.push(p)
    }
    return out
  }

  async folder(path: string): Promise<void> {
    for (const f of this.listFolder(path)) await this.file(f)
  }
}

/** Every argument must exist before anything is read: a typo is exit 2, not a quietly smaller fleet. */
export async function checkSources(
  paths: readonly string[],
  cwd: string,
): Promise<('stdin' | 'folder' | 'file')[]> {
  const kinds: ('stdin' | 'folder' | 'file')[] = []
  for (const p of paths) {
    if (p === '-') {
      kinds.push('stdin')
      continue
    }
    try {
      const s = await stat(resolve(cwd, p))
      kinds.push(s.isDirectory() ? 'folder' : 'file')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      throw new UsageError(`${p}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code})`}`)
    }
  }
  if (kinds.filter((k) => k === 'stdin').length > 1) throw new UsageError('- (stdin) may be given once')
  return kinds
}
