// STS and IAM (awsQuery): GetCallerIdentity, AssumeRoleWithWebIdentity and SimulatePrincipalPolicy, told
// apart by the form's `Action` and `Version` (research/wire-protocols.md §3.4, §3.5).
import type { ServerResponse } from 'node:http'
import type { SimRequest } from '../server.js'
import { evaluate } from './policy.js'
import { sigErrorCode, verifySigV4, type SigFailure } from './sigv4.js'
import { accountOf, isThrottled, roleArnOf, type AwsSimPrincipal, type SimContext } from './state.js'
import { listMembers, queryResponse, sendQueryError, sendXml, xmlEscape, XMLNS } from './wire.js'

function queryAuthError(res: ServerResponse, ns: string, requestId: string, sig: SigFailure): void {
  const status = sig.code === 'incomplete' ? 400 : 403
  sendQueryError(res, ns, requestId, sigErrorCode(sig, 'query'), sig.message, status)
}

function assumeRoleWithWebIdentity(sim: SimContext, r: SimRequest, form: URLSearchParams, requestId: string) {
  const { state } = sim
  const ns = XMLNS.sts
  const token = form.get('WebIdentityToken') ?? ''
  const roleArn = form.get('RoleArn') ?? ''
  const session = form.get('RoleSessionName') ?? 'session'
  const wi = (state.webIdentities ?? []).find((w) => w.token === token)
  if (!wi)
    return sendQueryError(r.res, ns, requestId, 'InvalidIdentityToken', 'Incorrect token audience', 400)
  const p = wi.roleArn === roleArn ? state.principals.find((x) => x.accessKeyId === wi.issues) : undefined
  if (!p)
    return sendQueryError(
      r.res,
      ns,
      requestId,
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    )
  const expiration = new Date(r.now.getTime() + 3_600_000).toISOString()
  const inner =
    `    <Credentials>\n      <AccessKeyId>${p.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${xmlEscape(p.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlEscape(p.sessionToken ?? '')}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n` +
    `    <AssumedRoleUser>\n      <Arn>${xmlEscape(p.arn)}</Arn>\n      <AssumedRoleId>${xmlEscape(p.userId ?? 'AROAEXAMPLEID:' + session)}</AssumedRoleId>\n    </AssumedRoleUser>\n` +
    `    <Audience>sts.amazonaws.com</Audience>\n    <Provider>arn:aws:iam::${state.account}:oidc-provider/oidc.eks.${state.region}.amazonaws.com/id/EXAMPLE</Provider>\n`
  return sendXml(r.res, 200, queryResponse('AssumeRoleWithWebIdentity', ns, inner, requestId), requestId)
}

function getCallerIdentity(sim: SimContext, res: ServerResponse, p: AwsSimPrincipal, requestId: string) {
  const inner =
    `    <Arn>${xmlEscape(p.arn)}</Arn>\n    <UserId>${xmlEscape(p.userId ?? 'AROAEXAMPLEID:session')}</UserId>\n` +
    `    <Account>${accountOf(sim.state, p.arn)}</Account>\n`
  return sendXml(res, 200, queryResponse('GetCallerIdentity', XMLNS.sts, inner, requestId), requestId)
}

/** One `<member>` of EvaluationResults per action × resource. */
function evaluationMembers(target: AwsSimPrincipal, actions: string[], resources: string[]): string {
  let members = ''
  for (const action of actions) {
    for (const resource of resources.length ? resources : ['*']) {
      const decision = evaluate(target.statements, action, resource)
      members +=
        `      <member>\n        <EvalActionName>${xmlEscape(action)}</EvalActionName>\n        <EvalResourceName>${xmlEscape(resource)}</EvalResourceName>\n` +
        `        <EvalDecision>${decision}</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n      </member>\n`
    }
  }
  return members
}

function simulatePrincipalPolicy(
  sim: SimContext,
  res: ServerResponse,
  form: URLSearchParams,
  caller: AwsSimPrincipal,
  requestId: string,
) {
  const ns = XMLNS.iam
  const source = form.get('PolicySourceArn') ?? ''
  if (evaluate(caller.statements, 'iam:SimulatePrincipalPolicy', source) !== 'allowed') {
    const what = /:role\/(.+)$/.exec(source)?.[1]
    return sendQueryError(
      res,
      ns,
      requestId,
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${what ? `role ${what}` : source} because no identity-based policy allows the iam:SimulatePrincipalPolicy action`,
    )
  }
  const target = sim.state.principals.find((p) => (p.policySourceArn ?? roleArnOf(p.arn) ?? p.arn) === source)
  if (!target) {
    const name = /:(?:role|user)\/(.+)$/.exec(source)?.[1] ?? source
    return sendQueryError(
      res,
      ns,
      requestId,
      'NoSuchEntity',
      `The role with name ${name} cannot be found.`,
      404,
    )
  }
  const actions = listMembers(form, 'ActionNames')
  if (actions.length === 0)
    return sendQueryError(res, ns, requestId, 'InvalidInput', 'ActionNames is required', 400)
  const members = evaluationMembers(target, actions, listMembers(form, 'ResourceArns'))
  const inner = `    <IsTruncated>false</IsTruncated>\n    <EvaluationResults>\n${members}    </EvaluationResults>\n`
  return sendXml(res, 200, queryResponse('SimulatePrincipalPolicy', ns, inner, requestId), requestId)
}

/** Signature, scope and token checks every signed query call passes, in AWS's order; the caller, or undefined. */
function authenticate(sim: SimContext, r: SimRequest, service: 'sts' | 'iam', requestId: string) {
  const ns = XMLNS[service]
  const sig = verifySigV4(r, sim.state)
  if (!sig.ok) return void queryAuthError(r.res, ns, requestId, sig)
  if (sig.service !== service) {
    const why = `Credential should be scoped to correct service: '${service}'.`
    return void sendQueryError(r.res, ns, requestId, 'SignatureDoesNotMatch', why)
  }
  if (sig.principal.expired) {
    const why = 'The security token included in the request is expired'
    return void sendQueryError(r.res, ns, requestId, 'ExpiredToken', why)
  }
  return sig.principal
}

export function handleQuery(sim: SimContext, r: SimRequest, requestId: string): void {
  const form = new URLSearchParams(r.body)
  const action = form.get('Action') ?? ''
  const version = form.get('Version')
  const service = version === '2010-05-08' ? 'iam' : 'sts'
  sim.record(r.log, `${service}.${action}`)
  if (service === 'sts' && action === 'AssumeRoleWithWebIdentity')
    return assumeRoleWithWebIdentity(sim, r, form, requestId)
  const ns = XMLNS[service]
  const caller = authenticate(sim, r, service, requestId)
  if (!caller) return
  if (isThrottled(sim.state, action))
    return sendQueryError(r.res, ns, requestId, 'Throttling', 'Rate exceeded', 400)
  if (service === 'sts' && action === 'GetCallerIdentity')
    return getCallerIdentity(sim, r.res, caller, requestId)
  if (service === 'iam' && action === 'SimulatePrincipalPolicy')
    return simulatePrincipalPolicy(sim, r.res, form, caller, requestId)
  const why = `Could not find operation ${action} for version ${version}`
  return sendQueryError(r.res, ns, requestId, 'InvalidAction', why, 400)
}
