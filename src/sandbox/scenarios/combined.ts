// Deployments that span providers, composed from the single-provider scenarios: each part is set up in its
// own subfolder with its own simulators, and the doctor configs are merged into one. What a newcomer sees
// first (`demo` without a name) is one of these: several providers, each with one root cause.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Scenario, ScenarioInstance, ScenarioOptions } from '../scenario.js'
import { awsScenarios } from './aws.js'
import { kubernetesScenarios } from './kubernetes.js'
import { nodeScenarios } from './node.js'
import { vaultScenarios } from './vault.js'

const parts: readonly Scenario[] = [
  ...nodeScenarios,
  ...vaultScenarios,
  ...awsScenarios,
  ...kubernetesScenarios,
]

const part = (name: string): Scenario => {
  const s = parts.find((p) => p.name === name)
  if (!s) throw new Error(`combined scenario: no scenario named ${name}`)
  return s
}

const EXIT_RANK = { 2: 3, 1: 2, 3: 1, 0: 0 } as const

/** Larger of two durations written the contract's way (`20s` vs `10s`). */
function longer(a: string | undefined, b: string | undefined): string | undefined {
  const ms = (d?: string) => (d ? Number(/^(\d+)s$/.exec(d)?.[1] ?? 0) * 1000 : 0)
  return ms(a) >= ms(b) ? (a ?? b) : b
}

/**
 * A Vault part's node as a running agent leaves it: the template rendered into its destination (placeholder
 * values: nothing here is a secret), loaded by the pipeline, and a process named `vault` behind the agent's
 * pid file. The single-provider Vault scenarios judge Vault alone and leave both out.
 */
function agentOnNode(sub: string, pipeline: Record<string, unknown>): ChildProcess | undefined {
  const tpl = join(sub, 'pipeline.env.tpl')
  if (!existsSync(tpl)) return undefined
  const rendered = readFileSync(tpl, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => `${l.split('=')[0]}=rendered-by-the-agent`)
  const env = join(sub, 'pipeline.env')
  writeFileSync(env, `${rendered.join('\n')}\n`, { mode: 0o600 })
  pipeline.envFiles = [...((pipeline.envFiles as string[] | undefined) ?? []), env]
  const agent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    argv0: 'vault',
    stdio: 'ignore',
  })
  writeFileSync(join(sub, 'vault-agent.pid'), `${agent.pid}\n`)
  return agent
}

/** One scenario from several: the first part's pipeline (node files), every part's provider sections. */
export function combine(spec: {
  readonly name: string
  readonly description: string
  readonly parts: readonly string[]
  /** Whether the node's own checks run (the first part's pipeline, the Vault agent's files). */
  readonly node?: boolean
  /** What changes when the parts run together (a node with an agent and servers to compare clocks with). */
  readonly expect?: Scenario['expect']
}): Scenario {
  const ss = spec.parts.map(part)
  const withNode = spec.node ?? true
  const providers = [
    ...new Set([...(withNode ? (['node'] as const) : []), ...ss.flatMap((s) => s.providers)]),
  ].filter((p) => withNode || p !== 'node')
  // Node expectations come from the part whose pipeline is used; each provider's from its own part.
  const expect = Object.assign(
    {},
    ...ss.map((s, i) =>
      Object.fromEntries(
        Object.entries(s.expect).filter(([id]) => (withNode && i === 0) || !id.startsWith('node.')),
      ),
    ),
    spec.expect ?? {},
  ) as Scenario['expect']
  const exitCode = ss
    .map((s) => s.exitCode)
    .reduce((a, b) => (EXIT_RANK[b] > EXIT_RANK[a] ? b : a), 0 as Scenario['exitCode'])
  return {
    name: spec.name,
    description: spec.description,
    providers,
    expect,
    exitCode,
    async setup(dir: string): Promise<ScenarioInstance> {
      const instances: ScenarioInstance[] = []
      try {
        for (const s of ss) {
          const sub = join(dir, s.name)
          mkdirSync(sub, { recursive: true })
          instances.push(await s.setup(sub))
        }
      } catch (e) {
        await Promise.all(instances.map((i) => i.stop()))
        throw e
      }
      const config: Record<string, unknown> = {}
      for (const [i, inst] of instances.entries())
        for (const [k, v] of Object.entries(inst.config))
          if (!(k in config) || (i === 0 && (k === 'pipeline' || k === 'environment'))) config[k] = v
      const agents: ChildProcess[] = []
      if (withNode) {
        const pipeline = { ...(config.pipeline as Record<string, unknown>) }
        for (const s of ss) {
          const a = s.providers.includes('vault') ? agentOnNode(join(dir, s.name), pipeline) : undefined
          if (a) agents.push(a)
        }
        config.pipeline = pipeline
      }
      const options: ScenarioOptions = instances.reduce<ScenarioOptions>(
        (o, inst) => ({
          ...o,
          ...inst.options,
          timeout: longer(o.timeout, inst.options?.timeout),
          deadline: longer(o.deadline, inst.options?.deadline),
        }),
        {},
      )
      return {
        config,
        env: Object.assign({}, ...instances.map((i) => i.env)),
        options,
        requestLog: () => instances.flatMap((i) => i.requestLog()),
        stop: async () => {
          for (const a of agents) a.kill()
          await Promise.all(instances.map((i) => i.stop()))
        },
      }
    },
  }
}

export const combinedScenarios: Scenario[] = [
  // What `demo` shows without a name: one root cause per provider, its dependents skipped, and the fix with
  // its command filled in.
  combine({
    name: 'showcase',
    description:
      "one root cause per provider: Vault's policy grants another path, the AWS role may not read its secret, and ESO never refreshes",
    parts: ['vault-permission-denied', 'aws-access-denied', 'k8s-eso-refresh-zero'],
    node: false,
  }),
  combine({
    name: 'full-healthy',
    description:
      'a healthy node with Vault (agent, Kubernetes auth), AWS Secrets Manager and External Secrets on Kubernetes',
    parts: ['node-healthy', 'vault-healthy', 'aws-healthy', 'k8s-eso-healthy'],
    expect: { 'node.vault-agent-process': { status: 'pass' }, 'node.clock-skew': { status: 'pass' } },
  }),
]
