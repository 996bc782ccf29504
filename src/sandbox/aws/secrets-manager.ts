// Secrets Manager (awsJson1_1): the read operations, with IAM evaluation per secret, KMS failures, deletion,
// missing AWSCURRENT, and the exact error codes and wording of research/wire-protocols.md §3.2–3.3.
import type { ServerResponse } from 'node:http'
import type { SimRequest } from '../server.js'
import { evaluate, matches } from './policy.js'
import { sigErrorCode, verifySigV4 } from './sigv4.js'
import { isThrottled, type AwsSimPrincipal, type AwsSimSecret, type SimContext } from './state.js'
import { epoch, sendAwsJson, sendJsonError } from './wire.js'

const SM_READS = new Set([
  'GetSecretValue',
  'DescribeSecret',
  'ListSecrets',
  'GetResourcePolicy',
  'ListSecretVersionIds',
])

const DEFAULT_CREATED = new Date(1_700_000_000_000)

const denial = (arn: string, op: string, resource: string) =>
  `User: ${arn} is not authorized to perform: secretsmanager:${op} on resource: ${resource} because no identity-based policy allows the secretsmanager:${op} action`

interface Call {
  readonly sim: SimContext
  readonly r: SimRequest
  readonly res: ServerResponse
  readonly requestId: string
}

const error = (c: Call, code: string, message: string, status?: number) =>
  sendJsonError(c.res, c.requestId, code, message, status)

function versionStages(secret: AwsSimSecret) {
  const current = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111'
  const map: Record<string, string[]> = {
    [current]: ['AWSCURRENT'],
    'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222': ['AWSPREVIOUS'],
  }
  if (secret.rotation?.pendingStuck) map['a1b2c3d4-5678-90ab-cdef-EXAMPLE33333'] = ['AWSPENDING']
  return { current, map }
}

/** The endpoint only knows its own region's secrets: an ARN from elsewhere is "not found", as in AWS. */
function findSecret(c: Call, id: string): AwsSimSecret | undefined {
  const region = c.sim.state.region
  return c.sim.state.secrets.find((s) => {
    if (s.arn.split(':')[3] !== region) return false
    if (id === s.name || id === s.arn) return true
    // A partial ARN (without the random suffix) also resolves.
    return id.startsWith('arn:') && s.arn.startsWith(id + '-') && s.arn.length === id.length + 7
  })
}

/** Signature, region and service scope, token expiry: the caller, or undefined once refused. */
function authenticate(c: Call): AwsSimPrincipal | undefined {
  const sig = verifySigV4(c.r, c.sim.state)
  if (!sig.ok) return void error(c, sigErrorCode(sig, 'json'), sig.message)
  if (sig.region !== c.sim.state.region)
    return void error(c, 'InvalidSignatureException', 'Credential should be scoped to a valid region.')
  if (sig.service !== 'secretsmanager') {
    const why = "Credential should be scoped to correct service: 'secretsmanager'."
    return void error(c, 'InvalidSignatureException', why)
  }
  if (sig.principal.expired)
    return void error(c, 'ExpiredTokenException', 'The security token included in the request is expired')
  return sig.principal
}

function listSecrets(c: Call, p: AwsSimPrincipal) {
  const { state } = c.sim
  if (evaluate(p.statements, 'secretsmanager:ListSecrets', '*') !== 'allowed')
    return error(c, 'AccessDeniedException', denial(p.arn, 'ListSecrets', '*'))
  const list = state.secrets.filter((s) => s.arn.split(':')[3] === state.region)
  const SecretList = list.map((s) => ({ ARN: s.arn, Name: s.name, CreatedDate: epoch(s.createdDate) }))
  return sendAwsJson(c.res, 200, { SecretList }, c.requestId)
}

