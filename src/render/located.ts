// Where a result of a located format (SARIF, Code Climate) points. Code scanning rejects a whole upload when
// one result has no file, so every result gets one, by the first rule that applies (CONTRACT §6):
//   1. the file the finding is about (an item's, the finding's or the check's own location);
//   2. the line of the config key that configured the failing thing (report.config.locations);
//   3. the config file itself, line 1;
//   4. with no config file at all, SYNTHETIC_CONFIG (see there).
// Rule 2 is data, not a switch per check: the most specific key wins, in this order — a key whose value the
// finding names; a key whose name the finding's key names (`skip-verify` → `vault.skipVerify`); a key whose
// name the check's id names (`aws.region`); the keys that configure the check's category (KEYS_BY_CATEGORY);
// the provider's own section.
import { createHash } from 'node:crypto'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Category, Item, Location } from '../core/check.js'
import type { CheckResult, FindingResult, Report } from '../core/report.js'

/**
 * Code scanning needs a URI even when the doctor ran without a config file (zero-config: everything from the
 * environment). The stand-in is the file the doctor looks for first, `./edge-secrets.yaml`: it is where the
 * missing setting belongs, and a fixed name keeps fingerprints stable from run to run.
 */
export const SYNTHETIC_CONFIG = 'edge-secrets.yaml'

/** The generated catalogue, whose check sections `helpUri` links to. */
export const CHECKS_DOC_URL = 'https://github.com/expanso-io/edge-secrets/blob/main/docs/checks.md'

/** How a result was located, strongest first; formats may say so (a config key is not the broken thing). */
export type LocatedBy = 'finding' | 'config-key' | 'config-file' | 'synthetic'

export interface Where {
  /** Absolute path, or SYNTHETIC_CONFIG. */
  readonly file: string
  readonly line: number
  readonly column?: number
  readonly by: LocatedBy
  /** The dotted config key, when located by one (`aws.secrets.0.id`). */
  readonly key?: string
}

interface KeyEntry {
  readonly line: number
  readonly column: number
  /** The key's scalar value as written, when the report carries it (string, number or boolean). */
  readonly value?: unknown
}

/**
 * The keys that configure what a check of each category depends on, most specific first. A relative key is
 * looked up in the check's provider section (`address` → `vault.address`); `/`-prefixed keys are global.
 * Absent keys are skipped, so one table serves every provider.
 */
export const KEYS_BY_CATEGORY: Readonly<Record<Category, readonly string[]>> = {
  connectivity: ['address', 'vaultUrl', 'endpoint', 'authorityHost', 'kubeconfig', 'context', 'region'],
  tls: ['caCert', 'skipVerify', 'address', 'vaultUrl', 'endpoint', 'authorityHost', 'kubeconfig'],
  auth: [
    'auth',
    'profile',
    'credentialsFile',
    'clientId',
    'tenantId',
    'expectRoleArn',
    'kubeconfig',
    'context',
  ],
  iam: ['expectRoleArn', 'clientId', 'secrets', 'deployment', 'namespace'],
  'service-account': ['deployment', 'selector', 'namespace'],
  'secret-paths': ['secrets'],
  refresh: ['maxRotationDays', 'agentConfig', '/pipeline.maxStaleness', '/pipeline.envFiles'],
  latency: [
    '/thresholds.latencyP95',
    '/thresholds.latencySamples',
    'endpoint',
    'address',
    'vaultUrl',
    'region',
  ],
  config: ['agentConfig', '/pipeline.config', '/pipeline.envFiles', 'deployment', 'namespace'],
  audit: [],
  clock: ['/thresholds.clockSkewWarn', '/thresholds.clockSkewFail'],
}

/** Top-level keys every provider may be configured by, besides its own section. */
const GLOBAL_SECTIONS = ['environment', 'pipeline', 'thresholds']

/** A provider's config section: its id, except the node's, which is configured by `pipeline:`. */
const sectionOf = (provider: string) => (provider === 'node' ? 'pipeline' : provider)

/**
 * `skipVerify` → [skip, verify]; `no-address` → [no, address]. Plurals are not folded: a service-account
 * `key` is not a secret's `keys`.
 */
function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !/^\d+$/.test(w))
}

const leaf = (key: string) => key.split('.').at(-1) ?? key
const depth = (key: string) => key.split('.').length

