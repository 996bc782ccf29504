// Validators for the CI formats, shared by the renderer tests and the every-scenario test: the published
// schemas (vendored in test/fixtures/schemas, see its README) and the rules GitHub code scanning and GitLab
// add on top of them.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import { ROOT } from './cli.js'

export const SCHEMAS = join(ROOT, 'test/fixtures/schemas')

// CommonJS under Node's ESM interop: the class and the plugin sit on `.default` of module.exports.
const Ajv04 = ajvDraft04.default
const addFormats = ajvFormats.default

let sarifValidator: ReturnType<InstanceType<typeof Ajv04>['compile']> | undefined

/** Errors of a SARIF log against the OASIS SARIF 2.1.0 schema (draft-04, as published). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!sarifValidator) {
    const ajv = new Ajv04({ allErrors: true, strict: false })
    addFormats(ajv)
    sarifValidator = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')))
  }
  if (sarifValidator(log)) return []
  return (sarifValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

interface Loc {
  physicalLocation?: {
    artifactLocation?: { uri?: unknown; uriBaseId?: string }
    region?: { startLine?: unknown; startColumn?: unknown }
  }
}
interface SarifLog {
  $schema?: string
  version?: string
  runs?: {
    tool?: { driver?: { name?: string; rules?: Record<string, unknown>[] } }
    automationDetails?: { id?: string }
    originalUriBaseIds?: Record<string, { uri?: string }>
    invocations?: { workingDirectory?: { uri?: string } }[]
    results?: {
      ruleId?: string
      ruleIndex?: number
      level?: string
      message?: { text?: string }
      locations?: Loc[]
      partialFingerprints?: Record<string, unknown>
    }[]
  }[]
}

const text = (v: unknown) => (v as { text?: unknown } | undefined)?.text
const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== ''

/**
 * What GitHub code scanning requires beyond the schema (docs.github.com, "SARIF support for code scanning"):
 * a rule's id, short and full description (≤ 1024 characters) and help text; every result a rule id, a
 * message, one to ten locations whose first has a physical location with a non-empty artifact URI and a
 * start line; fingerprints; relative URIs resolvable through originalUriBaseIds, absolute ones of the
 * working directory's scheme; and a category so runs of different nodes or jobs are kept apart.
 */
export function codeScanningProblems(doc: unknown): string[] {
  const log = doc as SarifLog
  const out: string[] = []
  if (!nonEmpty(log.$schema)) out.push('$schema missing')
  if (log.version !== '2.1.0') out.push(`version ${String(log.version)}`)
  if (!log.runs?.length) return [...out, 'no runs']
  for (const [ri, run] of log.runs.entries()) {
    const at = `runs[${ri}]`
    const rules = run.tool?.driver?.rules ?? []
    if (!nonEmpty(run.tool?.driver?.name)) out.push(`${at}: tool.driver.name missing`)
    if (!nonEmpty(run.automationDetails?.id) || !run.automationDetails!.id!.includes('/'))
      out.push(`${at}: automationDetails.id has no category`)
    for (const [i, rule] of rules.entries()) {
      const where = `${at}.rules[${i}] ${String(rule.id)}`
      if (!nonEmpty(rule.id)) out.push(`${where}: id`)
      for (const k of ['shortDescription', 'fullDescription'])
        if (!nonEmpty(text(rule[k])) || String(text(rule[k])).length > 1024) out.push(`${where}: ${k}.text`)
      if (!nonEmpty(text(rule.help))) out.push(`${where}: help.text`)
      if (typeof rule.name === 'string' && rule.name.length > 255) out.push(`${where}: name over 255`)
      if (rule.helpUri !== undefined && !/^https:\/\//.test(String(rule.helpUri)))
        out.push(`${where}: helpUri`)
    }
    const bases = run.originalUriBaseIds ?? {}
    const workScheme = /^([a-z]+):/.exec(run.invocations?.[0]?.workingDirectory?.uri ?? '')?.[1]
    for (const [i, r] of (run.results ?? []).entries()) {
      const where = `${at}.results[${i}] ${String(r.ruleId)}`
      if (!nonEmpty(r.ruleId) || !rules.some((x) => x.id === r.ruleId))
        out.push(`${where}: ruleId has no rule`)
      if (r.ruleIndex !== undefined && rules[r.ruleIndex]?.id !== r.ruleId) out.push(`${where}: ruleIndex`)
      if (!nonEmpty(r.message?.text)) out.push(`${where}: message.text`)
      const locs = r.locations ?? []
      if (locs.length < 1 || locs.length > 10) out.push(`${where}: ${locs.length} locations`)
      const phys = locs[0]?.physicalLocation
      const uri = phys?.artifactLocation?.uri
      if (!nonEmpty(uri)) out.push(`${where}: no physicalLocation.artifactLocation.uri`)
      const line = phys?.region?.startLine
      if (!Number.isInteger(line) || (line as number) < 1) out.push(`${where}: region.startLine`)
      const base = phys?.artifactLocation?.uriBaseId
      if (base !== undefined && !/^file:\/\/\/.*\/$/.test(bases[base]?.uri ?? ''))
        out.push(`${where}: uriBaseId ${base} not in originalUriBaseIds`)
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(String(uri))?.[1]
      if (scheme && base !== undefined) out.push(`${where}: an absolute URI with a uriBaseId`)
      if (scheme && workScheme && scheme !== workScheme)
        out.push(`${where}: ${scheme}: URI, working dir ${workScheme}:`)
      if (!scheme && base === undefined) out.push(`${where}: a relative URI without a uriBaseId`)
      const fps = Object.values(r.partialFingerprints ?? {})
      if (!fps.length || !fps.every(nonEmpty)) out.push(`${where}: partialFingerprints`)
      if (!['error', 'warning', 'note', 'none'].includes(String(r.level))) out.push(`${where}: level`)
    }
  }
  return out
}

/** xmllint's verdict on files against an XSD: empty when every file is valid, else its messages. */
export function xsdErrors(files: readonly string[], xsd: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--schema', join(SCHEMAS, xsd), ...files], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return ''
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string }
    return err.stderr?.toString() || err.message
  }
}

