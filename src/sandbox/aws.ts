// A loopback AWS: STS (awsQuery, XML), Secrets Manager (awsJson1_1, epoch-second timestamps) and IAM
// SimulatePrincipalPolicy (awsQuery, XML) on one server, dispatching on `X-Amz-Target` vs the `Action=` form
// field as the real endpoints' wire formats require (research/wire-protocols.md §3). It verifies SigV4
// (credential scope, signature, `X-Amz-Date` against its own clock), enforces per-principal allow lists the
// way IAM evaluates them (explicit deny > allow > implicit deny), and fails the way the services do: KMS,
// throttling, expired tokens, clock skew. The state object is read on every request, so tests mutate it
// between calls.
import { createHash, createHmac, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { startLoopbackServer, type LoopbackServer, type ServerKnobs, type SimRequest } from './server.js'

export interface AwsSimStatement {
  readonly effect?: 'Allow' | 'Deny'
  /** `secretsmanager:GetSecretValue`, `secretsmanager:*`, `*`. */
  readonly action: string
  /** An ARN pattern with `*` and `?`, as in an IAM policy. */
  readonly resource: string
}

export interface AwsSimPrincipal {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Present for temporary credentials (ASIA…); checked when set. */
  readonly sessionToken?: string
  /** What GetCallerIdentity answers: `arn:aws:sts::123456789012:assumed-role/expanso-edge/i-0abc`. */
  readonly arn: string
  readonly userId?: string
  /** The IAM entity SimulatePrincipalPolicy knows it by (`arn:aws:iam::…:role/expanso-edge`). */
  readonly policySourceArn?: string
  /** The token has expired: every call is refused with ExpiredToken(Exception). */
  readonly expired?: boolean
  readonly statements: readonly AwsSimStatement[]
}

export interface AwsSimRotation {
  readonly enabled: boolean
  readonly days?: number
  readonly lastRotated?: Date
  readonly nextRotation?: Date
  /** A rotation stuck half-way: an AWSPENDING version that never became AWSCURRENT. */
  readonly pendingStuck?: boolean
  readonly lambdaArn?: string
}

export interface AwsSimSecret {
  /** Full ARN including the six-character suffix; its region is where the secret lives. */
  readonly arn: string
  readonly name: string
  readonly secretString?: string
  /** Base64 of a binary secret (SecretBinary). */
  readonly secretBinary?: string
  readonly kmsKeyId?: string
  /** `denied`: the caller may not use the customer-managed key; `decryption-failure`: the key cannot decrypt. */
  readonly kms?: 'ok' | 'denied' | 'decryption-failure'
  readonly rotation?: AwsSimRotation
  readonly createdDate?: Date
  readonly deletedDate?: Date
  /** Present (JSON policy text) when a resource policy is attached; allows like an identity policy would. */
  readonly resourcePolicyAllows?: readonly string[]
}

export interface AwsSimWebIdentity {
  /** The JWT the token file holds. */
  readonly token: string
  /** Role the token may assume; AssumeRoleWithWebIdentity for any other role is AccessDenied. */
  readonly roleArn: string
  /** Access key of the principal whose temporary credentials are issued. */
  readonly issues: string
}

export interface AwsSimState {
  region: string
  account: string
  principals: AwsSimPrincipal[]
  secrets: AwsSimSecret[]
  webIdentities?: AwsSimWebIdentity[]
  /** Operations (`GetSecretValue`, `GetCallerIdentity`…) answered with a throttling error; `*` for all. */
  throttle?: readonly string[]
  /** Maximum accepted difference between `X-Amz-Date` and the server clock, default 5 min as AWS. */
  maxSkewMs?: number
  /** EC2 instance metadata (IMDSv2) on the same server: the instance role and whose keys it hands out. */
  instanceProfile?: { readonly roleName: string; readonly issues: string }
  /** Container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI = <url><path>). */
  containerCredentials?: { readonly path: string; readonly issues: string }
}

export interface AwsSimulator {
  readonly url: string
  readonly server: LoopbackServer
  readonly knobs: ServerKnobs
  readonly state: AwsSimState
  /** `service.Operation` of each request, in order (e.g. `secretsmanager.GetSecretValue`). */
  operations(): string[]
  close(): Promise<void>
}

/** What a read-only client may call. Anything else in the log is a write (or a bug). */
export const AWS_READ_OPERATIONS: ReadonlySet<string> = new Set([
  'sts.GetCallerIdentity',
  'sts.AssumeRoleWithWebIdentity',
  'secretsmanager.GetSecretValue',
  'secretsmanager.DescribeSecret',
  'secretsmanager.ListSecrets',
  'secretsmanager.GetResourcePolicy',
  'secretsmanager.ListSecretVersionIds',
  'iam.SimulatePrincipalPolicy',
  'iam.GetRole',
  'imds.GetToken',
  'imds.GetCredentials',
  'container.GetCredentials',
])

const SM_READS = new Set([
  'GetSecretValue',
  'DescribeSecret',
  'ListSecrets',
  'GetResourcePolicy',
  'ListSecretVersionIds',
])

// ---------- SigV4 (wire-protocols.md §3.8) ----------

const hmac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s, 'utf8').digest()
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

