// `edge-secrets bundle`: everything a support engineer needs from a customer's node, in one .tar.gz the
// customer can read before sending — the doctor's report (JSON and markdown) and its --verbose log, the
// versions, the effective config, the agent HCL and templates, the environment variables' names, the secret
// files' metadata, the Kubernetes objects in summary, the identities and the timings. Never a secret value:
// the report is secret-free by construction; files the doctor did not write are scrubbed by shape
// (bundle-scrub.ts); every byte passes the redactor last; MANIFEST.json says what each file is and why.
import { createHash } from 'node:crypto'
import { hostname, platform, release, arch, type as osType } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { readInput } from '../core/files.js'
import { redact, redactDeep, writeOwn } from '../core/redact.js'
import { verdictLine, type Report } from '../core/report.js'
import { parseAgentConfig } from '../providers/vault/agent-config.js'
import { renderJson } from '../render/json.js'
import { renderMarkdown } from '../render/markdown.js'
import { renderText } from '../render/text.js'
import { inventorySession, kubernetesSummaries, nodeApi, secretFileInventory } from './bundle-inventory.js'
import { scrubHcl, scrubTemplate, scrubValue } from './bundle-scrub.js'
import { tarGz, type TarFile } from './bundle-tar.js'
import { loadConfig, type ResolvedConfig } from './config.js'
import { runDoctor, type DoctorOptions } from './doctor.js'
import { outputPath, writeAtomic } from './report-run.js'
import { Chalk } from 'chalk'

export type BundleOptions = Omit<
  DoctorOptions,
  'format' | 'output' | 'verbose' | 'stdout' | 'stderr' | 'resolvedConfig'
> & {
  /** Where to write the .tar.gz; `-` for stdout. Default: edge-secrets-bundle-<host>-<time>.tar.gz. */
  readonly output?: string
  readonly stdout?: NodeJS.WritableStream
  readonly stderr?: NodeJS.WritableStream
  readonly now?: () => Date
}

interface Entry {
  readonly path: string
  readonly content: string
  readonly what: string
  readonly why: string
}

/** A stream that keeps what is written to it: the doctor's document and its log, in memory. */
class Capture extends Writable {
  text = ''
  isTTY = false
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    done()
  }
}

const json = (v: unknown) => `${JSON.stringify(redactDeep(v), null, 2)}\n`
const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'node'

function versions(report: Report) {
  return {
    tool: report.tool,
    node: { version: process.version, ...process.versions },
    os: { type: osType(), platform: platform(), release: release(), arch: arch() },
  }
}

