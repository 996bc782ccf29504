// STS and IAM (awsQuery): GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity and
// SimulatePrincipalPolicy, told apart by the form's `Action` and `Version` (research/wire-protocols.md §3.4,
// §3.5).
import type { ServerResponse } from 'node:http'
import type { SimRequest } from '../server.js'
import { evaluate } from './policy.js'
import { sigErrorCode, verifySigV4, type SigFailure } from './sigv4.js'
import {
  accountOf,
  isThrottled,
  roleArnOf,
  type AwsSimPrincipal,
  type AwsSimRole,
  type SimContext,
} from './state.js'
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

/** STS's parameter validation, worded as STS words it; undefined when the form is valid. */
function invalidAssumeRole(form: URLSearchParams): string | undefined {
  const roleArn = form.get('RoleArn')
  const session = form.get('RoleSessionName')
  const duration = form.get('DurationSeconds')
  const constraint = (value: string | null, field: string, rule: string) =>
    `1 validation error detected: Value ${value === null ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: ${rule}`
  if (roleArn === null) return constraint(null, 'roleArn', 'Member must not be null')
  if (roleArn.length < 20)
    return constraint(roleArn, 'roleArn', 'Member must have length greater than or equal to 20')
  if (session === null) return constraint(null, 'roleSessionName', 'Member must not be null')
  if (!/^[\w+=,.@-]*$/.test(session))
    return constraint(
      session,
      'roleSessionName',
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    )
  if (session.length < 2)
    return constraint(session, 'roleSessionName', 'Member must have length greater than or equal to 2')
  if (session.length > 64)
    return constraint(session, 'roleSessionName', 'Member must have length less than or equal to 64')
  if (duration !== null && !(Number(duration) >= 900))
    return constraint(duration, 'durationSeconds', 'Member must have value greater than or equal to 900')
  return undefined
}

/**
 * IAM's verdict on one AssumeRole: the role's trust policy must let the caller in, and the caller's own policy
 * must allow sts:AssumeRole on the role too, unless the trust policy names the caller itself in the role's own
 * account. An explicit deny in the caller's policy wins over both.
 */
function mayAssume(caller: AwsSimPrincipal, callerIam: string, role: AwsSimRole): boolean {
  const own = evaluate(caller.statements, 'sts:AssumeRole', role.arn)
  if (own === 'explicitDeny') return false
  const roleAccount = /^arn:[\w-]+:iam::(\d{12}):/.exec(role.arn)?.[1]
  const callerAccount = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(callerIam)?.[1]
  const named = role.trusts.includes(callerIam)
  if (named && callerAccount === roleAccount) return true
  const account = callerAccount ? [callerAccount, `arn:aws:iam::${callerAccount}:root`] : []
  return (named || account.some((a) => role.trusts.includes(a))) && own === 'allowed'
}

/** The session an AssumeRole starts is a principal of its own: calls signed with its credentials run as it. */
function startSession(sim: SimContext, role: AwsSimRole, arn: string, userId: string): void {
  const principal: AwsSimPrincipal = {
    accessKeyId: role.session.accessKeyId,
    secretAccessKey: role.session.secretAccessKey,
    sessionToken: role.session.sessionToken,
    arn,
    userId,
    policySourceArn: role.arn,
    statements: role.statements,
  }
  const { principals } = sim.state
  const at = principals.findIndex((p) => p.accessKeyId === principal.accessKeyId)
  if (at >= 0) principals[at] = principal
  else principals.push(principal)
}

function assumeRole(
  sim: SimContext,
  r: SimRequest,
  form: URLSearchParams,
  caller: AwsSimPrincipal,
  requestId: string,
) {
  const ns = XMLNS.sts
  const invalid = invalidAssumeRole(form)
  if (invalid) return sendQueryError(r.res, ns, requestId, 'ValidationError', invalid, 400)
  const roleArn = form.get('RoleArn') as string
  const session = form.get('RoleSessionName') as string
  const callerIam = caller.policySourceArn ?? roleArnOf(caller.arn) ?? caller.arn
  const role = (sim.state.roles ?? []).find((x) => x.arn === roleArn)
  // STS does not say whether a role exists: an unknown role is refused exactly as an untrusting one is.
  if (!role || !mayAssume(caller, callerIam, role))
    return sendQueryError(
      r.res,
      ns,
      requestId,
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    )
  const durationSec = Number(form.get('DurationSeconds') ?? 3600)
  // A role's MaxSessionDuration is 1 hour unless raised; a session assuming a role is role chaining, capped
  // at 1 hour whatever the role allows.
  if (durationSec > 3600) {
    const why = caller.arn.includes(':assumed-role/')
      ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
      : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
    return sendQueryError(r.res, ns, requestId, 'ValidationError', why, 400)
  }
  const name = /:role\/(?:.*\/)?([^/]+)$/.exec(role.arn)?.[1] ?? role.arn
  const arn = `arn:aws:sts::${accountOf(sim.state, role.arn)}:assumed-role/${name}/${session}`
  const userId = `${role.roleId}:${session}`
  startSession(sim, role, arn, userId)
  const c = role.session
  const expiration = new Date(r.now.getTime() + durationSec * 1000).toISOString()
  const inner =
    `    <Credentials>\n      <AccessKeyId>${c.accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${xmlEscape(c.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlEscape(c.sessionToken)}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n` +
    `    <AssumedRoleUser>\n      <AssumedRoleId>${xmlEscape(userId)}</AssumedRoleId>\n      <Arn>${xmlEscape(arn)}</Arn>\n    </AssumedRoleUser>\n`
  return sendXml(r.res, 200, queryResponse('AssumeRole', ns, inner, requestId), requestId)
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
  if (service === 'sts' && action === 'AssumeRole') return assumeRole(sim, r, form, caller, requestId)
  if (service === 'iam' && action === 'SimulatePrincipalPolicy')
    return simulatePrincipalPolicy(sim, r.res, form, caller, requestId)
  const why = `Could not find operation ${action} for version ${version}`
  return sendQueryError(r.res, ns, requestId, 'InvalidAction', why, 400)
}