export interface Subject {
  readonly check: CheckResult
  readonly finding?: FindingResult
  /** The unlocated items this result covers (a located item is its own subject, with `location`). */
  readonly items?: readonly Item[]
}

/**
 * The results a finding becomes: one per item that has its own file (each on its own line), and the other
 * items grouped by where they resolve (two secrets configured on two lines are two results); a finding
 * without items is one result.
 */
export function findingSubjects(report: Report, check: CheckResult, finding: FindingResult): Subject[] {
  const items = finding.items ?? []
  const out: Subject[] = items.filter((i) => i.location).map((i) => ({ check, finding, items: [i] }))
  const rest = items.filter((i) => !i.location)
  if (out.length && !rest.length) return out
  const groups = new Map<string, Item[]>()
  for (const i of rest) {
    const w = locate(report, { check, finding, items: [i] })
    const k = `${w.file}\u0000${w.line}`
    groups.set(k, [...(groups.get(k) ?? []), i])
  }
  if (groups.size <= 1) return [...out, { check, finding, items: rest }]
  return [...out, ...[...groups.values()].map((g) => ({ check, finding, items: g }))]
}

/** Resolves where one result points. Pure: everything comes from the report. */
export function locate(report: Report, subject: Subject): Where {
  const own = ownLocation(subject)
  if (own) return { file: own.file, line: own.line ?? 1, column: own.column, by: 'finding' }
  const file = report.config?.file
  if (!file) return { file: SYNTHETIC_CONFIG, line: 1, by: 'synthetic' }
  const locations = (report.config?.locations ?? {}) as Readonly<Record<string, KeyEntry>>
  const key = configKeyFor(subject, locations, dirname(file))
  if (key) {
    const at = locations[key] as KeyEntry
    return { file, line: at.line, column: at.column, by: 'config-key', key }
  }
  return { file, line: 1, by: 'config-file' }
}

function ownLocation(s: Subject): Location | undefined {
  const itemLoc = s.items?.length === 1 ? s.items[0]?.location : undefined
  return itemLoc ?? s.finding?.location ?? s.check.location
}

/** The most specific config key for a subject, or undefined when none of its provider's keys applies. */
export function configKeyFor(
  subject: Subject,
  locations: Readonly<Record<string, KeyEntry>>,
  configDir: string,
): string | undefined {
  const { check, finding } = subject
  const section = sectionOf(check.provider)
  const inScope = Object.keys(locations).filter((k) =>
    [section, ...GLOBAL_SECTIONS].some((s) => k === s || k.startsWith(`${s}.`)),
  )
  const itemText = (subject.items ?? []).map((i) => `${i.name} ${i.detail ?? ''}`).join('\n')
  return (
    byValue(inScope, locations, [itemText, finding?.message ?? '', check.summary], configDir) ??
    byName(inScope, finding ? words(finding.key) : [], section, locations) ??
    byName(inScope, words(check.id.split('.').slice(1).join('.')), section, locations) ??
    KEYS_BY_CATEGORY[check.category]
      .map((k) => (k.startsWith('/') ? k.slice(1) : `${section}.${k}`))
      .find((k) => k in locations) ??
    (section in locations ? section : undefined)
  )
}

/** The key whose value the finding names: the longest value wins (a path beats the mount it is on). */
function byValue(
  keys: readonly string[],
  locations: Readonly<Record<string, KeyEntry>>,
  texts: readonly string[],
  configDir: string,
): string | undefined {
  const candidates = keys.flatMap((k) => {
    const v = locations[k]?.value
    if (typeof v !== 'string' || v.trim().length < 3) return []
    // Paths are written relative to the config file; findings name them resolved.
    const forms = [v, ...(/^\.{0,2}\//.test(v) || v.includes('/') ? [resolve(configDir, v)] : [])]
    return [{ k, forms: [...new Set(forms)], len: v.length }]
  })
  for (const text of texts) {
    if (!text) continue
    const hits = candidates.filter((c) => c.forms.some((f) => containsValue(text, f)))
    if (hits.length)
      return hits.sort((a, b) => b.len - a.len || depth(b.k) - depth(a.k) || a.k.localeCompare(b.k))[0]!.k
  }
  return undefined
}

/** A value counts when it stands on its own: `expanso/pipeline` does not name `expanso/pipeline-2`. */
function containsValue(text: string, value: string): boolean {
  const edge = (c: string | undefined) => c === undefined || !/[\w/-]/.test(c)
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1))
    if (edge(text[at - 1]) && edge(text[at + value.length])) return true
  return false
}

