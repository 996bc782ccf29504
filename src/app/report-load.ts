// Saved reports come back days later, from a customer's ticket or a fleet's logs: a file, a support bundle
// or stdin. They are data from elsewhere, so each is checked for the shape every renderer reads before a
// renderer sees it — a truncated, foreign or hand-edited file is named with what is wrong, never a stack.
// The JSON Schema (schema/report.schema.json) is the full contract; this is the part the code relies on,
// written out because the schema validator is a development dependency.
import { open, stat } from 'node:fs/promises'
import { STATUSES, SEVERITIES } from '../core/check.js'
import { formatBytes } from '../core/files.js'
import type { Report } from '../core/report.js'
import { readBundleEntry } from './bundle-tar.js'
import { UsageError } from './usage-error.js'

/** A saved report or bundle larger than this is not a report: refused with its size. */
export const REPORT_CAP = 64 << 20

const FAIL_ON = ['fail', 'warn', 'never']
const SOURCES = ['doc', 'extended']

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStr = (v: unknown): v is string => typeof v === 'string'
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const strList = (v: unknown) => v === undefined || (Array.isArray(v) && v.every(isStr))
const CHECK_ID = /^[a-z0-9]+\.[a-z0-9][a-z0-9-]*$/
const REMEDY_ID = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== ''
const shown = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v)?.slice(0, 40))

function remedyProblem(r: unknown, at: string): string | undefined {
  if (!isObj(r) || !nonEmpty(r.title) || !nonEmpty(r.section) || !SOURCES.includes(r.source as string))
    return `${at}: not a remedy (id, title, source, section)`
  if (!isStr(r.id) || !REMEDY_ID.test(r.id)) return `${at}.id: ${shown(r.id)}`
  if (!strList(r.commands)) return `${at}.commands: not a list of strings`
  return undefined
}

function findingProblem(f: unknown, at: string): string | undefined {
  if (!isObj(f) || !nonEmpty(f.key) || !isStr(f.message)) return `${at}: not a finding (key, message)`
  if (f.status !== 'warn' && f.status !== 'fail') return `${at}.status: ${shown(f.status)}`
  if (!SEVERITIES.includes(f.severity as never)) return `${at}.severity: ${shown(f.severity)}`
  if (!Array.isArray(f.remedies)) return `${at}.remedies: not a list`
  for (const [i, r] of f.remedies.entries()) {
    const p = remedyProblem(r, `${at}.remedies[${i}]`)
    if (p) return p
  }
  if (f.items !== undefined && !(Array.isArray(f.items) && f.items.every((i) => isObj(i) && isStr(i.name))))
    return `${at}.items: not a list of {name}`
  return undefined
}

function checkProblem(c: unknown, at: string): string | undefined {
  if (!isObj(c)) return `${at}: not an object`
  for (const k of ['title', 'provider', 'category', 'summary'] as const)
    if (!isStr(c[k])) return `${at}.${k}: ${shown(c[k])}`
  if (!isStr(c.id) || !CHECK_ID.test(c.id)) return `${at}.id: ${shown(c.id)}`
  if (!STATUSES.includes(c.status as never)) return `${at}.status: ${shown(c.status)}`
  if (!SEVERITIES.includes(c.severity as never)) return `${at}.severity: ${shown(c.severity)}`
  if (!isNum(c.durationMs) || c.durationMs < 0) return `${at}.durationMs: ${shown(c.durationMs)}`
  if (!strList(c.details)) return `${at}.details: not a list of strings`
  if (!Array.isArray(c.remedies)) return `${at}.remedies: not a list`
  for (const [i, r] of c.remedies.entries()) {
    const p = remedyProblem(r, `${at}.remedies[${i}]`)
    if (p) return p
  }
  if (c.findings !== undefined) {
    if (!Array.isArray(c.findings)) return `${at}.findings: not a list`
    for (const [i, f] of c.findings.entries()) {
      const p = findingProblem(f, `${at}.findings[${i}]`)
      if (p) return p
    }
  }
  return undefined
}

const strMap = (v: unknown) => isObj(v) && Object.values(v).every(isStr)

