// Every AWS answer is looked at before the SDK deserializes it: AWS's `Date` header feeds the clock checks, and
// an answer that cannot be the service — a redirect, or a content type the service never sends (a captive
// portal's HTML page, a proxy's error page) — fails the call, named with its status and content type. Without
// this an STS endpoint answering 200 with HTML parses as an empty GetCallerIdentity result: a false pass.
import type { Readable } from 'node:stream'
import type { MiddlewareStack } from '@smithy/types'
import { mediaType } from '../../core/net.js'
import type { AwsContext } from './context.js'
import { AWS_SERVICES, type AwsService } from './endpoints.js'
import { notTheService, type RawAnswer } from './errors.js'

/**
 * Larger than any answer of the calls made here (a secret is at most 64 KiB): a body this size is a runaway
 * proxy or a wrong endpoint streaming a file, and is not read into memory.
 */
const MAX_ANSWER = 4 << 20

/** How much of a body that is not the service's is read (to see it end, reset or stall) before dropping it. */
const DRAIN_CAP = 64 * 1024

/** `GetCallerIdentityCommand` on STS → `sts:GetCallerIdentity`, as the findings name a call. */
const callName = (service: AwsService, commandName: string | undefined): string =>
  `${service}:${(commandName ?? 'Call').replace(/Command$/, '')}`

/**
 * Reads what is left of a body that is not the service's, so that a reset or a stall mid-body is reported as
 * what it is (the transport error propagates; a stall ends when the call's signal destroys the request).
 */
async function drain(body: unknown): Promise<void> {
  const stream = body as Readable | undefined
  if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return
  let read = 0
  for await (const chunk of stream) {
    read += (chunk as Buffer).length
    if (read > DRAIN_CAP) return void stream.destroy()
  }
}

/** Whether this answer can be the service's: not a redirect, a content type it sends, a sane size. */
function isServiceAnswer(service: AwsService, a: RawAnswer): boolean {
  const status = a.statusCode ?? 0
  if (status >= 300 && status < 400) return false
  if (Number(a.headers?.['content-length'] ?? 0) > MAX_ANSWER) return false
  return AWS_SERVICES[service].contentTypes.includes(mediaType(a.headers?.['content-type']))
}

/** Adds the answer guard and the `Date` observation to a client, below its deserializer. */
export function guardAnswers(
  ctx: AwsContext,
  stack: unknown,
  service: AwsService,
  endpoint: () => string,
): void {
  const source = `aws ${service}`
  ;(stack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const sentAt = new Date()
      const out = await next(args)
      const answer = out.response as RawAnswer & { readonly body?: unknown }
      // Only AWS's own clock counts for the clock checks, not a proxy's or a portal's.
      if (isServiceAnswer(service, answer)) {
        ctx.session.recorder.observeDate(source, answer.headers?.['date'], sentAt, new Date())
        return out
      }
      const what = callName(service, context.commandName)
      await drain(answer.body)
      throw notTheService(
        { provider: 'aws', what, endpoint: endpoint(), service: AWS_SERVICES[service].title },
        answer,
      )
    },
    // Low priority in the deserialize step runs innermost: it sees the raw response first, errors included.
    { step: 'deserialize', priority: 'low', name: 'edgeSecretsAnswerGuard' },
  )
}