/** Words that qualify a key's name rather than say what it configures (`maxRotationDays` is about rotation). */
const QUALIFIERS = new Set(['max', 'min', 'expect', 'id', 'arn', 'url', 'file', 'path', 'days', 'ms'])

/**
 * The key whose own name the given words name. A name all of whose words are named beats one sharing only
 * its subject; more shared words beat fewer; the provider's section beats the global ones; a deeper key beats
 * its parent. Equal candidates resolve to their nearest common key below the top level, or to nothing.
 */
function byName(
  keys: readonly string[],
  wanted: readonly string[],
  section: string,
  locations: Readonly<Record<string, KeyEntry>>,
): string | undefined {
  if (!wanted.length) return undefined
  const scored = keys
    .filter((k) => !/\.\d+$/.test(k)) // a list element is named by its list
    .flatMap((k) => {
      const name = words(leaf(k))
      const shared = name.filter((w) => wanted.includes(w))
      const strong = name.length > 0 && shared.length === name.length
      if (!strong && !shared.some((w) => !QUALIFIERS.has(w))) return []
      const own = k.startsWith(`${section}.`) || k === section
      return [{ k, rank: [strong ? 1 : 0, shared.length, own ? 1 : 0, depth(k)] }]
    })
  if (!scored.length) return undefined
  scored.sort((a, b) => byRank(a.rank, b.rank))
  const top = scored.filter((s) => byRank(s.rank, scored[0]!.rank) === 0).map((s) => s.k)
  if (top.length === 1) return top[0]
  // Two equal keys inside one list (each secret's `keys`) are named by the list; two top-level neighbours
  // (`clockSkewWarn`, `clockSkewFail`) by nothing more specific than a later rule finds.
  const common = commonPrefix(top)
  return common && common in locations && depth(common) > 1 ? common : undefined
}

/** Descending, position by position. */
function byRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (b[i] ?? 0) - (a[i] ?? 0)
  return 0
}

function commonPrefix(keys: readonly string[]): string | undefined {
  const parts = keys.map((k) => k.split('.'))
  const out: string[] = []
  for (let i = 0; parts.every((p) => p[i] !== undefined && p[i] === parts[0]![i]); i++)
    out.push(parts[0]![i]!)
  return out.length ? out.join('.') : undefined
}

/** A path as SARIF wants it: relative to %SRCROOT% when under the working directory, else a file:// URI. */
export function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: '%SRCROOT%' } {
  const rel = relativeToCwd(file, cwd)
  if (rel !== undefined) return { uri: encodePath(rel), uriBaseId: '%SRCROOT%' }
  return { uri: fileUri(file) }
}

/** The path relative to cwd when the file is under it (a relative path already is); else undefined. */
export function relativeToCwd(file: string, cwd: string): string | undefined {
  if (!isAbsolute(file) && !/^[A-Za-z]:[\\/]/.test(file)) return file.replace(/\\/g, '/')
  const rel = relative(cwd, file)
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined
  return rel.replace(/\\/g, '/')
}

const encodePath = (p: string) =>
  p
    .split('/')
    .map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/')

/** Absolute paths become file:// URIs; relative ones stay relative. */
export function fileUri(file: string): string {
  const posix = file.replace(/\\/g, '/')
  if (posix.startsWith('/')) return `file://${encodePath(posix)}`
  if (/^[A-Za-z]:\//.test(posix)) return `file:///${encodePath(posix)}`
  return encodePath(posix)
}

/** The working directory as a base URI (with the trailing slash SARIF requires of a base). */
export const baseUri = (cwd: string): string => {
  const href = pathToFileURL(cwd).href
  return href.endsWith('/') ? href : `${href}/`
}

/**
 * An identity that survives re-runs: the rule, the finding, what it is about and the file — never the line
 * (lines move when a file is edited), the message (it carries request ids and session names) or the time.
 */
export function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)
}

/** The anchor GitHub gives a heading: lower-cased, punctuation dropped, spaces to hyphens. */
export function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}
