// EC2 instance metadata (IMDSv2: a PUT for a session token, then the role and its credentials) and the
// container credentials endpoint (ECS, EKS Pod Identity), on the same server as the APIs.
import type { SimRequest } from '../server.js'
import { roleArnOf, type AwsSimState, type SimContext } from './state.js'

const IMDS_TOKEN = 'imds-session-token-EXAMPLE'
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/'

/** Whether a request is for a metadata service rather than an AWS API. */
export const isMetadataRequest = (state: AwsSimState, path: string): boolean =>
  path.startsWith('/latest/') || (!!state.containerCredentials && path === state.containerCredentials.path)

/** The credentials document both services answer, for the principal with this access key. */
function credentialsOf(state: AwsSimState, akid: string, now: Date) {
  const p = state.principals.find((x) => x.accessKeyId === akid)
  if (!p) return undefined
  const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}/, '')
  return {
    Code: 'Success',
    LastUpdated: stamp(now),
    Type: 'AWS-HMAC',
    AccessKeyId: p.accessKeyId,
    SecretAccessKey: p.secretAccessKey,
    Token: p.sessionToken ?? '',
    Expiration: stamp(new Date(now.getTime() + 6 * 3_600_000)),
    RoleArn: p.policySourceArn ?? roleArnOf(p.arn),
  }
}

function text(r: SimRequest, status: number, body: string, type = 'text/plain'): void {
  r.res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  r.res.end(body)
}

function credentialsAnswer(r: SimRequest, doc: ReturnType<typeof credentialsOf>): void {
  return doc ? text(r, 200, JSON.stringify(doc), 'application/json') : text(r, 404, 'Not Found')
}

export function handleMetadata(sim: SimContext, r: SimRequest): void {
  const { state } = sim
  const { req, url } = r
  if (state.containerCredentials && url.pathname === state.containerCredentials.path) {
    sim.record(r.log, 'container.GetCredentials')
    return credentialsAnswer(r, credentialsOf(state, state.containerCredentials.issues, r.now))
  }
  const profile = state.instanceProfile
  if (url.pathname === '/latest/api/token' && req.method === 'PUT') {
    sim.record(r.log, 'imds.GetToken')
    if (!profile) return text(r, 404, 'Not Found')
    if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return text(r, 400, 'Bad Request')
    return text(r, 200, IMDS_TOKEN)
  }
  sim.record(r.log, 'imds.GetCredentials')
  if (!profile) return text(r, 404, 'Not Found')
  if (req.headers['x-aws-ec2-metadata-token'] !== IMDS_TOKEN) return text(r, 401, 'Unauthorized')
  if (url.pathname === CREDENTIALS_PATH) return text(r, 200, profile.roleName)
  if (url.pathname === CREDENTIALS_PATH + profile.roleName)
    return credentialsAnswer(r, credentialsOf(state, profile.issues, r.now))
  return text(r, 404, 'Not Found')
}
