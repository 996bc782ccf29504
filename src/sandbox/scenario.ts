// A scenario is data: simulator state + the node's files + the doctor config, and what the doctor should
// find. `demo` runs one in-process; e2e tests set one up and spawn the built CLI against it.
import type { ProviderId, Status } from '../core/check.js'
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
  /** Extra doctor flags (`--timeout 2s`, `--manifests dir`, `--offline`). */
  readonly args?: readonly string[]
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

export const defineScenario = (s: Scenario): Scenario => s