/**
 * A JUnit document's validity: as a whole against Jenkins' junit-10.xsd, and each <testsuite> on its own
 * against Surefire's XSD (a Surefire report is one suite per file; its root is <testsuite>).
 */
export function junitErrors(xml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'es-junit-'))
  try {
    const whole = join(dir, 'report.xml')
    writeFileSync(whole, xml)
    const suites = [...xml.matchAll(/^ {2}<testsuite [\s\S]*?^ {2}<\/testsuite>$/gm)].map((m, i) => {
      const f = join(dir, `TEST-${i}.xml`)
      writeFileSync(f, `<?xml version="1.0" encoding="UTF-8"?>\n${m[0]}\n`)
      return f
    })
    const out: string[] = []
    const junit10 = xsdErrors([whole], 'junit-10.xsd')
    if (junit10) out.push(`junit-10.xsd: ${junit10}`)
    if (suites.length !== (xml.match(/<testsuite /g) ?? []).length)
      out.push('suites not split for the Surefire check')
    const surefire = suites.length ? xsdErrors(suites, 'surefire-test-report.xsd') : ''
    if (surefire) out.push(`surefire-test-report.xsd: ${surefire}`)
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** GitLab's Code Quality issues: the fields it reads, each present and of its type. */
export function codeQualityProblems(doc: unknown): string[] {
  if (!Array.isArray(doc)) return ['not an array']
  const out: string[] = []
  const seen = new Set<string>()
  for (const [i, issue] of (doc as Record<string, unknown>[]).entries()) {
    const at = `[${i}] ${String(issue.check_name)}`
    for (const k of ['description', 'check_name', 'fingerprint'])
      if (!nonEmpty(issue[k])) out.push(`${at}: ${k}`)
    if (!['info', 'minor', 'major', 'critical', 'blocker'].includes(String(issue.severity)))
      out.push(`${at}: severity`)
    const loc = issue.location as { path?: unknown; lines?: { begin?: unknown } } | undefined
    if (!nonEmpty(loc?.path)) out.push(`${at}: location.path`)
    if (!Number.isInteger(loc?.lines?.begin) || (loc!.lines!.begin as number) < 1)
      out.push(`${at}: lines.begin`)
    // GitLab shows issues with one fingerprint as one entry: two findings must never share one.
    if (seen.has(String(issue.fingerprint))) out.push(`${at}: duplicate fingerprint`)
    seen.add(String(issue.fingerprint))
  }
  return out
}