/** `20261127T234144Z` */
export const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return NaN
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

type SigResult =
  | { ok: true; principal: AwsSimPrincipal; region: string; service: string }
  | {
      ok: false
      code: 'incomplete' | 'unknown-key' | 'mismatch' | 'expired-sig' | 'future-sig' | 'token'
      message: string
    }

function verifySigV4(r: SimRequest, state: AwsSimState): SigResult {
  const { req, body, url, now } = r
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      req.headers['authorization'] ?? '',
    )
  if (!m) {
    return {
      ok: false,
      code: 'incomplete',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter.",
    }
  }
  const [, akid, date, region, service, signed, sig] = m as unknown as string[]
  const principal = state.principals.find((p) => p.accessKeyId === akid)
  if (!principal)
    return {
      ok: false,
      code: 'unknown-key',
      message: 'The security token included in the request is invalid.',
    }
  const query = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const path = url.pathname
    .split('/')
    .map((s) => uriEncode(decodeURIComponent(s)))
    .join('/')
  const headers = signed!
    .split(';')
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .replace(/\s+/g, ' ')
          .trim()}\n`,
    )
    .join('')
  const declared = req.headers['x-amz-content-sha256']
  const payloadHash = typeof declared === 'string' ? declared : sha256(body)
  if (typeof declared === 'string' && declared !== 'UNSIGNED-PAYLOAD' && declared !== sha256(body)) {
    return {
      ok: false,
      code: 'mismatch',
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    }
  }
  const creq = [req.method, path, query, headers, signed, payloadHash].join('\n')
  const xAmzDate = String(req.headers['x-amz-date'] ?? '')
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    xAmzDate,
    `${date}/${region}/${service}/aws4_request`,
    sha256(creq),
  ].join('\n')
  const key = hmac(
    hmac(hmac(hmac('AWS4' + principal.secretAccessKey, date!), region!), service!),
    'aws4_request',
  )
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex')
  const maxSkew = state.maxSkewMs ?? 300_000
  const sent = parseAmzDate(xAmzDate)
  const serverNow = now.getTime()
  // AWS judges the date before the signature: a skewed client gets "Signature expired", not a mismatch.
  if (!Number.isNaN(sent) && serverNow - sent > maxSkew) {
    return {
      ok: false,
      code: 'expired-sig',
      message: `Signature expired: ${xAmzDate} is now earlier than ${amzDate(new Date(serverNow - maxSkew))} (${amzDate(now)} - ${Math.round(maxSkew / 60_000)} min.)`,
    }
  }
  if (!Number.isNaN(sent) && sent - serverNow > maxSkew) {
    return {
      ok: false,
      code: 'future-sig',
      message: `Signature not yet current: ${xAmzDate} is still later than ${amzDate(new Date(serverNow + maxSkew))} (${amzDate(now)} + ${Math.round(maxSkew / 60_000)} min.)`,
    }
  }
  if (expected !== sig || !xAmzDate.startsWith(date!)) {
    return {
      ok: false,
      code: 'mismatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    }
  }
  if (
    principal.sessionToken !== undefined &&
    req.headers['x-amz-security-token'] !== principal.sessionToken
  ) {
    return { ok: false, code: 'token', message: 'The security token included in the request is invalid.' }
  }
  return { ok: true, principal, region: region!, service: service! }
}

// ---------- IAM evaluation ----------

const globToRegExp = (pattern: string) =>
  new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  )

const matches = (pattern: string, value: string) => globToRegExp(pattern).test(value)

export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny'

export function evaluate(
  statements: readonly AwsSimStatement[],
  action: string,
  resource: string,
): EvalDecision {
  let allowed = false
  for (const s of statements) {
    if (!matches(s.action, action) || !matches(s.resource, resource)) continue
    if ((s.effect ?? 'Allow') === 'Deny') return 'explicitDeny'
    allowed = true
  }
  return allowed ? 'allowed' : 'implicitDeny'
}

// ---------- helpers ----------

const xmlEscape = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

const epoch = (d: Date | undefined) => (d ? Math.round(d.getTime()) / 1000 : undefined)

const XMLNS = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
}

function sendAwsJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  })
  res.end(text)
}

function sendJsonError(
  res: ServerResponse,
  requestId: string,
  code: string,
  message: string,
  status = 400,
): void {
  // Modelled Secrets Manager errors carry `Message`; auth-layer errors `message` (the SDK reads either).
  const modelled = [
    'ResourceNotFoundException',
    'DecryptionFailure',
    'InvalidRequestException',
    'InvalidParameterException',
  ]
  sendAwsJson(
    res,
    status,
    { __type: code, [modelled.includes(code) ? 'Message' : 'message']: message },
    requestId,
  )
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  })
  res.end(xml)
}

function sendQueryError(
  res: ServerResponse,
  ns: string,
  requestId: string,
  code: string,
  message: string,
  status = 403,
): void {
  sendXml(
    res,
    status,
    `<ErrorResponse xmlns="${ns}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${xmlEscape(code)}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
    requestId,
  )
}

