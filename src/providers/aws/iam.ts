// IAM: what the caller's policies allow, by SimulatePrincipalPolicy.
import type { AwsSimulationResult } from './api.js'
import type { AwsClients } from './clients.js'

export async function simulate(
  clients: AwsClients,
  policySourceArn: string,
  actions: readonly string[],
  resources: readonly string[],
): Promise<AwsSimulationResult[]> {
  const iam = await clients.iam()
  const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam')
  const input = { PolicySourceArn: policySourceArn, ActionNames: [...actions], ResourceArns: [...resources] }
  const out = await clients.call('SimulatePrincipalPolicy', iam, (client, abortSignal) =>
    client.send(new SimulatePrincipalPolicyCommand(input), { abortSignal }),
  )
  return (out.EvaluationResults ?? []).map((r) => ({
    action: r.EvalActionName ?? '',
    resource: r.EvalResourceName ?? '*',
    decision: r.EvalDecision ?? 'implicitDeny',
  }))
}
