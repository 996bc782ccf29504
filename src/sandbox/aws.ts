// A loopback AWS: STS (awsQuery, XML), Secrets Manager (awsJson1_1, epoch-second timestamps) and IAM
// SimulatePrincipalPolicy (awsQuery, XML) on one server, dispatching on `X-Amz-Target` vs the `Action=` form
// field as the real endpoints' wire formats require (research/wire-protocols.md §3). It verifies SigV4
// (credential scope, signature, `X-Amz-Date` against its own clock), enforces per-principal allow lists the
// way IAM evaluates them (explicit deny > allow > implicit deny), and fails the way the services do: KMS,
// throttling, expired tokens, clock skew. The state object is read on every request, so tests mutate it
// between calls. The parts live in ./aws/; this module starts the server and routes each request.
import { randomUUID } from 'node:crypto'
import { handleMetadata, isMetadataRequest } from './aws/metadata.js'
import { handleQuery } from './aws/query.js'
import { handleJson } from './aws/secrets-manager.js'
import type { AwsSimState, SimContext } from './aws/state.js'
import { sendJsonError } from './aws/wire.js'
import {
  startLoopbackServer,
  type LoopbackServer,
  type ServerKnobs,
  type SimRequest,
  type StartOptions,
} from './server.js'

export * from './aws/deployment.js'
export { evaluate, statementsFromPolicy, type EvalDecision } from './aws/policy.js'
export { amzDate } from './aws/sigv4.js'
export * from './aws/state.js'

export interface AwsSimulator {
  readonly url: string
  readonly server: LoopbackServer
  readonly knobs: ServerKnobs
  readonly state: AwsSimState
  /** `service.Operation` of each request, in order (e.g. `secretsmanager.GetSecretValue`). */
  operations(): string[]
  close(): Promise<void>
}

function route(sim: SimContext, r: SimRequest): void {
  const requestId = randomUUID()
  if (isMetadataRequest(sim.state, r.url.pathname)) return handleMetadata(sim, r)
  if (r.req.method !== 'POST' || r.url.pathname !== '/') {
    sim.record(r.log, `unknown ${r.req.method} ${r.url.pathname}`)
    return sendJsonError(r.res, requestId, 'UnknownOperationException', 'Unknown operation', 404)
  }
  const target = r.req.headers['x-amz-target']
  if (typeof target === 'string') return handleJson(sim, r, target, requestId)
  return handleQuery(sim, r, requestId)
}

export async function startAwsSimulator(
  state: AwsSimState,
  options: { knobs?: Partial<ServerKnobs>; tls?: StartOptions['tls'] } = {},
): Promise<AwsSimulator> {
  const ops: string[] = []
  const sim: SimContext = {
    state,
    record(log, operation) {
      log.operation = operation
      ops.push(operation)
    },
  }
  const server = await startLoopbackServer((r) => route(sim, r), { knobs: options.knobs, tls: options.tls })
  return {
    url: server.url,
    server,
    knobs: server.knobs,
    state,
    operations: () => [...ops],
    close: () => server.close(),
  }
}
