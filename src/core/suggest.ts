// One "did you mean" for every place that has one: check ids in --only/--skip and `explain`, providers in
// --provider, scenario names in `demo`, secret keys, injector template names. Ranking: a candidate that
// starts with what was typed, then one that has its last token as a whole token (`vault.tls` for `tls`), then the
// nearest by edit distance — and only if it is near enough, so a typo never gets unrelated suggestions.
import { distance } from 'fastest-levenshtein'

const tokens = (s: string) =>
  s
    .toLowerCase()
    .split(/[.\-_/\s:]+/)
    .filter(Boolean)

/** Up to `max` candidates for `input`, best first; empty when nothing is close. */
export function suggest(input: string, candidates: readonly string[], max = 3): string[] {
  const q = input.toLowerCase().trim()
  if (!q) return []
  const last = tokens(q).at(-1) ?? ''
  const scored: { c: string; rank: number; d: number }[] = []
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase()
    if (lc === q) return [c]
    const d = distance(q, lc)
    const cTokens = tokens(lc)
    let rank: number
    if (lc.startsWith(q)) rank = 0
    // The last token is the informative one (`tls` in `vault.tls`); sharing `vault.` says nothing.
    else if (last.length >= 2 && cTokens.includes(last)) rank = 1
    else if (cTokens.some((t) => t.startsWith(q) && q.length >= 3)) rank = 2
    else if (d <= Math.max(2, Math.floor(Math.max(q.length, 3) / 3))) rank = 3
    else continue
    scored.push({ c, rank, d })
  }
  return scored
    .sort((a, b) => a.rank - b.rank || a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((s) => s.c)
}

/** `. Did you mean a, b?` or empty. */
export function didYouMean(input: string, candidates: readonly string[], max = 3): string {
  const s = suggest(input, candidates, max)
  return s.length ? `. Did you mean ${s.join(', ')}?` : ''
}