function nodeProblem(n: unknown): string | undefined {
  if (n === undefined) return undefined
  if (!isObj(n) || !nonEmpty(n.hostname)) return 'node: not {hostname, …}'
  if (n.expansoNodeId !== undefined && !nonEmpty(n.expansoNodeId)) return 'node.expansoNodeId: not a name'
  if (n.kubernetes !== undefined && !strMap(n.kubernetes))
    return 'node.kubernetes: not {node, pod, namespace}'
  if (n.labels !== undefined && !strMap(n.labels)) return 'node.labels: not a map of strings'
  return undefined
}

/**
 * Why a parsed JSON value is not a report this version can render (one line), or undefined when it is.
 * Foreign JSON (another tool's output, a fleet merge) is told apart from a damaged report.
 */
export function reportProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not an edge-secrets report (not a JSON object)'
  const tool = v.tool
  if (!isObj(tool) || tool.name !== 'edge-secrets') {
    if (v.kind === 'edge-secrets-fleet') return 'a fleet merge, not a node report'
    return 'not an edge-secrets report (no tool.name "edge-secrets")'
  }
  if (v.schemaVersion !== 1)
    return `schemaVersion ${shown(v.schemaVersion)} is not one this version reads (1)`
  if (!isStr(tool.version)) return 'tool.version: missing'
  if (!isStr(v.startedAt) || Number.isNaN(Date.parse(v.startedAt))) return `startedAt: ${shown(v.startedAt)}`
  if (!isNum(v.durationMs) || v.durationMs < 0) return `durationMs: ${shown(v.durationMs)}`
  const node = nodeProblem(v.node)
  if (node) return node
  if (![0, 1, 2, 3].includes(v.exitCode as number)) return `exitCode: ${shown(v.exitCode)}`
  if (!FAIL_ON.includes(v.failOn as string)) return `failOn: ${shown(v.failOn)}`
  const s = v.summary
  if (!isObj(s) || !['total', ...STATUSES].every((k) => isNum(s[k]))) return 'summary: not the six counts'
  if (
    !Array.isArray(v.identities) ||
    !v.identities.every((i) => isObj(i) && isStr(i.provider) && isStr(i.principal))
  )
    return 'identities: not a list of {provider, principal}'
  if (!Array.isArray(v.checks)) return 'checks: not a list'
  for (const [i, c] of v.checks.entries()) {
    const p = checkProblem(c, `checks[${i}]`)
    if (p) return p
  }
  return undefined
}

/** The first bytes of a gzip stream: a support bundle rather than a JSON report. */
export const isGzip = (head: Uint8Array): boolean => head[0] === 0x1f && head[1] === 0x8b

async function readCapped(path: string): Promise<Buffer> {
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new UsageError(`${path}: not a regular file`)
    size = s.size
  } catch (e) {
    if (e instanceof UsageError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`)
  }
  if (size > REPORT_CAP)
    throw new UsageError(
      `${path}: ${formatBytes(size)}, over the ${formatBytes(REPORT_CAP)} cap for a report`,
    )
  const fh = await open(path, 'r')
  try {
    return await fh.readFile()
  } finally {
    await fh.close()
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    n += chunk.length
    if (n > REPORT_CAP) throw new UsageError(`stdin: over the ${formatBytes(REPORT_CAP)} cap for a report`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Parses and checks report text; `where` names the source in the one-line error. */
export function parseReport(text: string, where: string): Report {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${where}: not JSON (${(e as Error).message})`)
  }
  const problem = reportProblem(value)
  if (problem) throw new UsageError(`${where}: ${problem}`)
  return value as Report
}

/** A saved report: a JSON file, a support bundle (.tar.gz, its report.json), or `-` for stdin. */
export async function loadReport(path: string): Promise<Report> {
  const bytes = path === '-' ? await readStdin() : await readCapped(path)
  const where = path === '-' ? 'stdin' : path
  if (isGzip(bytes)) {
    const entry = await readBundleEntry(bytes, 'report.json', REPORT_CAP)
    if (entry.kind !== 'found') throw new UsageError(`${where}: ${entry.reason}`)
    return parseReport(entry.text, `${where} (report.json)`)
  }
  return parseReport(bytes.toString('utf8'), where)
}
