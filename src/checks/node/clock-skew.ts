import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import type { ClockObservation } from '../../core/recorder.js'
import { providers } from '../../providers/index.js'

const skewOf = (o: ClockObservation) => o.serverTime.getTime() - o.localTime.getTime()

/** `local clock is 10m behind`; a positive skew means the server is ahead of us. */
const describeSkew = (skew: number) =>
  `local clock is ${formatDuration(Math.abs(skew))} ${skew > 0 ? 'behind' : 'ahead'}`
const describe = (source: string, skew: number) => `${source}: ${describeSkew(skew)}`

export default defineCheck({
  id: 'node.clock-skew',
  title: "The node's clock agrees with the servers it talks to",
  description:
    'Signed requests and tokens carry a timestamp: AWS refuses signatures more than 5 minutes off, and JWT ' +
    'logins (Vault, Google, Azure workload identity) fail outside a small leeway. The error reads like a ' +
    'permission problem. This check compares the local clock with the time every provider that answered ' +
    'reported (its `Date` header), without making calls of its own.',
  provider: 'node',
  category: 'clock',
  network: false,
  runsLast: true,
  findings: {
    rejected: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{source}} refused a request because of the clock: {{reason}}',
      remedies: ['node.sync-clock'],
    },
    skew: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{worst}} (fail threshold {{threshold}})',
      remedies: ['node.sync-clock'],
    },
    drift: {
      status: 'warn',
      severity: 'medium',
      message: '{{worst}} (warn threshold {{threshold}}; at {{fail}} signed requests and token logins fail)',
      remedies: ['node.sync-clock'],
    },
  },
  async run({ recorder, config, offline }) {
    const { clockSkewWarnMs: warnAt, clockSkewFailMs: failAt } = config.thresholds
    if (!recorder.clock.length) {
      // Every provider but the node talks to a server whose Date header is a clock to compare with (the
      // registry's configured() takes its own section's config type: the run passes the whole config, as here).
      const configured = providers
        .filter((p) => p.id !== 'node' && p.configured(config as never))
        .map((p) => p.id)
      if (!configured.length)
        return skip('not-applicable', 'no provider answered; nothing to compare the clock with')
      const are = `${configured.join(', ')} ${configured.length === 1 ? 'is' : 'are'} configured`
      // The check applies; it is the run that made no calls.
      if (offline) return skip('offline', `no server time to compare with under --offline: ${are}`)
      return skip(
        'not-applicable',
        `no server time to compare with: ${are} but none answered (unreachable, or their checks were skipped)`,
      )
    }
    // Per source the smallest skew: a cached response's old `Date` only ever adds apparent skew.
    const bySource = new Map<string, { skew: number; rejected?: string }>()
    for (const o of recorder.clock) {
      const prior = bySource.get(o.source)
      const skew = skewOf(o)
      const rejected = o.rejected ?? prior?.rejected
      if (!prior || Math.abs(skew) < Math.abs(prior.skew)) bySource.set(o.source, { skew, rejected })
      else if (rejected) bySource.set(o.source, { ...prior, rejected })
    }
    const sources = [...bySource.entries()].map(([source, v]) => ({ source, ...v }))
    const details = sources.map(
      (s) => `${describe(s.source, s.skew)}${s.rejected ? ' (it refused the request)' : ''}`,
    )
    const over = (limit: number) =>
      sources
        .filter((s) => !s.rejected && Math.abs(s.skew) >= limit)
        .sort((a, b) => Math.abs(b.skew) - Math.abs(a.skew))
    const failing = over(failAt)
    const warning = over(warnAt).filter((s) => Math.abs(s.skew) < failAt)
    const rejected = sources.filter((s) => s.rejected)
    // When some servers agree with us, the one that disagrees may be the clock that is wrong.
    const agreeing = sources.filter((s) => !s.rejected && Math.abs(s.skew) < warnAt).map((s) => s.source)
    const hint =
      agreeing.length && (failing.length || warning.length || rejected.length)
        ? [
            `${agreeing.join(', ')} ${agreeing.length === 1 ? 'agrees' : 'agree'} with the local clock: a server that disagrees may be the one that is off`,
          ]
        : []

    type Finding = 'rejected' | 'skew' | 'drift'
    const outcomes: Outcome<Finding>[] = []
    const add = (finding: Finding, vars: Record<string, string>, items: Item[]) =>
      outcomes.push(
        found(finding, vars, { items, ...(outcomes.length || !hint.length ? {} : { details: hint }) }),
      )
    const itemsOf = (list: typeof sources): Item[] =>
      list.map((s) => ({ name: s.source, detail: describeSkew(s.skew) }))
    for (const r of rejected) add('rejected', { source: r.source, reason: r.rejected ?? '' }, itemsOf([r]))
    const [worstFail] = failing
    if (worstFail)
      add(
        'skew',
        { worst: describe(worstFail.source, worstFail.skew), threshold: formatDuration(failAt) },
        itemsOf(failing),
      )
    const [worstWarn] = warning
    if (worstWarn)
      add(
        'drift',
        {
          worst: describe(worstWarn.source, worstWarn.skew),
          threshold: formatDuration(warnAt),
          fail: formatDuration(failAt),
        },
        itemsOf(warning),
      )
    if (outcomes.length) return outcomes
    const worst = Math.max(...sources.map((s) => Math.abs(s.skew)))
    return pass(
      `local clock within ${formatDuration(worst)} of ${sources.map((s) => s.source).join(', ')}`,
      details,
    )
  },
})
