// The GitHub Action (action.yml) and the GitLab CI template: valid against the published schemas (vendored,
// test/fixtures/schemas/README.md), every action they use pinned and given only inputs it declares, and the
// commands they run real — each template's script is run here against a scenario with the built CLI behind a
// shim that records every edge-secrets invocation, which is then checked against the CLI's own commands.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ajv from 'ajv'
import ajvFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { COMMANDS } from '../src/commands/index.js'
import { prepareScenario, type PreparedScenario } from '../src/sandbox/run-scenario.js'
import { findScenario } from '../src/sandbox/scenarios/index.js'
import {
  codeQualityProblems,
  codeScanningProblems,
  junitErrors,
  sarifSchemaErrors,
  SCHEMAS,
} from './helpers/ci-formats.js'
import { BIN, cleanEnv, ROOT } from './helpers/cli.js'
import { hasCommand } from './helpers/tools.js'

type Obj = Record<string, unknown>
const yamlOf = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as Obj
const schema = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Obj

function schemaErrors(schemaFile: string, doc: unknown): string[] {
  // CommonJS under Node's ESM interop: the class and the plugin sit on `.default` of module.exports.
  const validator = new ajv.default({ allErrors: true, strict: false })
  ajvFormats.default(validator)
  const validate = validator.compile(schema(schemaFile))
  return validate(doc)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

const action = yamlOf('action.yml')
const steps = (action.runs as { steps: Obj[] }).steps
const GITLAB = 'ci/gitlab/edge-secrets.gitlab-ci.yml'
const gitlab = yamlOf(GITLAB)

/** A stand-in for `edge-secrets` that logs its argv, then runs the built CLI with it. */
function shim(dir: string): { command: string; calls: () => string[][] } {
  const log = join(dir, 'calls.jsonl')
  const file = join(dir, 'shim.mjs')
  writeFileSync(
    file,
    [
      "import { appendFileSync } from 'node:fs'",
      "import { spawnSync } from 'node:child_process'",
      `appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n')`,
      `const r = spawnSync(process.execPath, [${JSON.stringify(BIN)}, ...process.argv.slice(2)], { stdio: 'inherit' })`,
      'process.exit(r.status ?? 1)',
    ].join('\n'),
  )
  return {
    command: `${process.execPath} ${file}`,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[])
        : [],
  }
}

/** Every invocation names a command the CLI has, with flags that command declares. */
function unknownCommandsOrFlags(calls: readonly string[][]): string[] {
  const bad: string[] = []
  for (const argv of calls) {
    const id = argv[0] === 'report' ? `report:${argv[1]}` : argv[0]!
    const cmd = (COMMANDS as Record<string, { flags?: Obj; baseFlags?: Obj }>)[id]
    if (!cmd) {
      bad.push(`no command ${id}`)
      continue
    }
    const flags = { ...cmd.baseFlags, ...cmd.flags }
    const chars = Object.values(flags).map((f) => (f as { char?: string }).char)
    for (const a of argv.filter((x) => x.startsWith('-')))
      if (a.startsWith('--') ? !(a.slice(2).split('=')[0]! in flags) : !chars.includes(a.slice(1)))
        bad.push(`${id}: no flag ${a}`)
  }
  return bad
}

let prepared: PreparedScenario
let work: string
beforeAll(async () => {
  prepared = await prepareScenario(findScenario('k8s-manifests-eso-refresh-zero')!)
  work = mkdtempSync(join(tmpdir(), 'es-ci-templates-'))
})
afterAll(async () => prepared?.cleanup())

