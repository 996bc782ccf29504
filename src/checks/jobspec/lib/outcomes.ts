// Issues of many entries turned into findings: one finding per kind, its entries as items (each with its
// file:line), the first three named in the message.
import type { FoundExtra, Item, Outcome } from '../../../core/check.js'
import type { Issue, Position } from './model.js'

/** How many entries a message names before "and N more". */
const NAMED = 3

/** `secret_providers.x.auth: method (line 7); …` — the first few, then how many more. */
export function listOf(items: readonly { entry: string; detail: string; at: Position }[]): string {
  const named = items.slice(0, NAMED).map((i) => `${i.entry}: ${i.detail} (line ${i.at.line})`)
  const more = items.length > NAMED ? `; and ${items.length - NAMED} more` : ''
  return `${named.join('; ')}${more}`
}

export const itemOf = (i: { entry: string; detail: string; at: Position }, file: string): Item => ({
  name: i.entry,
  detail: i.detail,
  location: { file, line: i.at.line, column: i.at.column },
})

export interface GroupOptions<K extends string> {
  /** Commands for the remedies of a finding kind. */
  readonly commands?: Partial<Record<K, FoundExtra['commands']>>
  /** Evidence lines for the check as a whole (given once: the report joins every finding's details). */
  readonly details?: readonly string[]
}

/** One finding per issue kind, failures first, then in the order the kinds first occur. */
export function grouped<K extends string>(
  issues: readonly Issue<K>[],
  file: string,
  failing: ReadonlySet<K>,
  o: GroupOptions<K> = {},
): Outcome<K>[] {
  const byKey = new Map<K, Issue<K>[]>()
  for (const i of issues) byKey.set(i.key, [...(byKey.get(i.key) ?? []), i])
  const keys = [...byKey.keys()].sort((a, b) => Number(failing.has(b)) - Number(failing.has(a)))
  return keys.map((key, n) => {
    const list = byKey.get(key) as Issue<K>[]
    const first = list[0] as Issue<K>
    const commands = o.commands?.[key]
    return {
      kind: 'found',
      finding: key,
      vars: { list: listOf(list), count: list.length },
      items: list.map((i) => itemOf(i, file)),
      location: { file, line: first.at.line, column: first.at.column },
      ...(commands ? { commands } : {}),
      ...(n === 0 && o.details?.length ? { details: o.details } : {}),
    } as Outcome<K>
  })
}
