import { defineCheck, found, pass, skip, type Item, type Outcome, type Vars } from '../define.js'
import type { EnvFile, EnvVarEntry, FileRefusal, NodeApi } from '../../providers/node/api.js'
import { valueState } from '../../providers/node/model.js'
import { pipelineOf } from './lib/pipeline.js'
import { describeReference, referencedVars, type ReferencedVar } from './lib/references.js'
import { agentNote, describeFile, secretFiles, type SecretFile } from './lib/secret-files.js'

type Finding =
  | 'unresolved'
  | 'no-value'
  | 'null'
  | 'empty'
  | 'env-file-missing'
  | 'env-file-refused'
  | 'env-file-unreadable'
  | 'malformed-lines'
type BadState = Exclude<EnvVarEntry['valueState'], 'set'>

const names = (items: readonly Item[]) => [...new Set(items.map((i) => i.name))].join(', ')
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

/** A secret file that was not read: its item, and the sentence that says why. */
interface NotRead {
  readonly item: Item
  readonly reason: string
}

/** What the secret files hold, and which of them could not be read (and why). */
interface Sources {
  readonly envFiles: EnvFile[]
  readonly missing: Item[]
  /** Not a regular file, or over the cap: the doctor would not read it. */
  readonly refused: NotRead[]
  /** A regular file the doctor may not read (EACCES). */
  readonly unreadable: NotRead[]
  readonly malformed: Item[]
}

const notRead = (f: SecretFile, r: FileRefusal): NotRead => ({
  item: { name: f.path, detail: describeFile(f), location: { file: f.path } },
  reason: r.reason,
})

async function readSources(node: NodeApi, files: readonly SecretFile[]): Promise<Sources> {
  const s: Sources = { envFiles: [], missing: [], refused: [], unreadable: [], malformed: [] }
  for (const f of files) {
    const read = await node.readEnvFile(f.path)
    if (!read.ok) {
      if (read.problem === 'missing')
        s.missing.push({ name: f.path, detail: describeFile(f), location: { file: f.path } })
      else (read.problem === 'unreadable' ? s.unreadable : s.refused).push(notRead(f, read))
      continue
    }
    const env = read.value
    s.envFiles.push(env)
    // A template may render a certificate or JSON: only files named as env files must be all assignments.
    if (f.roles.includes('env-file') && env.malformedLines.length)
      s.malformed.push({
        name: f.path,
        detail: `${plural(env.malformedLines.length, 'line', 'lines')} ${env.malformedLines.join(', ')}`,
        location: { file: f.path, line: env.malformedLines[0] as number },
      })
  }
  return s
}

interface Verdicts {
  readonly bad: Record<BadState, Item[]>
  readonly unresolved: Item[]
  /** Set in nothing that was read, while some secret file could not be read: it may be there. */
  readonly unverified: string[]
  readonly resolved: string[]
  readonly notes: string[]
}

/** An env file's entries by name: a large pipeline against a large env file stays linear. */
type IndexedFile = { readonly path: string; readonly byName: ReadonlyMap<string, EnvVarEntry> }

/**
 * Where one var is set, and which of its values are placeholders a broken render leaves: `flagged` when a
 * bad value was recorded, `set` when it resolves, `unset` when nothing that was read sets it.
 */
function judgeVar(
  v: ReferencedVar,
  node: NodeApi,
  files: readonly IndexedFile[],
  out: Verdicts,
): 'flagged' | 'set' | 'unset' {
  const fromProcess = node.env(v.name)
  const processState = fromProcess === undefined ? undefined : valueState(fromProcess)
  const inFiles = files.flatMap((file) => {
    const entry = file.byName.get(v.name)
    return entry ? [{ path: file.path, entry }] : []
  })
  // Bento uses a default for an unset or empty var, but `<no value>` and `null` are values: they get used.
  const canDefault = !v.required
  const before = out.bad['no-value'].length + out.bad.null.length + out.bad.empty.length
  for (const { path, entry } of inFiles) {
    if (entry.valueState === 'set' || (entry.valueState === 'empty' && canDefault)) continue
    out.bad[entry.valueState].push({
      name: v.name,
      detail: `${path}:${entry.line}`,
      location: { file: path, line: entry.line },
    })
  }
  if (processState && processState !== 'set' && !(processState === 'empty' && canDefault))
    out.bad[processState].push({ name: v.name, detail: 'the process environment' })
  if (out.bad['no-value'].length + out.bad.null.length + out.bad.empty.length > before) return 'flagged'
  const setIn = [
    ...(processState === 'set' ? ['process environment'] : []),
    ...inFiles.filter((f) => f.entry.valueState === 'set').map((f) => `${f.path}:${f.entry.line}`),
  ]
  if (!setIn.length) return 'unset'
  out.resolved.push(`${v.name}: ${setIn.join(', ')}`)
  return 'set'
}