const queryResponse = (op: string, ns: string, inner: string, requestId: string) =>
  `<${op}Response xmlns="${ns}">\n  <${op}Result>\n${inner}  </${op}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${op}Response>\n`

function listMembers(form: URLSearchParams, name: string): string[] {
  const out: string[] = []
  for (let i = 1; form.has(`${name}.member.${i}`); i++) out.push(form.get(`${name}.member.${i}`)!)
  return out
}

/** `arn:aws:sts::123456789012:assumed-role/expanso-edge/i-0abc` → `arn:aws:iam::123456789012:role/expanso-edge` */
export function roleArnOf(callerArn: string): string | undefined {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined
}

// ---------- the server ----------

export async function startAwsSimulator(
  state: AwsSimState,
  options: { knobs?: Partial<ServerKnobs> } = {},
): Promise<AwsSimulator> {
  const ops: string[] = []

  const handler = (r: SimRequest) => {
    const { req, res, body, log } = r
    const requestId = randomUUID()
    const target = req.headers['x-amz-target']
    if (
      r.url.pathname.startsWith('/latest/') ||
      (state.containerCredentials && r.url.pathname === state.containerCredentials.path)
    ) {
      return metadata(r)
    }
    if (req.method !== 'POST' || r.url.pathname !== '/') {
      log.operation = `unknown ${req.method} ${r.url.pathname}`
      ops.push(log.operation)
      return sendJsonError(res, requestId, 'UnknownOperationException', 'Unknown operation', 404)
    }
    if (typeof target === 'string') return handleJson(r, target, requestId)
    const form = new URLSearchParams(body)
    const action = form.get('Action') ?? ''
    const version = form.get('Version')
    const service = version === '2010-05-08' ? 'iam' : 'sts'
    log.operation = `${service}.${action}`
    ops.push(log.operation)
    if (service === 'sts' && action === 'AssumeRoleWithWebIdentity')
      return assumeRoleWithWebIdentity(r, form, requestId)
    const ns = XMLNS[service]
    const sig = verifySigV4(r, state)
    if (!sig.ok) return queryAuthError(res, ns, requestId, sig)
    if (sig.service !== service) {
      return sendQueryError(
        res,
        ns,
        requestId,
        'SignatureDoesNotMatch',
        `Credential should be scoped to correct service: '${service}'.`,
      )
    }
    if (sig.principal.expired) {
      return sendQueryError(
        res,
        ns,
        requestId,
        'ExpiredToken',
        'The security token included in the request is expired',
      )
    }
    if (throttled(action)) return sendQueryError(res, ns, requestId, 'Throttling', 'Rate exceeded', 400)
    if (service === 'sts' && action === 'GetCallerIdentity') {
      const p = sig.principal
      return sendXml(
        res,
        200,
        queryResponse(
          'GetCallerIdentity',
          ns,
          `    <Arn>${xmlEscape(p.arn)}</Arn>\n    <UserId>${xmlEscape(p.userId ?? 'AROAEXAMPLEID:session')}</UserId>\n    <Account>${accountOf(p.arn)}</Account>\n`,
          requestId,
        ),
        requestId,
      )
    }
    if (service === 'iam' && action === 'SimulatePrincipalPolicy')
      return simulate(r, form, sig.principal, requestId)
    return sendQueryError(
      res,
      ns,
      requestId,
      'InvalidAction',
      `Could not find operation ${action} for version ${version}`,
      400,
    )
  }

  function metadata(r: SimRequest) {
    const { req, res, url, log } = r
    const credentialsOf = (akid: string) => {
      const p = state.principals.find((x) => x.accessKeyId === akid)
      if (!p) return undefined
      return {
        Code: 'Success',
        LastUpdated: r.now.toISOString().replace(/\.\d{3}/, ''),
        Type: 'AWS-HMAC',
        AccessKeyId: p.accessKeyId,
        SecretAccessKey: p.secretAccessKey,
        Token: p.sessionToken ?? '',
        Expiration: new Date(r.now.getTime() + 6 * 3_600_000).toISOString().replace(/\.\d{3}/, ''),
        RoleArn: p.policySourceArn ?? roleArnOf(p.arn),
      }
    }
    const text = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
      res.end(body)
    }
    if (state.containerCredentials && url.pathname === state.containerCredentials.path) {
      log.operation = 'container.GetCredentials'
      ops.push(log.operation)
      const c = credentialsOf(state.containerCredentials.issues)
      return c ? text(200, JSON.stringify(c), 'application/json') : text(404, 'Not Found')
    }
    const profile = state.instanceProfile
    if (url.pathname === '/latest/api/token' && req.method === 'PUT') {
      log.operation = 'imds.GetToken'
      ops.push(log.operation)
      if (!profile) return text(404, 'Not Found')
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return text(400, 'Bad Request')
      return text(200, 'imds-session-token-EXAMPLE')
    }
    log.operation = 'imds.GetCredentials'
    ops.push(log.operation)
    if (!profile) return text(404, 'Not Found')
    if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-session-token-EXAMPLE')
      return text(401, 'Unauthorized')
    const base = '/latest/meta-data/iam/security-credentials/'
    if (url.pathname === base) return text(200, profile.roleName)
    if (url.pathname === base + profile.roleName) {
      const c = credentialsOf(profile.issues)
      return c ? text(200, JSON.stringify(c), 'application/json') : text(404, 'Not Found')
    }
    return text(404, 'Not Found')
  }

  const throttled = (op: string) => (state.throttle ?? []).some((t) => t === '*' || t === op)
  const accountOf = (arn: string) => /^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1] ?? state.account

  function queryAuthError(
    res: ServerResponse,
    ns: string,
    requestId: string,
    sig: Extract<SigResult, { ok: false }>,
  ) {
    const code =
      sig.code === 'incomplete'
        ? 'IncompleteSignature'
        : sig.code === 'unknown-key' || sig.code === 'token'
          ? 'InvalidClientTokenId'
          : 'SignatureDoesNotMatch'
    return sendQueryError(res, ns, requestId, code, sig.message, sig.code === 'incomplete' ? 400 : 403)
  }

  function assumeRoleWithWebIdentity(r: SimRequest, form: URLSearchParams, requestId: string) {
    const ns = XMLNS.sts
    const token = form.get('WebIdentityToken') ?? ''
    const roleArn = form.get('RoleArn') ?? ''
    const session = form.get('RoleSessionName') ?? 'session'
    const wi = (state.webIdentities ?? []).find((w) => w.token === token)
    if (!wi)
      return sendQueryError(r.res, ns, requestId, 'InvalidIdentityToken', 'Incorrect token audience', 400)
    if (wi.roleArn !== roleArn) {
      return sendQueryError(
        r.res,
        ns,
        requestId,
        'AccessDenied',
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      )
    }
    const p = state.principals.find((x) => x.accessKeyId === wi.issues)
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

  function simulate(r: SimRequest, form: URLSearchParams, caller: AwsSimPrincipal, requestId: string) {
    const ns = XMLNS.iam
    const source = form.get('PolicySourceArn') ?? ''
    if (evaluate(caller.statements, 'iam:SimulatePrincipalPolicy', source) !== 'allowed') {
      const what = /:role\/(.+)$/.exec(source)?.[1]
      return sendQueryError(
        r.res,
        ns,
        requestId,
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${what ? `role ${what}` : source} because no identity-based policy allows the iam:SimulatePrincipalPolicy action`,
      )
    }
    const target = state.principals.find((p) => (p.policySourceArn ?? roleArnOf(p.arn) ?? p.arn) === source)
    if (!target) {
      const name = /:(?:role|user)\/(.+)$/.exec(source)?.[1] ?? source
      return sendQueryError(
        r.res,
        ns,
        requestId,
        'NoSuchEntity',
        `The role with name ${name} cannot be found.`,
        404,
      )
    }
    const actions = listMembers(form, 'ActionNames')
    const resources = listMembers(form, 'ResourceArns')
    if (actions.length === 0)
      return sendQueryError(r.res, ns, requestId, 'InvalidInput', 'ActionNames is required', 400)
    let members = ''
    for (const action of actions) {
      for (const resource of resources.length ? resources : ['*']) {
        const decision = evaluate(target.statements, action, resource)
        members +=
          `      <member>\n        <EvalActionName>${xmlEscape(action)}</EvalActionName>\n        <EvalResourceName>${xmlEscape(resource)}</EvalResourceName>\n` +
          `        <EvalDecision>${decision}</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n      </member>\n`
      }
    }
    const inner = `    <IsTruncated>false</IsTruncated>\n    <EvaluationResults>\n${members}    </EvaluationResults>\n`
    return sendXml(r.res, 200, queryResponse('SimulatePrincipalPolicy', ns, inner, requestId), requestId)
  }

  function findSecret(id: string, region: string): AwsSimSecret | undefined {
    // The endpoint only knows its own region's secrets: an ARN from elsewhere is "not found", as in AWS.
    return state.secrets.find((s) => {
      const secretRegion = s.arn.split(':')[3]
      if (secretRegion !== region) return false
      if (id === s.name || id === s.arn) return true
      // A partial ARN (without the random suffix) also resolves.
      return id.startsWith('arn:') && s.arn.startsWith(id + '-') && s.arn.length === id.length + 7
    })
  }

  function handleJson(r: SimRequest, target: string, requestId: string) {
    const { res, log } = r
    const [prefix, op = ''] = target.split('.')
    log.operation = `${prefix === 'secretsmanager' ? 'secretsmanager' : prefix}.${op}`
    ops.push(log.operation)
    if (prefix !== 'secretsmanager')
      return sendJsonError(res, requestId, 'UnknownOperationException', '', 400)
    const sig = verifySigV4(r, state)
    if (!sig.ok) {
      const code =
        sig.code === 'incomplete'
          ? 'IncompleteSignatureException'
          : sig.code === 'unknown-key' || sig.code === 'token'
            ? 'UnrecognizedClientException'
            : 'InvalidSignatureException'
      return sendJsonError(res, requestId, code, sig.message)
    }
    if (sig.region !== state.region) {
      return sendJsonError(
        res,
        requestId,
        'InvalidSignatureException',
        'Credential should be scoped to a valid region.',
      )
    }
    if (sig.service !== 'secretsmanager') {
      return sendJsonError(
        res,
        requestId,
        'InvalidSignatureException',
        "Credential should be scoped to correct service: 'secretsmanager'.",
      )
    }
    const p = sig.principal
    if (p.expired)
      return sendJsonError(
        res,
        requestId,
        'ExpiredTokenException',
        'The security token included in the request is expired',
      )
    if (throttled(op)) return sendJsonError(res, requestId, 'ThrottlingException', 'Rate exceeded')
    let input: Record<string, unknown>
    try {
      input = JSON.parse(r.body || '{}') as Record<string, unknown>
    } catch {
      return sendJsonError(
        res,
        requestId,
        'SerializationException',
        'Start of structure or map found where not expected.',
      )
    }
    if (!SM_READS.has(op)) {
      // The doctor is read-only; a write reaching here is logged (tests fail on it) and refused.
      return sendJsonError(
        res,
        requestId,
        'AccessDeniedException',
        `User: ${p.arn} is not authorized to perform: secretsmanager:${op}`,
      )
    }
    if (op === 'ListSecrets') {
      const list = state.secrets.filter((s) => s.arn.split(':')[3] === state.region)
      if (evaluate(p.statements, 'secretsmanager:ListSecrets', '*') !== 'allowed') {
        return sendJsonError(res, requestId, 'AccessDeniedException', denial(p.arn, 'ListSecrets', '*'))
      }
      return sendAwsJson(
        res,
        200,
        { SecretList: list.map((s) => ({ ARN: s.arn, Name: s.name, CreatedDate: epoch(s.createdDate) })) },
        requestId,
      )
    }
    const id = typeof input['SecretId'] === 'string' ? input['SecretId'] : ''
    if (!id) return sendJsonError(res, requestId, 'InvalidParameterException', 'You must provide a SecretId.')
    const secret = findSecret(id, state.region)
    const resourceArn =
      secret?.arn ??
      (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${state.region}:${state.account}:secret:${id}`)
    const action = `secretsmanager:${op}`
    const decision = evaluate(p.statements, action, resourceArn)
    const resourceAllows = secret?.resourcePolicyAllows?.some((a) => matches(a, p.arn)) ?? false
    if (decision === 'explicitDeny') {
      return sendJsonError(
        res,
        requestId,
        'AccessDeniedException',
        `User: ${p.arn} is not authorized to perform: ${action} on resource: ${id} with an explicit deny in an identity-based policy`,
      )
    }
    if (decision !== 'allowed' && !resourceAllows) {
      return sendJsonError(res, requestId, 'AccessDeniedException', denial(p.arn, op, id))
    }
    if (!secret)
      return sendJsonError(
        res,
        requestId,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      )
    if (secret.deletedDate && op === 'GetSecretValue') {
      return sendJsonError(
        res,
        requestId,
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      )
    }
    const versions = versionStages(secret)
    if (op === 'GetSecretValue') {
      if (secret.kms === 'denied')
        return sendJsonError(res, requestId, 'AccessDeniedException', 'Access to KMS is not allowed')
      if (secret.kms === 'decryption-failure') {
        return sendJsonError(
          res,
          requestId,
          'DecryptionFailure',
          "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        )
      }
      if (secret.secretString === undefined && secret.secretBinary === undefined) {
        return sendJsonError(
          res,
          requestId,
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        )
      }
      return sendAwsJson(
        res,
        200,
        {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: versions.current,
          ...(secret.secretString !== undefined
            ? { SecretString: secret.secretString }
            : { SecretBinary: secret.secretBinary }),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: epoch(
            secret.rotation?.lastRotated ?? secret.createdDate ?? new Date(1_700_000_000_000),
          ),
        },
        requestId,
      )
    }
    if (op === 'DescribeSecret') {
      const rot = secret.rotation
      const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name }
      if (secret.kmsKeyId) out['KmsKeyId'] = secret.kmsKeyId
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
      out['LastChangedDate'] = epoch(rot?.lastRotated ?? secret.createdDate ?? new Date(1_700_000_000_000))
      const accessed = new Date(r.now)
      accessed.setUTCHours(0, 0, 0, 0)
      out['LastAccessedDate'] = epoch(accessed)
      if (secret.deletedDate) out['DeletedDate'] = epoch(secret.deletedDate)
      if (rot?.enabled && (rot.nextRotation || (rot.lastRotated && rot.days))) {
        out['NextRotationDate'] = epoch(
          rot.nextRotation ?? new Date(rot.lastRotated!.getTime() + rot.days! * 86_400_000),
        )
      }
      out['VersionIdsToStages'] = versions.map
      out['CreatedDate'] = epoch(secret.createdDate ?? new Date(1_700_000_000_000))
      return sendAwsJson(res, 200, out, requestId)
    }
    if (op === 'ListSecretVersionIds') {
      return sendAwsJson(
        res,
        200,
        {
          ARN: secret.arn,
          Name: secret.name,
          Versions: Object.entries(versions.map).map(([VersionId, VersionStages]) => ({
            VersionId,
            VersionStages,
          })),
        },
        requestId,
      )
    }
    // GetResourcePolicy
    return sendAwsJson(res, 200, { ARN: secret.arn, Name: secret.name }, requestId)
  }

  const denial = (arn: string, op: string, resource: string) =>
    `User: ${arn} is not authorized to perform: secretsmanager:${op} on resource: ${resource} because no identity-based policy allows the secretsmanager:${op} action`

  function versionStages(secret: AwsSimSecret) {
    const current = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111'
    const map: Record<string, string[]> = {
      [current]: ['AWSCURRENT'],
      'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222': ['AWSPREVIOUS'],
    }
    if (secret.rotation?.pendingStuck) map['a1b2c3d4-5678-90ab-cdef-EXAMPLE33333'] = ['AWSPENDING']
    return { current, map }
  }

  const server = await startLoopbackServer(handler, { knobs: options.knobs })
  return {
    url: server.url,
    server,
    knobs: server.knobs,
    state,
    operations: () => [...ops],
    close: () => server.close(),
  }
}

// ---------- the documentation's deployment, as simulator state ----------

export const AWS_ACCOUNT = '123456789012'
export const AWS_REGION = 'us-east-1'
export const EDGE_ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/expanso-edge`
export const NODE_ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C`
export const SECRET_NAME = 'expanso/pipeline/credentials'
export const SECRET_ARN = `arn:aws:secretsmanager:${AWS_REGION}:${AWS_ACCOUNT}:secret:${SECRET_NAME}-AbCdEf`
/** Planted values: tests prove none of them ever reaches any output. */
export const AWS_CANARIES = {
  kafka_username: 'canary-kafka-user-5b1e',
  kafka_password: 'canary-kafka-pass-9d3f7a',
  api_token: 'canary-api-token-2c8e41',
  db_password: 'canary-db-pass-7f02b6',
  secretAccessKey: 'canarySecretKey/7Hk2pQ9wXz4mN1vB8cR3tY6uJ0eL5aS',
  sessionToken: 'canary-session-token-IQoJb3JpZ2luX2VjEXAMPLE',
} as const

export const EDGE_KEY_ID = 'ASIAEDGEEXAMPLE00001'
export const NODE_KEY_ID = 'ASIANODEEXAMPLE00002'

/** The documentation's least-privilege policy (Best Practices 2), plus DescribeSecret for rotation checks. */
export const LEAST_PRIVILEGE: AwsSimStatement[] = [
  {
    action: 'secretsmanager:GetSecretValue',
    resource: 'arn:aws:secretsmanager:*:*:secret:expanso/pipeline/*',
  },
  {
    action: 'secretsmanager:DescribeSecret',
    resource: 'arn:aws:secretsmanager:*:*:secret:expanso/pipeline/*',
  },
]

export function healthyAwsState(now = new Date()): AwsSimState {
  const day = 86_400_000
  return {
    region: AWS_REGION,
    account: AWS_ACCOUNT,
    principals: [
      {
        accessKeyId: EDGE_KEY_ID,
        secretAccessKey: AWS_CANARIES.secretAccessKey,
        sessionToken: AWS_CANARIES.sessionToken,
        arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/expanso-edge/botocore-session-1700000000`,
        userId: 'AROAEDGEEXAMPLE:botocore-session-1700000000',
        policySourceArn: EDGE_ROLE_ARN,
        statements: [...LEAST_PRIVILEGE],
      },
      {
        // The node's instance role: what pods get when the IRSA role did not reach them.
        accessKeyId: NODE_KEY_ID,
        secretAccessKey: 'nodeSecretKey/1Qw2Er3Ty4Ui5Op6As7Df8Gh9Jk0Lz',
        sessionToken: 'node-session-token-EXAMPLE',
        arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/eksctl-edge-nodegroup-NodeInstanceRole-1A2B3C/i-0abc1234def567890`,
        userId: 'AROANODEEXAMPLE:i-0abc1234def567890',
        policySourceArn: NODE_ROLE_ARN,
        statements: [{ action: 'ec2:Describe*', resource: '*' }],
      },
    ],
    secrets: [
      {
        arn: SECRET_ARN,
        name: SECRET_NAME,
        secretString: JSON.stringify({
          kafka_username: AWS_CANARIES.kafka_username,
          kafka_password: AWS_CANARIES.kafka_password,
          api_token: AWS_CANARIES.api_token,
          db_password: AWS_CANARIES.db_password,
        }),
        kmsKeyId: `arn:aws:kms:${AWS_REGION}:${AWS_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        rotation: { enabled: true, days: 30, lastRotated: new Date(now.getTime() - 5 * day) },
        createdDate: new Date(now.getTime() - 200 * day),
      },
    ],
  }
}

/** An IAM policy document (as the documentation writes it) as simulator statements. */
export function statementsFromPolicy(policyJson: string): AwsSimStatement[] {
  const doc = JSON.parse(policyJson) as {
    Statement: { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[] }[]
  }
  const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v])
  return doc.Statement.flatMap((s) =>
    list(s.Action).flatMap((action) =>
      list(s.Resource).map((resource) => ({ effect: s.Effect, action, resource })),
    ),
  )
}
