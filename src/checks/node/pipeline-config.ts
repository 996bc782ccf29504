import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { DEFAULT_PIPELINE_CONFIG } from '../../core/config.js'
import { pipelineOf } from './lib/pipeline.js'
import { describeReference, referencedVars, type ReferencedVar } from './lib/references.js'

type Finding =
  | 'missing'
  | 'not-a-file'
  | 'too-large'
  | 'unreadable'
  | 'invalid-yaml'
  | 'unknown-shape'
  | 'several-documents'

/** One line per var: where it is referenced, and whether a default covers it. */
function describeVar(v: ReferencedVar): string {
  const at = describeReference(v.required ?? v.first)
  const more = v.count > 1 ? ` and ${v.count - 1} more place${v.count > 2 ? 's' : ''}` : ''
  // Defaults are config text, but they can be a hard-coded credential: say one exists, never what it is.
  const note = v.required ? '' : '; every reference has a default, so it resolves even when unset'
  return `${v.name}: ${at}${more}${note}`
}

export default defineCheck({
  id: 'node.pipeline-config',
  title: 'The pipeline config exists, parses, and its env references are known',
  description:
    'The edge agent takes its secrets from the environment through `${VAR}` references in the pipeline config ' +
    '(and `env("VAR")` in Bloblang). A config that is missing or does not parse stops the pipeline, and the ' +
    'references it holds are the list every other node check works from: which vars must be set, and where. ' +
    'The doctor reads only a regular file within a size cap: a FIFO, a device or a directory is named, never read.',
  provider: 'node',
  category: 'config',
  network: false,
  findings: {
    missing: {
      status: 'fail',
      severity: 'high',
      message: 'pipeline config {{file}} does not exist',
      remedies: ['node.point-at-pipeline-config'],
    },
    'not-a-file': {
      status: 'fail',
      severity: 'high',
      message: 'pipeline config {{reason}}',
      remedies: ['node.point-at-pipeline-config'],
    },
    'too-large': {
      status: 'fail',
      severity: 'high',
      message: 'pipeline config {{reason}}',
      remedies: ['node.point-at-pipeline-config'],
    },
    unreadable: {
      status: 'fail',
      severity: 'high',
      message: 'pipeline config {{reason}}',
      remedies: ['node.read-as-agent-user'],
    },
    'invalid-yaml': {
      status: 'fail',
      severity: 'critical',
      message: 'pipeline config {{file}} is not valid YAML: {{error}} (line {{line}}, column {{column}})',
      remedies: ['node.fix-pipeline-config'],
    },
    'unknown-shape': {
      status: 'warn',
      severity: 'medium',
      message:
        'pipeline config {{file}} is neither a Bento-style pipeline nor a pipeline JobSpec: {{problem}}',
      remedies: ['node.fix-pipeline-config'],
    },
    'several-documents': {
      status: 'warn',
      severity: 'medium',
      message:
        'pipeline config {{file}} holds {{count}} YAML documents (the second starts on line {{line}}): a pipeline config is one document, and a YAML loader reads only the first or refuses the file',
      remedies: ['node.fix-pipeline-config'],
    },
  },
  async run({ node, config }) {
    const { file, read } = await pipelineOf(node, config)
    const location = { file }
    if (!read.ok) {
      if (read.problem !== 'missing') {
        const key = read.problem === 'not-regular' ? 'not-a-file' : read.problem
        return found(key, { file, reason: read.reason }, { location })
      }
      // The built-in default is a guess about this machine; only a path someone chose is a promise.
      if (file === DEFAULT_PIPELINE_CONFIG && !config.pipeline.explicit)
        return skip(
          'not-applicable',
          `no pipeline config at ${DEFAULT_PIPELINE_CONFIG}; set pipeline.config in edge-secrets.yaml to the file the edge agent runs`,
        )
      return found('missing', { file }, { location })
    }
    const parsed = read.value
    if (!parsed.ok)
      return found(
        'invalid-yaml',
        { file, error: parsed.message, line: parsed.line, column: parsed.column },
        { location: { file, line: parsed.line, column: parsed.column } },
      )
    const vars = referencedVars(parsed.references)
    const details = vars.map(describeVar)
    const outcomes: Outcome<Finding>[] = []
    if (!parsed.shape)
      outcomes.push(
        found(
          'unknown-shape',
          { file, problem: parsed.shapeProblem ?? 'unrecognised document' },
          { location: { file, line: 1 }, details },
        ),
      )
    if (parsed.secondDocumentLine !== undefined)
      outcomes.push(
        found(
          'several-documents',
          { file, count: parsed.documents, line: parsed.secondDocumentLine },
          { location: { file, line: parsed.secondDocumentLine }, ...(outcomes.length ? {} : { details }) },
        ),
      )
    if (outcomes.length) return outcomes
    const kind = parsed.shape === 'jobspec' ? 'pipeline JobSpec' : 'Bento-style pipeline'
    if (!vars.length) return pass(`${file}: ${kind} with no env references`)
    return pass(
      `${file}: ${kind}, ${vars.length} env var${vars.length === 1 ? '' : 's'} referenced (${vars.map((v) => v.name).join(', ')})`,
      details,
    )
  },
})
