// Vault's ACL decision, as the simulator applies it to every authenticated request: policies of glob paths
// (`prefix*`, `+` for one segment), the default policy, root, and the operation → capability mapping.
import { DEFAULT_POLICY, type VaultPolicyRule, type VaultSimState } from './state.js'

function patternRegex(pattern: string): RegExp {
  const esc = pattern
    .split('')
    .map((c, i) =>
      c === '+'
        ? '[^/]+'
        : c === '*' && i === pattern.length - 1
          ? '.*'
          : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${esc}$`)
}

/** Vault's rule: an exact path beats globs; among globs the longest literal prefix wins; deny wins. */
export function capabilitiesFor(state: VaultSimState, policies: readonly string[], path: string): string[] {
  if (policies.includes('root')) return ['root']
  const rules: VaultPolicyRule[] = []
  for (const name of new Set([...policies, 'default'])) {
    const p = name === 'default' ? (state.policies.default ?? DEFAULT_POLICY) : state.policies[name]
    if (p) rules.push(...p)
  }
  const matching = rules.filter((r) => patternRegex(r.path).test(path))
  if (matching.length === 0) return ['deny']
  const score = (p: string) => (/[*+]/.test(p) ? p.search(/[*+]/) : 10_000 + p.length)
  const best = Math.max(...matching.map((r) => score(r.path)))
  const caps = new Set(matching.filter((r) => score(r.path) === best).flatMap((r) => r.capabilities))
  if (caps.has('deny') || caps.size === 0) return ['deny']
  return [...caps].sort()
}

/** The capability an HTTP method needs. */
export const OP_CAP: Record<string, string> = {
  GET: 'read',
  HEAD: 'read',
  LIST: 'list',
  POST: 'update',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
}

/** Whether the token's policies allow this method on this path. */
export function allows(
  state: VaultSimState,
  policies: readonly string[],
  path: string,
  method: string,
): boolean {
  const needed = OP_CAP[method] ?? 'read'
  const caps = capabilitiesFor(state, policies, path)
  return caps.includes('root') || caps.includes(needed) || (needed === 'update' && caps.includes('create'))
}
