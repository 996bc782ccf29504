// Loads, validates and resolves edge-secrets.yaml (CONTRACT §3). Discovery order: --config, then
// $EDGE_SECRETS_CONFIG, ./edge-secrets.yaml, /etc/expanso/edge-secrets.yaml, else zero-config. What the file
// leaves out comes from each ecosystem's standard environment variables. Any problem is a ConfigError
// naming file:line:col and what was expected, which the command turns into exit 2.
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { configSchema } from './config-schema.js'
import type { IgnoreEntry, ResolvedConfig } from './config-types.js'
import { parseDuration } from './duration.js'

export type { ResolvedConfig } from './config-types.js'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message)
  }

  /** One line, no stack: `edge-secrets.yaml:7:5: thresholds.tokenMinTtl: expected a duration…` */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}:${this.col ?? 1}` : ''}: ` : ''
    return `${where}${this.message}`
  }
}

export interface LoadOptions {
  /** --config */
  readonly file?: string
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** --manifests */
  readonly manifests?: readonly string[]
}

/** Raw (validated) config file contents. */
export type RawConfig = Record<string, unknown>

export const DEFAULT_CONFIG_PATHS = ['./edge-secrets.yaml', '/etc/expanso/edge-secrets.yaml']
export const DEFAULT_PIPELINE_CONFIG = '/etc/expanso/pipeline.yaml'
export const DEFAULT_MAX_STALENESS = '24h'

export function discoverConfigFile(opts: LoadOptions): string | undefined {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  if (opts.file) return resolve(cwd, opts.file)
  if (env.EDGE_SECRETS_CONFIG) return resolve(cwd, env.EDGE_SECRETS_CONFIG)
  for (const p of DEFAULT_CONFIG_PATHS) {
    const abs = resolve(cwd, p)
    if (existsSync(abs)) return abs
  }
  return undefined
}

export async function loadConfig(opts: LoadOptions = {}): Promise<ResolvedConfig> {
  const file = discoverConfigFile(opts)
  let raw: RawConfig = {}
  if (file) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new ConfigError(
        `cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        file,
      )
    }
    raw = await parseConfigText(text, file)
  }
  return resolveConfig(raw, { ...opts, file })
}

/** Parses and validates YAML text; errors carry the file and the line of the offending key or value. */
export async function parseConfigText(text: string, file: string): Promise<RawConfig> {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const pos = lineCounter.linePos(first.pos[0])
    throw new ConfigError(`invalid YAML: ${first.message.split('\n')[0]}`, file, pos.line, pos.col)
  }
  const value = (doc.toJS() ?? {}) as unknown
  if (typeof value !== 'object' || Array.isArray(value) || value === null)
    throw new ConfigError('expected a mapping at the top level', file, 1, 1)
  const errors = await validate(value)
  if (errors.length) {
    const e = errors[0] as AjvErrorLike
    const path = e.instancePath.split('/').filter(Boolean).map(unescapePointer)
    const { line, col } = locate(
      doc,
      lineCounter,
      path,
      e.keyword === 'additionalProperties' ? e.params.additionalProperty : undefined,
    )
    throw new ConfigError(describe(e, path), file, line, col)
  }
  return value as RawConfig
}

interface AjvErrorLike {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown> & {
    additionalProperty?: string
    allowedValues?: unknown[]
    format?: string
  }
}

let validator: ((v: unknown) => AjvErrorLike[]) | undefined

async function validate(value: unknown): Promise<AjvErrorLike[]> {
  if (!validator) {
    // Loaded on demand: `checks`, `explain` and `--version` never pay for Ajv.
    const { Ajv } = await import('ajv')
    const ajv = new Ajv({ allErrors: false, strict: true })
    ajv.addFormat('duration', { type: 'string', validate: (s: string) => parseDuration(s) !== undefined })
    ajv.addFormat('date', {
      type: 'string',
      validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
    })
    const fn = ajv.compile(configSchema)
    validator = (v) => (fn(v) ? [] : ((fn.errors ?? []) as AjvErrorLike[]))
  }
  return validator(value)
}

const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')

function describe(e: AjvErrorLike, path: string[]): string {
  const at = path.length ? path.join('.') : 'config'
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at === 'config' ? '' : `${at}: `}unknown key "${e.params.additionalProperty}"`
    case 'format':
      return e.params.format === 'duration'
        ? `${at}: expected a duration like 90m, 5s, 1500ms or 14d`
        : `${at}: expected a date like 2027-01-31`
    case 'type':
      return `${at}: expected ${String(e.params.type)}`
    case 'enum':
      return `${at}: expected one of ${(e.params.allowedValues ?? []).join(', ')}`
    case 'required':
      return `${at}: missing required key "${String(e.params.missingProperty)}"`
    case 'minLength':
      return `${at}: must not be empty`
    default:
      return `${at}: ${e.message ?? 'invalid'}`
  }
}