describe('action.yml', () => {
  it('is valid against the published schema for action metadata', () => {
    expect(schemaErrors('github-action.schema.json', action)).toEqual([])
    expect((action.runs as Obj).using).toBe('composite')
    // The schema does refuse what GitHub refuses: a composite step without a shell.
    const broken = structuredClone(action) as { runs: { steps: Obj[] } }
    delete broken.runs.steps.find((s) => s.id === 'doctor')!.shell
    expect(schemaErrors('github-action.schema.json', broken)).not.toEqual([])
  })

  it('uses only pinned actions, passing only inputs they declare', () => {
    const vendored: Record<string, string> = {
      'actions/setup-node': 'actions-setup-node.action.yml',
      'github/codeql-action/upload-sarif': 'github-codeql-action-upload-sarif.action.yml',
      'mikepenz/action-junit-report': 'mikepenz-action-junit-report.action.yml',
    }
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    const uses = steps.filter((s) => s.uses)
    expect(uses.length).toBe(3)
    for (const s of uses) {
      const [name, ref] = String(s.uses).split('@')
      // A full commit SHA, and the release it is, said beside it.
      expect(ref, String(s.uses)).toMatch(/^[0-9a-f]{40}$/)
      expect(text).toMatch(new RegExp(`${s.uses as string} # v\\d+\\.\\d+\\.\\d+`))
      const meta = parse(readFileSync(join(ROOT, 'test/fixtures/actions', vendored[name!]!), 'utf8')) as {
        inputs: Record<string, { required?: boolean; default?: unknown }>
      }
      for (const k of Object.keys((s.with as Obj | undefined) ?? {}))
        expect(meta.inputs, `${name} ${k}`).toHaveProperty(k)
      for (const [k, v] of Object.entries(meta.inputs))
        if (v.required && v.default === undefined) expect(s.with, `${name} needs ${k}`).toHaveProperty(k)
    }
  })

  it('refers only to inputs it declares and steps that exist', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    const inputs = Object.keys(action.inputs as Obj)
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) expect(inputs).toContain(m[1])
    const ids = steps.map((s) => s.id).filter(Boolean)
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      expect(ids).toContain(m[1])
      expect(readFileSync(join(ROOT, 'ci/github/preflight.sh'), 'utf8')).toContain(`${m[2]}=`)
    }
  })

  it('its script is valid bash, and runs the preflight, renders SARIF and JUnit, records the exit code', () => {
    expect(String(steps.find((s) => s.id === 'doctor')!.run)).toContain('ci/github/preflight.sh')
    execFileSync('bash', ['-n', join(ROOT, 'ci/github/preflight.sh')])
    const dir = mkdtempSync(join(work, 'gh-'))
    const { command, calls } = shim(dir)
    const output = join(dir, 'github-output')
    writeFileSync(output, '')
    const r = spawnSync('bash', [join(ROOT, 'ci/github/preflight.sh')], {
      cwd: prepared.dir,
      encoding: 'utf8',
      env: {
        ...cleanEnv(),
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        RUNNER_TEMP: dir,
        INPUT_COMMAND: command,
        INPUT_MANIFESTS: 'manifests',
        INPUT_CONFIG: 'edge-secrets.yaml',
        INPUT_OFFLINE: 'true',
        INPUT_PROVIDERS: 'kubernetes',
        INPUT_FAIL_ON: 'fail',
        INPUT_LABEL: 'CI/preflight, main',
        INPUT_ARGS: '--timeout 10s',
      },
    })
    expect(r.status, r.stderr).toBe(0)
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    ) as Record<string, string>
    expect(outputs['exit-code']).toBe('1')
    const sarif = JSON.parse(readFileSync(outputs.sarif!, 'utf8')) as {
      runs: { automationDetails: { id: string } }[]
    }
    expect(sarifSchemaErrors(sarif)).toEqual([])
    expect(codeScanningProblems(sarif)).toEqual([])
    expect(sarif.runs[0]!.automationDetails.id).toMatch(/^edge-secrets\/ci-job=CI\/preflight {2}main\//)
    if (hasCommand('xmllint')) expect(junitErrors(readFileSync(outputs.junit!, 'utf8'))).toEqual([])
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^# edge-secrets doctor report/)
    expect(calls().map((c) => c.slice(0, 2).join(' '))).toEqual([
      'doctor --format',
      'report show',
      'report show',
      'report show',
    ])
    expect(unknownCommandsOrFlags(calls())).toEqual([])
  })

  it('a doctor that cannot run (exit 2) leaves no report to upload', () => {
    const dir = mkdtempSync(join(work, 'gh2-'))
    const { command } = shim(dir)
    const output = join(dir, 'github-output')
    writeFileSync(output, '')
    const r = spawnSync('bash', [join(ROOT, 'ci/github/preflight.sh')], {
      cwd: prepared.dir,
      encoding: 'utf8',
      env: {
        ...cleanEnv(),
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: dir,
        INPUT_COMMAND: command,
        INPUT_ARGS: '--only nope.nothing',
      },
    })
    expect(r.status).toBe(0)
    expect(readFileSync(output, 'utf8').trim()).toBe('exit-code=2')
  })

  it('its last step fails the job by the recorded exit code', () => {
    const gate = String(steps.at(-1)!.run)
    expect(steps.at(-1)!.if).toBe('always()')
    const run = (code: string) =>
      spawnSync('bash', ['-c', gate], { env: { EXIT_CODE: code }, encoding: 'utf8' })
    expect(run('0').status).toBe(0)
    expect(run('1').status).toBe(1)
    expect(run('3').status).toBe(3)
    expect(run('')).toMatchObject({ status: 1, stdout: expect.stringContaining('::error') })
  })
})

