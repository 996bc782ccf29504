/** A remedy: what a person can do about a finding. `doc` remedies are the documentation's own words. */
export interface RemedyDef {
  readonly title: string
  readonly source: 'doc' | 'extended'
  /** Where in the documentation it comes from (doc), or the kind of knowledge (extended). */
  readonly section: string
  /** Longer runbook text for `explain`: the documentation's words (doc) or ours (extended). */
  readonly body?: string
  /** Verbatim example from the documentation (policy JSON, CLI command), shown by `explain`. */
  readonly example?: string
}

/** Helper so each provider's remedy file keeps literal keys (RemedyId stays a union of string literals). */
export const defineRemedies = <const K extends string>(r: Record<K, RemedyDef>): Record<K, RemedyDef> => r