function locate(
  doc: Document,
  lc: LineCounter,
  path: string[],
  unknownKey?: string,
): { line?: number; col?: number } {
  let node: Node | null | undefined = doc.contents as Node | null
  let best: Node | null | undefined = node
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === seg)
      node = pair?.value as Node | undefined
      if (pair?.key) best = pair.key as Node
    } else if (isSeq(node)) {
      node = node.items[Number(seg)] as Node | undefined
    } else break
    if (node) best = node
  }
  if (unknownKey && isMap(node)) {
    const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === unknownKey)
    if (pair?.key) best = pair.key as Node
  }
  const offset = best?.range?.[0]
  if (offset === undefined) return {}
  const pos = lc.linePos(offset)
  return { line: pos.line, col: pos.col }
}

const get = (o: unknown, key: string): Record<string, unknown> =>
  o && typeof o === 'object' && key in o
    ? ((o as Record<string, unknown>)[key] as Record<string, unknown>)
    : {}
const strOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const ms = (v: unknown, fallback: string): number => parseDuration(strOf(v) ?? fallback) ?? 0
const truthy = (v: string | undefined) =>
  v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
const fileExists = (p: string | undefined) => !!p && existsSync(p)

/** Applies defaults and env vars to validated raw config. Pure but for existence checks of env-named files. */
export function resolveConfig(raw: RawConfig, opts: LoadOptions & { file?: string } = {}): ResolvedConfig {
  const env = opts.env ?? process.env
  const base = opts.file ? resolve(opts.file, '..') : (opts.cwd ?? process.cwd())
  const abs = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(base, p))
  const pipeline = get(raw, 'pipeline')
  const vault = get(raw, 'vault')
  const auth = get(vault, 'auth')
  const aws = get(raw, 'aws')
  const gcp = get(raw, 'gcp')
  const azure = get(raw, 'azure')
  const kube = get(raw, 'kubernetes')
  const thresholds = get(raw, 'thresholds')
  const manifests = (opts.manifests ?? []).map((m) => resolve(opts.cwd ?? process.cwd(), m))

  const pipelineConfig = abs(strOf(pipeline.config))
  const envFiles = Array.isArray(pipeline.envFiles)
    ? (pipeline.envFiles as string[]).map((f) => abs(f) as string)
    : []
  const vaultAddress = strOf(vault.address) ?? strOf(env.VAULT_ADDR)
  const agentConfig = abs(strOf(vault.agentConfig))
  const kubeconfig = abs(strOf(kube.kubeconfig)) ?? strOf(env.KUBECONFIG)?.split(':')[0]
  const gcpCreds = abs(strOf(gcp.credentialsFile)) ?? strOf(env.GOOGLE_APPLICATION_CREDENTIALS)

  return {
    file: opts.file,
    environment: strOf(raw.environment),
    pipeline: {
      config: pipelineConfig ?? DEFAULT_PIPELINE_CONFIG,
      envFiles,
      maxStalenessMs: ms(pipeline.maxStaleness, DEFAULT_MAX_STALENESS),
      explicit: pipelineConfig !== undefined || envFiles.length > 0,
    },
    vault: {
      configured: 'vault' in raw || !!vaultAddress || !!agentConfig,
      address: vaultAddress,
      caCert: abs(strOf(vault.caCert)) ?? strOf(env.VAULT_CACERT),
      skipVerify: vault.skipVerify === true || truthy(env.VAULT_SKIP_VERIFY),
      namespace: strOf(vault.namespace) ?? strOf(env.VAULT_NAMESPACE),
      token: strOf(env.VAULT_TOKEN),
      auth: {
        method: auth.method as ResolvedConfig['vault']['auth']['method'],
        role: strOf(auth.role),
        mount: strOf(auth.mount),
        jwtPath: abs(strOf(auth.jwtPath)),
        tokenFile: abs(strOf(auth.tokenFile)),
        roleIdFile: abs(strOf(auth.roleIdFile)),
        secretIdFile: abs(strOf(auth.secretIdFile)),
      },
      agentConfig,
      agentPidFile: abs(strOf(vault.agentPidFile)),
      secrets: ((vault.secrets as { path: string; keys?: string[] }[] | undefined) ?? []).map((s) => ({
        path: s.path,
        keys: s.keys ?? [],
      })),
    },
    aws: {
      configured:
        'aws' in raw ||
        !!env.AWS_ACCESS_KEY_ID ||
        !!env.AWS_PROFILE ||
        (!!env.AWS_ROLE_ARN && !!env.AWS_WEB_IDENTITY_TOKEN_FILE) ||
        !!env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
        !!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
      region: strOf(aws.region) ?? strOf(env.AWS_REGION) ?? strOf(env.AWS_DEFAULT_REGION),
      profile: strOf(aws.profile) ?? strOf(env.AWS_PROFILE),
      endpoint: strOf(aws.endpoint),
      expectRoleArn: strOf(aws.expectRoleArn),
      maxRotationDays: typeof aws.maxRotationDays === 'number' ? aws.maxRotationDays : 30,
      secrets: ((aws.secrets as { id: string; keys?: string[] }[] | undefined) ?? []).map((s) => ({
        id: s.id,
        keys: s.keys ?? [],
      })),
    },
    gcp: {
      // A credentials path that is set but missing is a finding of gcp.credentials, not a reason to stay silent.
      configured: 'gcp' in raw || !!gcpCreds || !!env.GOOGLE_CLOUD_PROJECT,
      project: strOf(gcp.project) ?? strOf(env.GOOGLE_CLOUD_PROJECT),
      endpoint: strOf(gcp.endpoint),
      credentialsFile: gcpCreds,
      secrets: ((gcp.secrets as { name: string; keys?: string[] }[] | undefined) ?? []).map((s) => ({
        name: s.name,
        keys: s.keys ?? [],
      })),
    },
    azure: {
      configured:
        'azure' in raw ||
        (!!env.AZURE_CLIENT_ID && !!env.AZURE_TENANT_ID && !!env.AZURE_FEDERATED_TOKEN_FILE),
      vaultUrl: strOf(azure.vaultUrl),
      clientId: strOf(azure.clientId) ?? strOf(env.AZURE_CLIENT_ID),
      tenantId: strOf(azure.tenantId) ?? strOf(env.AZURE_TENANT_ID),
      federatedTokenFile: strOf(env.AZURE_FEDERATED_TOKEN_FILE),
      authorityHost: strOf(azure.authorityHost) ?? strOf(env.AZURE_AUTHORITY_HOST),
      maxRetries: typeof azure.maxRetries === 'number' ? azure.maxRetries : undefined,
      caCert: abs(strOf(azure.caCert)),
      secrets: ((azure.secrets as { name: string; keys?: string[] }[] | undefined) ?? []).map((s) => ({
        name: s.name,
        keys: s.keys ?? [],
      })),
    },
    kubernetes: {
      configured:
        'kubernetes' in raw ||
        fileExists(kubeconfig) ||
        !!env.KUBERNETES_SERVICE_HOST ||
        manifests.length > 0,
      context: strOf(kube.context),
      kubeconfig,
      namespace: strOf(kube.namespace) ?? strOf(env.POD_NAMESPACE) ?? 'expanso-system',
      deployment: strOf(kube.deployment),
      selector: strOf(kube.selector),
      manifests,
    },
    ignore: ((raw.ignore as IgnoreEntry[] | undefined) ?? []).map((i) => ({
      check: i.check,
      reason: i.reason,
      until: i.until === undefined ? undefined : String(i.until),
    })),
    thresholds: {
      latencyP95Ms: ms(thresholds.latencyP95, '500ms'),
      latencySamples: typeof thresholds.latencySamples === 'number' ? thresholds.latencySamples : 5,
      tokenMinTtlMs: ms(thresholds.tokenMinTtl, '10m'),
      certMinValidityMs: ms(thresholds.certMinValidity, '14d'),
      clockSkewWarnMs: ms(thresholds.clockSkewWarn, '30s'),
      clockSkewFailMs: ms(thresholds.clockSkewFail, '5m'),
    },
  }
}

/** A resolved config for tests and the harness: zero-config with nothing from the environment. */
export function defaultConfig(raw: RawConfig = {}, opts: LoadOptions = {}): ResolvedConfig {
  return resolveConfig(raw, { env: {}, cwd: '/', ...opts })
}