function judgeVars(
  vars: readonly ReferencedVar[],
  node: NodeApi,
  s: Sources,
  pipelineFile: string,
): Verdicts {
  const out: Verdicts = {
    bad: { 'no-value': [], null: [], empty: [] },
    unresolved: [],
    unverified: [],
    resolved: [],
    notes: [],
  }
  const sources = [
    'the process environment',
    ...s.envFiles.map((e) => e.path),
    ...s.missing.map((m) => `${m.name} (missing)`),
  ].join(', ')
  const files = s.envFiles.map((f) => ({ path: f.path, byName: new Map(f.entries.map((e) => [e.name, e])) }))
  for (const v of vars) {
    if (judgeVar(v, node, files, out) !== 'unset') continue
    if (!v.required)
      out.notes.push(`${v.name}: not set; every reference has a default, so the default applies`)
    else if (s.refused.length || s.unreadable.length) out.unverified.push(v.name)
    else {
      const ref = v.required
      out.unresolved.push({
        name: v.name,
        detail: `referenced at ${describeReference(ref)}; not in ${sources}`,
        location: { file: pipelineFile, line: ref.line, column: ref.column },
      })
    }
  }
  return out
}

/** The findings in a fixed order; the agent note goes on the first, the unverified vars on the refusals. */
function outcomesOf(s: Sources, v: Verdicts, context: readonly string[]): Outcome<Finding>[] {
  const outcomes: Outcome<Finding>[] = []
  const add = (finding: Finding, items: Item[], vars: Vars, extra: readonly string[] = []) => {
    if (!items.length) return
    const details = [...(outcomes.length ? [] : context), ...extra]
    outcomes.push(
      found(finding, vars, { items, location: items[0]?.location, ...(details.length ? { details } : {}) }),
    )
  }
  const count = (items: readonly unknown[], one: string, many: string) => ({
    count: items.length,
    files: plural(items.length, one, many),
  })
  const notRead = (list: readonly NotRead[]) => ({
    ...count(list, 'file', 'files'),
    reasons: list.map((n) => n.reason).join('; '),
  })
  const unverified = v.unverified.length
    ? [
        `${v.unverified.join(', ')}: set in none of the files that were read; ${plural(v.unverified.length, 'it', 'they')} may be in a file that was not`,
      ]
    : []
  add('unresolved', v.unresolved, {
    count: v.unresolved.length,
    vars: plural(v.unresolved.length, 'var is', 'vars are'),
    names: names(v.unresolved),
  })
  add('no-value', v.bad['no-value'], { names: names(v.bad['no-value']) })
  add('null', v.bad.null, { names: names(v.bad.null) })
  add('empty', v.bad.empty, { names: names(v.bad.empty) })
  add('env-file-missing', s.missing, { ...count(s.missing, 'file is', 'files are'), paths: names(s.missing) })
  const items = (list: readonly NotRead[]) => list.map((n) => n.item)
  add('env-file-refused', items(s.refused), notRead(s.refused), unverified)
  add('env-file-unreadable', items(s.unreadable), notRead(s.unreadable), s.refused.length ? [] : unverified)
  add('malformed-lines', s.malformed, {
    paths: names(s.malformed),
    have: plural(s.malformed.length, 'has', 'have'),
  })
  return outcomes
}

