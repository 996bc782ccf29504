// A scenario is data: simulator state + the node's files + the doctor config, and what the doctor should
// find. `demo` runs one in-process; e2e tests set one up and spawn the built CLI against it.
import type { Status } from '../core/check.js'
import type { ProviderId } from '../providers/index.js'
import type { RemedyId } from '../remedies.js'
import type { RequestLogEntry } from './server.js'

export interface ScenarioExpectation {
  readonly status: Status
  /** The finding key the check should report (for warn/fail). */
  readonly finding?: string
  /** Exactly these remedy ids, in any order (for warn/fail). */
  readonly remedies?: readonly RemedyId[]
  readonly skipReason?: string
}

export interface ScenarioInstance {
  /** The doctor config (edge-secrets.yaml content) to write into the scenario's folder. */
  readonly config: Record<string, unknown>
  /** Environment for the doctor process (VAULT_TOKEN, AWS_*, KUBECONFIG…), on top of a clean test env. */
  readonly env: Readonly<Record<string, string>>
  /** The doctor flags this deployment needs (a short --timeout for a black hole, --manifests, --offline). */
  readonly options?: ScenarioOptions
  /** Every request the simulators saw, to prove the doctor is read-only. */
  requestLog(): readonly (RequestLogEntry & { readonly server: string })[]
  stop(): Promise<void>
}

export interface Scenario {
  /** `vault-permission-denied`, `node-healthy`… */
  readonly name: string
  /** One line for `demo --list`. */
  readonly description: string
  /** The providers the doctor runs for this scenario (`--provider`). */
  readonly providers: readonly ProviderId[]
  /** Writes files into `dir` (a fresh temp folder) and starts the simulators. */
  setup(dir: string): Promise<ScenarioInstance>
  /** What the doctor must report: listed checks exactly; unlisted checks of `providers` must pass or skip. */
  readonly expect: Readonly<Record<string, ScenarioExpectation>>
  /** Expected exit code of `doctor` for this scenario. */
  readonly exitCode: 0 | 1 | 2 | 3
}

/** Doctor flags a scenario sets, as typed values; the user's own demo flags come on top. */
export interface ScenarioOptions {
  readonly timeout?: string
  readonly deadline?: string
  readonly only?: readonly string[]
  readonly skip?: readonly string[]
  readonly offline?: boolean
  readonly manifests?: readonly string[]
  readonly failOn?: 'fail' | 'warn' | 'never'
}

/** The same options as command-line flags, for tests that spawn the CLI. */
export function scenarioArgs(o: ScenarioOptions = {}): string[] {
  return [
    ...(o.timeout ? ['--timeout', o.timeout] : []),
    ...(o.deadline ? ['--deadline', o.deadline] : []),
    ...(o.only ?? []).flatMap((g) => ['--only', g]),
    ...(o.skip ?? []).flatMap((g) => ['--skip', g]),
    ...(o.offline ? ['--offline'] : []),
    ...(o.manifests ?? []).flatMap((m) => ['--manifests', m]),
    ...(o.failOn ? ['--fail-on', o.failOn] : []),
  ]
}

export const defineScenario = (s: Scenario): Scenario => s