/** Names only: which variables were set for the run (a value is never written). */
function envNames(env: NodeJS.ProcessEnv) {
  const names = Object.keys(env).sort()
  const known =
    /^(VAULT_|AWS_|GOOGLE_|GCE_|AZURE_|KUBE|KUBERNETES_|EDGE_SECRETS_|POD_|NODE_NAME$|EXPANSO_|METADATA_SERVER|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/
  return { set: names, relevant: names.filter((n) => known.test(n)) }
}

/** The agent HCL and its template sources, scrubbed, or why they are not included. */
async function agentFiles(config: ResolvedConfig): Promise<{ entries: Entry[]; notes: string[] }> {
  const file = config.vault.agentConfig
  if (!file) return { entries: [], notes: ['no Vault agent config (vault.agentConfig): none included'] }
  let text: string
  try {
    text = await readInput(file, 'agent config')
  } catch (e) {
    return { entries: [], notes: [redact((e as Error).message)] }
  }
  const entries: Entry[] = [
    {
      path: 'agent/vault-agent.hcl',
      content: scrubHcl(text),
      what: `the Vault agent config (${file})`,
      why: 'auth method, sinks, templates and render interval decide what reaches the pipeline; credential attributes and literal template contents are removed',
    },
  ]
  const notes: string[] = []
  try {
    const agent = await parseAgentConfig(text, file)
    let n = 0
    for (const t of agent.templates) {
      if (!t.source) continue
      const src = isAbsolute(t.source) ? t.source : resolve(dirname(file), t.source)
      try {
        const body = await readInput(src, 'template')
        n++
        entries.push({
          path: `agent/templates/${n}-${safeName(src.split('/').pop() ?? 'template')}`,
          content: scrubTemplate(body),
          what: `agent template ${src} (renders ${t.destination ?? 'nowhere'})`,
          why: 'which secret paths and keys the agent renders into which file; literal values are removed, template actions kept',
        })
      } catch (e) {
        notes.push(`template ${src}: ${redact((e as Error).message)}`)
      }
    }
  } catch (e) {
    notes.push(`agent config could not be parsed (${redact((e as Error).message)}): templates not included`)
  }
  return { entries, notes }
}

function timings(report: Report) {
  return {
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    interrupted: report.interrupted ?? false,
    checks: [...report.checks]
      .sort((a, b) => b.durationMs - a.durationMs)
      .map((c) => ({ id: c.id, status: c.status, durationMs: c.durationMs })),
  }
}

function manifest(report: Report, entries: readonly Entry[], notes: readonly string[], created: Date) {
  return {
    kind: 'edge-secrets-bundle',
    bundleVersion: 1,
    createdAt: created.toISOString(),
    tool: report.tool,
    node: report.node,
    verdict: verdictLine(report),
    guarantee:
      'No secret value is in this bundle: the report names keys, never values; the config, agent HCL and templates have credential values and literals removed; environment variables are names only; secret files are metadata only; Kubernetes objects are summaries without data or env values.',
    files: entries.map((e) => ({
      path: e.path,
      bytes: Buffer.byteLength(e.content),
      sha256: createHash('sha256').update(e.content).digest('hex'),
      what: e.what,
      why: e.why,
    })),
    notCollected: notes,
  }
}

export async function runBundle(
  opts: BundleOptions,
): Promise<{ file?: string; bytes: Buffer; report: Report }> {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const stderr = opts.stderr ?? process.stderr
  const created = (opts.now ?? (() => new Date()))()
  const toStdout = opts.output === '-'
  const out = toStdout
    ? undefined
    : (outputPath(
        opts.output ?? `edge-secrets-bundle-${safeName(hostname())}-${stamp(created)}.tar.gz`,
        cwd,
      ) as string)
  const config = await loadConfig({ file: opts.config, env, cwd, manifests: opts.manifests })
  const doc = new Capture()
  const log = new Capture()
  const { output: _output, now: _now, stdout: _stdout, stderr: _stderr, ...doctor } = opts
  const { report } = await runDoctor({
    ...doctor,
    format: 'json',
    verbose: true,
    color: false,
    resolvedConfig: config,
    stdout: doc as unknown as NodeJS.WriteStream,
    stderr: log as unknown as NodeJS.WriteStream,
  })
  const timeoutMs = 10_000
  const [files, kube, agent] = await Promise.all([
    secretFileInventory(nodeApi(inventorySession(config, env, timeoutMs, true)), config).catch(
      (e: Error) => e,
    ),
    kubernetesSummaries(config, env, timeoutMs, opts.offline ?? false),
    agentFiles(config),
  ])
  const notes = [...agent.notes]
  if (files instanceof Error) notes.push(`secret files: ${redact(files.message)}`)
  if (!kube.collected) notes.push(`Kubernetes objects: ${kube.reason}`)
  const entries: Entry[] = [
    {
      path: 'report.json',
      content: renderJson(report),
      what: 'the doctor report (schema/report.schema.json)',
      why: 'every check, finding and remedy; `edge-secrets report show|diff` read it',
    },
    {
      path: 'report.md',
      content: renderMarkdown(report),
      what: 'the same report as a runbook',
      why: 'readable in the ticket as it is',
    },
    {
      path: 'doctor.log',
      content: redact(log.text),
      what: 'the run’s --verbose log: one line per finished check, then every check with its evidence',
      why: 'what happened in which order, with timings',
    },
    {
      path: 'versions.json',
      content: json(versions(report)),
      what: 'edge-secrets, Node.js and OS versions',
      why: 'a behaviour may belong to one version',
    },
    {
      path: 'config.json',
      content: json(scrubValue({ ...config, locations: undefined })),
      what: 'the effective config (file, environment and defaults resolved)',
      why: 'what the doctor was told to check; credential values removed',
    },
    {
      path: 'environment.json',
      content: json(envNames(env)),
      what: 'the names of the environment variables that were set (no values)',
      why: 'VAULT_ADDR, AWS_PROFILE, KUBECONFIG … change what the doctor and the agent do',
    },
    {
      path: 'identities.json',
      content: json(report.identities),
      what: 'the identity each provider saw',
      why: 'who the doctor (and so the agent) was at each service',
    },
    {
      path: 'timings.json',
      content: json(timings(report)),
      what: 'the run’s start, duration and each check’s time, slowest first',
      why: 'slow or timed-out calls point at the network or the service',
    },
    ...agent.entries.map((e) => ({ ...e, content: redact(e.content) })),
  ]
  if (!(files instanceof Error))
    entries.push({
      path: 'secret-files.json',
      content: json(files),
      what: 'the secret files: path, role, mode, owner, size, write time, filesystem (never contents)',
      why: 'permissions, tmpfs and staleness of what the pipeline reads',
    })
  if (kube.collected)
    entries.push({
      path: 'kubernetes.json',
      content: json(kube),
      what: `summaries of the Kubernetes objects the doctor reads (${kube.source}, namespace ${kube.namespace})`,
      why: 'workloads, service accounts, secret stores and Secret key names, without data, env values or kubectl’s applied copies',
    })
  const tarFiles: TarFile[] = [
    { path: 'MANIFEST.json', content: json(manifest(report, entries, notes, created)) },
    ...entries.map((e) => ({ path: e.path, content: e.content })),
  ]
  const bytes = await tarGz(tarFiles, created)
  if (out) writeAtomic(out, bytes, 0o600)
  else (opts.stdout ?? process.stdout).write(bytes)
  writeOwn(
    stderr,
    `${renderText(report, { color: new Chalk({ level: 0 }) })}\nedge-secrets: bundle ${out ?? '(stdout)'}: ${tarFiles.length} files, ${bytes.length} bytes; MANIFEST.json says what each is\n`,
  )
  return { ...(out ? { file: out } : {}), bytes, report }
}