/** The secret an operation names, once IAM allows it (identity policy, or the secret's resource policy). */
function authorizedSecret(c: Call, p: AwsSimPrincipal, op: string, id: string): AwsSimSecret | undefined {
  const { state } = c.sim
  const secret = findSecret(c, id)
  const resourceArn =
    secret?.arn ??
    (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${state.region}:${state.account}:secret:${id}`)
  const action = `secretsmanager:${op}`
  const decision = evaluate(p.statements, action, resourceArn)
  const resourceAllows = secret?.resourcePolicyAllows?.some((a) => matches(a, p.arn)) ?? false
  if (decision === 'explicitDeny') {
    const why = `User: ${p.arn} is not authorized to perform: ${action} on resource: ${id} with an explicit deny in an identity-based policy`
    return void error(c, 'AccessDeniedException', why)
  }
  if (decision !== 'allowed' && !resourceAllows)
    return void error(c, 'AccessDeniedException', denial(p.arn, op, id))
  if (!secret)
    return void error(c, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
  return secret
}

function getSecretValue(c: Call, secret: AwsSimSecret) {
  if (secret.deletedDate) {
    const why = "You can't perform this operation on the secret because it was marked for deletion."
    return error(c, 'InvalidRequestException', why)
  }
  if (secret.kms === 'denied') return error(c, 'AccessDeniedException', 'Access to KMS is not allowed')
  if (secret.kms === 'decryption-failure') {
    const why = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
    return error(c, 'DecryptionFailure', why)
  }
  if (secret.secretString === undefined && secret.secretBinary === undefined) {
    const why = "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"
    return error(c, 'ResourceNotFoundException', why)
  }
  const body = {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: versionStages(secret).current,
    ...(secret.secretString !== undefined
      ? { SecretString: secret.secretString }
      : { SecretBinary: secret.secretBinary }),
    VersionStages: ['AWSCURRENT'],
    CreatedDate: epoch(secret.rotation?.lastRotated ?? secret.createdDate ?? DEFAULT_CREATED),
  }
  return sendAwsJson(c.res, 200, body, c.requestId)
}

/** DescribeSecret's rotation members, as a never-rotated secret omits them. */
function rotationMembers(c: Call, secret: AwsSimSecret): Record<string, unknown> {
  const { state } = c.sim
  const rot = secret.rotation
  const out: Record<string, unknown> = {}
  if (rot?.enabled) {
    out['RotationEnabled'] = true
    out['RotationLambdaARN'] =
      rot.lambdaArn ?? `arn:aws:lambda:${state.region}:${state.account}:function:SecretsManagerRotation`
    if (rot.days !== undefined)
      out['RotationRules'] = {
        AutomaticallyAfterDays: rot.days,
        ScheduleExpression: `rate(${rot.days} days)`,
      }
  } else if (rot) out['RotationEnabled'] = false
  if (rot?.lastRotated) out['LastRotatedDate'] = epoch(rot.lastRotated)
  if (rot?.enabled && (rot.nextRotation || (rot.lastRotated && rot.days))) {
    const next = rot.nextRotation ?? new Date(rot.lastRotated!.getTime() + rot.days! * 86_400_000)
    out['NextRotationDate'] = epoch(next)
  }
  return out
}

function describeSecret(c: Call, secret: AwsSimSecret) {
  const accessed = new Date(c.r.now)
  // LastAccessedDate is truncated to the day, as AWS reports it.
  accessed.setUTCHours(0, 0, 0, 0)
  const { LastRotatedDate, NextRotationDate, ...rotation } = rotationMembers(c, secret)
  const body = {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.kmsKeyId ? { KmsKeyId: secret.kmsKeyId } : {}),
    ...rotation,
    ...(LastRotatedDate !== undefined ? { LastRotatedDate } : {}),
    LastChangedDate: epoch(secret.rotation?.lastRotated ?? secret.createdDate ?? DEFAULT_CREATED),
    LastAccessedDate: epoch(accessed),
    ...(secret.deletedDate ? { DeletedDate: epoch(secret.deletedDate) } : {}),
    ...(NextRotationDate !== undefined ? { NextRotationDate } : {}),
    VersionIdsToStages: versionStages(secret).map,
    CreatedDate: epoch(secret.createdDate ?? DEFAULT_CREATED),
  }
  return sendAwsJson(c.res, 200, body, c.requestId)
}

function listSecretVersionIds(c: Call, secret: AwsSimSecret) {
  const Versions = Object.entries(versionStages(secret).map).map(([VersionId, VersionStages]) => ({
    VersionId,
    VersionStages,
  }))
  return sendAwsJson(c.res, 200, { ARN: secret.arn, Name: secret.name, Versions }, c.requestId)
}

const SECRET_OPS: Readonly<Record<string, (c: Call, secret: AwsSimSecret) => void>> = {
  GetSecretValue: getSecretValue,
  DescribeSecret: describeSecret,
  ListSecretVersionIds: listSecretVersionIds,
  GetResourcePolicy: (c, s) => sendAwsJson(c.res, 200, { ARN: s.arn, Name: s.name }, c.requestId),
}

export function handleJson(sim: SimContext, r: SimRequest, target: string, requestId: string): void {
  const c: Call = { sim, r, res: r.res, requestId }
  const [prefix, op = ''] = target.split('.')
  sim.record(r.log, `${prefix}.${op}`)
  if (prefix !== 'secretsmanager') return error(c, 'UnknownOperationException', '')
  const p = authenticate(c)
  if (!p) return
  if (isThrottled(sim.state, op)) return error(c, 'ThrottlingException', 'Rate exceeded')
  let input: Record<string, unknown>
  try {
    input = JSON.parse(r.body || '{}') as Record<string, unknown>
  } catch {
    return error(c, 'SerializationException', 'Start of structure or map found where not expected.')
  }
  // The doctor is read-only; a write reaching here is logged (tests fail on it) and refused.
  if (!SM_READS.has(op))
    return error(
      c,
      'AccessDeniedException',
      `User: ${p.arn} is not authorized to perform: secretsmanager:${op}`,
    )
  if (op === 'ListSecrets') return listSecrets(c, p)
  const id = typeof input['SecretId'] === 'string' ? input['SecretId'] : ''
  if (!id) return error(c, 'InvalidParameterException', 'You must provide a SecretId.')
  const secret = authorizedSecret(c, p, op, id)
  if (secret) SECRET_OPS[op]!(c, secret)
}