describe('the GitLab CI template', () => {
  // The schema takes any hidden key (`.edge-secrets`) as a YAML anchor: the template is checked as the job it
  // becomes when included, too.
  const asJobs = (doc: Obj) => ({ ...doc, 'edge-secrets-as-included': doc['.edge-secrets'] })

  it('is valid against GitLab’s CI schema', () => {
    expect(schemaErrors('gitlab-ci.schema.json', asJobs(gitlab))).toEqual([])
    const broken = structuredClone(gitlab) as Record<string, { artifacts: { reports: Obj } }>
    broken['.edge-secrets']!.artifacts.reports.codequalty = 'x.json'
    expect(schemaErrors('gitlab-ci.schema.json', asJobs(broken))).not.toEqual([])
  })

  it('hands GitLab the JUnit and the Code Quality report the script writes', () => {
    const job = gitlab['.edge-secrets'] as { artifacts: { when: string; reports: Obj }; script: string[] }
    expect(job.artifacts.when).toBe('always')
    const script = job.script.join('\n')
    expect(script).toContain(`--output ${String(job.artifacts.reports.junit)}`)
    expect(script).toContain(`--output ${String(job.artifacts.reports.codequality)}`)
    expect((gitlab['edge-secrets'] as Obj).extends).toBe('.edge-secrets')
  })

  it('its script runs the preflight, writes both reports and exits with the doctor’s code', () => {
    const job = gitlab['.edge-secrets'] as { script: string[]; variables: Record<string, string> }
    const dir = mkdtempSync(join(work, 'gl-'))
    const { command, calls } = shim(dir)
    // The job runs in the project folder (CI_PROJECT_DIR): here, the scenario's.
    const r = spawnSync('sh', ['-c', job.script.join('\n')], {
      cwd: prepared.dir,
      encoding: 'utf8',
      env: {
        ...cleanEnv(),
        ...job.variables,
        CI_JOB_NAME: 'edge-secrets',
        EDGE_SECRETS_CMD: command,
        EDGE_SECRETS_MANIFESTS: 'manifests',
        EDGE_SECRETS_CONFIG: 'edge-secrets.yaml',
        EDGE_SECRETS_PROVIDERS: 'kubernetes',
      },
    })
    expect(r.status, r.stderr).toBe(1)
    const issues = JSON.parse(readFileSync(join(prepared.dir, 'gl-code-quality-report.json'), 'utf8')) as {
      check_name: string
      location: { path: string }
    }[]
    expect(codeQualityProblems(issues)).toEqual([])
    expect(issues.map((i) => [i.check_name, i.location.path])).toEqual([
      ['k8s.refresh-interval', 'manifests/externalsecret.yaml'],
    ])
    if (hasCommand('xmllint'))
      expect(junitErrors(readFileSync(join(prepared.dir, 'edge-secrets.junit.xml'), 'utf8'))).toEqual([])
    expect(unknownCommandsOrFlags(calls())).toEqual([])
    expect(calls()).toHaveLength(3)
  })
})
