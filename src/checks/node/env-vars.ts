import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import { DEFAULT_PIPELINE_CONFIG } from '../../core/config.js'
import { valueState, type EnvFile, type EnvVarEntry } from '../../providers/node/provider.js'
import { describeReference, parsePipelineConfig, referencedVars } from './lib/references.js'
import { agentNote, describeFile, secretFiles } from './lib/secret-files.js'

type Finding = 'unresolved' | 'no-value' | 'null' | 'empty' | 'env-file-missing' | 'malformed-lines'
type BadState = Exclude<EnvVarEntry['valueState'], 'set'>

const names = (items: readonly Item[]) => [...new Set(items.map((i) => i.name))].join(', ')
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

export default defineCheck({
  id: 'node.env-vars',
  title: 'Every env var the pipeline references resolves to a non-empty value',
  description:
    'The edge agent substitutes `${VAR}` once, at start-up. A var with no default that is not set at all stops ' +
    'the pipeline ("required environment variables were not set"); one set to nothing becomes an empty ' +
    'credential; a Vault template that reads a missing key writes the literal `<no value>`, and `jq -r` of a ' +
    'missing key writes `null`. Those start, and fail later with an authentication error that points nowhere ' +
    'near the cause. Values are never shown, only their state.',
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
      remedies: ['auth.confirm-secret-paths', 'vault.error-on-missing-key'],
    },
    null: {
      status: 'fail',
      severity: 'critical',
      message: '{{names}} set to `null`: the script that wrote the env file read a key that is missing',
      remedies: ['auth.confirm-secret-paths', 'node.strict-fetch-script'],
    },
    empty: {
      status: 'fail',
      severity: 'critical',
      message: '{{names}} set but empty: the pipeline would start with an empty credential',
      remedies: ['auth.confirm-secret-paths', 'pattern.interpolation'],
    },
    'env-file-missing': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} secret {{files}} missing: {{paths}}',
      remedies: ['node.provide-env-file', 'refresh.verify-restarts'],
    },
    'malformed-lines': {
      status: 'warn',
      severity: 'low',
      message: '{{paths}} {{have}} lines that are not `NAME=value` assignments; they are ignored',
      remedies: ['pattern.interpolation'],
    },
  },
  async run({ node, config }) {
    const pipelineFile = config.pipeline.config ?? DEFAULT_PIPELINE_CONFIG
    const text = await node.readText(pipelineFile)
    const parsed = text === undefined ? undefined : parsePipelineConfig(text)
    // The runner only gets here after node.pipeline-config passed; this guards direct use.
    if (!parsed?.ok) return skip('not-applicable', `no readable pipeline config at ${pipelineFile}`)
    const vars = referencedVars(parsed.references)
    if (!vars.length) return pass(`${pipelineFile} references no env vars`)

    const { files, agent } = await secretFiles(node, config, { sinks: false })
    const envFiles: EnvFile[] = []
    const missing: Item[] = []
    const malformed: Item[] = []
    for (const f of files) {
      const env = await node.readEnvFile(f.path)
      if (!env) {
        missing.push({ name: f.path, detail: describeFile(f), location: { file: f.path } })
        continue
      }
      envFiles.push(env)
      // A template may render a certificate or JSON: only files named as env files must be all assignments.
      if (f.roles.includes('env-file') && env.malformedLines.length)
        malformed.push({
          name: f.path,
          detail: `${plural(env.malformedLines.length, 'line', 'lines')} ${env.malformedLines.join(', ')}`,
          location: { file: f.path, line: env.malformedLines[0] as number },
        })
    }

    const bad: Record<BadState, Item[]> = { 'no-value': [], null: [], empty: [] }
    const unresolved: Item[] = []
    const resolved: string[] = []
    const notes: string[] = []
    const sources = [
      'the process environment',
      ...envFiles.map((e) => e.path),
      ...missing.map((m) => `${m.name} (missing)`),
    ].join(', ')

    for (const v of vars) {
      const fromProcess = node.env(v.name)
      const processState = fromProcess === undefined ? undefined : valueState(fromProcess)
      const inFiles = envFiles.flatMap((file) => {
        const entry = file.entries.find((e) => e.name === v.name)
        return entry ? [{ path: file.path, entry }] : []
      })
      const setIn = [
        ...(processState === 'set' ? ['process environment'] : []),
        ...inFiles.filter((f) => f.entry.valueState === 'set').map((f) => `${f.path}:${f.entry.line}`),
      ]
      // Bento uses a default for an unset or empty var, but `<no value>` and `null` are values: they get used.
      const canDefault = !v.required
      let flagged = false
      for (const { path, entry } of inFiles) {
        if (entry.valueState === 'set' || (entry.valueState === 'empty' && canDefault)) continue
        bad[entry.valueState].push({
          name: v.name,
          detail: `${path}:${entry.line}`,
          location: { file: path, line: entry.line },
        })
        flagged = true
      }
      if (processState && processState !== 'set' && !(processState === 'empty' && canDefault)) {
        bad[processState].push({ name: v.name, detail: 'the process environment' })
        flagged = true
      }
      if (flagged) continue
      if (setIn.length) {
        resolved.push(`${v.name}: ${setIn.join(', ')}`)
      } else if (canDefault) {
        notes.push(`${v.name}: not set; every reference has a default, so the default applies`)
      } else {
        const ref = v.required ?? v.first
        unresolved.push({
          name: v.name,
          detail: `referenced at ${describeReference(ref)}; not in ${sources}`,
          location: { file: pipelineFile, line: ref.line, column: ref.column },
        })
      }
    }

    // A finding lists what is wrong (its items); what resolved fine is only worth showing on a pass.
    const note = agentNote(agent)
    const context = note ? [note] : []
    const outcomes: Outcome<Finding>[] = []
    const add = (finding: Finding, items: Item[], vars: Record<string, string | number>) => {
      if (!items.length) return
      outcomes.push(
        found(finding, vars, {
          items,
          location: items[0]?.location,
          ...(outcomes.length || !context.length ? {} : { details: context }),
        }),
      )
    }
    add('unresolved', unresolved, {
      count: unresolved.length,
      vars: plural(unresolved.length, 'var is', 'vars are'),
      names: names(unresolved),
    })
    add('no-value', bad['no-value'], { names: names(bad['no-value']) })
    add('null', bad.null, { names: names(bad.null) })
    add('empty', bad.empty, { names: names(bad.empty) })
    add('env-file-missing', missing, {
      count: missing.length,
      files: plural(missing.length, 'file is', 'files are'),
      paths: names(missing),
    })
    add('malformed-lines', malformed, {
      paths: names(malformed),
      have: plural(malformed.length, 'has', 'have'),
    })
    if (outcomes.length) return outcomes
    return pass(
      `${vars.length} referenced env ${plural(vars.length, 'var resolves', 'vars resolve')} to non-empty values`,
      [...resolved, ...notes, ...context],
    )
  },
})
