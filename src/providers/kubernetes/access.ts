// Who the doctor is in the cluster and which of the reads it needs it may make — asked all at once: the
// version (does anything answer?), SelfSubjectReview (who are we?) and one SelfSubjectAccessReview per
// needed read, concurrently, so a slow API costs one round trip here rather than a dozen.
import { ProviderError } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import type { AccessInfo, DeniedRead } from './api.js'
import type { Connection, Session } from './auth.js'
import { NEEDED_READS, type NeededRead } from './model.js'
import { send } from './transport.js'

export async function readAccess(conn: Connection, session: Session, ns: string): Promise<AccessInfo> {
  const version = send(conn, session, {
    what: 'GET /version',
    path: '/version',
    expect: (j) => typeof j.gitVersion === 'string',
  })
  const who = whoAmI(conn, session)
  const reviews = NEEDED_READS.map((r) => review(conn, session, r, ns))
  // /version first: it separates "cannot reach" from "reached, but rejected us".
  const settled = await Promise.allSettled([version, who, ...reviews])
  for (const s of settled) if (s.status === 'rejected') throw s.reason
  const [v, user] = [await version, (await who) ?? conn.user]
  const denied = (await Promise.all(reviews)).filter((d): d is DeniedRead => d !== undefined)
  session.recorder.identity({
    provider: 'kubernetes',
    principal: user,
    source: conn.source,
    server: conn.server,
  })
  return { source: 'live', server: conn.server, user, version: oneLine(String(v.gitVersion), 80), denied }
}

/** The user name the API server knows us by; undefined on clusters older than 1.28 (no SelfSubjectReview). */
async function whoAmI(conn: Connection, session: Session): Promise<string | undefined> {
  try {
    const review = await send(conn, session, {
      what: 'SelfSubjectReview',
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      expect: (j) => j.kind === 'SelfSubjectReview',
    })
    const name = (review.status as { userInfo?: { username?: unknown } } | undefined)?.userInfo?.username
    return typeof name === 'string' ? oneLine(name, 200) : undefined
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'not-found') return undefined
    throw e
  }
}

/** The read, when SelfSubjectAccessReview says we may not make it. */
async function review(
  conn: Connection,
  session: Session,
  r: NeededRead,
  ns: string,
): Promise<DeniedRead | undefined> {
  const namespace = r.namespaced ? { namespace: ns } : {}
  const answer = await send(conn, session, {
    what: `SelfSubjectAccessReview ${r.verb} ${r.resource}`,
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: r.verb, resource: r.resource, group: r.group, ...namespace } },
    },
    expect: (j) => j.kind === 'SelfSubjectAccessReview' && typeof j.status === 'object',
  })
  if ((answer.status as { allowed?: unknown }).allowed === true) return undefined
  return { verb: r.verb, resource: r.resource, group: r.group, optional: r.optional, ...namespace }
}