export default defineCheck({
  id: 'node.env-vars',
  title: 'Every env var the pipeline references resolves to a non-empty value',
  description:
    'The edge agent substitutes `${VAR}` once, at start-up. A var with no default that is not set at all stops ' +
    'the pipeline ("required environment variables were not set"); one set to nothing becomes an empty ' +
    'credential; a Vault template that reads a missing key writes the literal `<no value>`, and `jq -r` of a ' +
    'missing key writes `null`. Those start, and fail later with an authentication error that points nowhere ' +
    'near the cause. Values are never shown, only their state. A secret file that is not a regular file, or ' +
    'is larger than its cap, is named and never read.',
  provider: 'node',
  category: 'config',
  network: false,
  needs: ['node.pipeline-config'],
  findings: {
    unresolved: {
      status: 'fail',
      severity: 'critical',
      message: '{{count}} referenced env {{vars}} set nowhere: {{names}}',
      remedies: ['pattern.interpolation', 'auth.confirm-secret-paths'],
    },
    'no-value': {
      status: 'fail',
      severity: 'critical',
      message: '{{names}} rendered as `<no value>`: the Vault template reads a key the secret does not have',
      remedies: ['vault.error-on-missing-key'],
    },
    null: {
      status: 'fail',
      severity: 'critical',
      message: '{{names}} set to `null`: the script that wrote the env file read a key that is missing',
      remedies: ['node.strict-fetch-script'],
    },
    empty: {
      status: 'fail',
      severity: 'critical',
      message: '{{names}} set but empty: the pipeline would start with an empty credential',
      remedies: ['pattern.interpolation', 'refresh.monitor-rotation'],
    },
    'env-file-missing': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} secret {{files}} missing: {{paths}}',
      remedies: ['node.provide-env-file', 'refresh.verify-restarts'],
    },
    'env-file-refused': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} secret {{files}} not read: {{reasons}}',
      remedies: ['node.provide-env-file'],
    },
    'env-file-unreadable': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} secret {{files}} unreadable: {{reasons}}',
      remedies: ['node.read-as-agent-user'],
    },
    'malformed-lines': {
      status: 'warn',
      severity: 'low',
      message: '{{paths}} {{have}} lines that are not `NAME=value` assignments; they are ignored',
      remedies: ['pattern.interpolation'],
    },
  },
  async run({ node, config }) {
    const { file: pipelineFile, read, declaredSecrets } = await pipelineOf(node, config)
    const parsed = read.ok ? read.value : undefined
    // The runner only gets here after node.pipeline-config passed; this guards direct use.
    if (!parsed?.ok) return skip('not-applicable', `no readable pipeline config at ${pipelineFile}`)
    // A JobSpec secret reaches the pipeline from the agent, not from the node's env: jobspec.secret-refs
    // checks those, and demanding them here would cry wolf on every JobSpec that uses the blocks.
    const all = referencedVars(parsed.references)
    const vars = all.filter((v) => !declaredSecrets.includes(v.name))
    const fromJobspec = all.filter((v) => declaredSecrets.includes(v.name)).map((v) => v.name)
    const jobspecNote = fromJobspec.length
      ? [
          `${fromJobspec.join(', ')}: declared in the JobSpec's secrets block; the agent supplies ${plural(fromJobspec.length, 'it', 'them')} (jobspec.secret-refs)`,
        ]
      : []
    if (!vars.length)
      return pass(
        fromJobspec.length
          ? `${pipelineFile} references only JobSpec secrets`
          : `${pipelineFile} references no env vars`,
        jobspecNote,
      )

    const { files, agent } = await secretFiles(node, config, { sinks: false })
    const sources = await readSources(node, files)
    const verdicts = judgeVars(vars, node, sources, pipelineFile)
    const note = agentNote(agent)
    const context = [...(note ? [note] : []), ...jobspecNote]
    // A finding lists what is wrong (its items); what resolved fine is only worth showing on a pass.
    const outcomes = outcomesOf(sources, verdicts, context)
    if (outcomes.length) return outcomes
    return pass(
      `${vars.length} referenced env ${plural(vars.length, 'var resolves', 'vars resolve')} to non-empty values`,
      [...verdicts.resolved, ...verdicts.notes, ...context],
    )
  },
})
