// IAM evaluation as IAM does it: an explicit deny wins over an allow, and without an allow it is denied.
import type { AwsSimStatement } from './state.js'

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

export const matches = (pattern: string, value: string): boolean => globToRegExp(pattern).test(value)

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
