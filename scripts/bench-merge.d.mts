// Types of the fleet generator in bench-merge.mjs, for the tests that merge the same fleet.
import type { Check } from '../src/core/check.js'
import type { Report } from '../src/core/report.js'
import type { RemedyDef } from '../src/remedies.js'

export interface FleetOptions {
  readonly catalogue: readonly Check[]
  readonly remedies: Readonly<Record<string, RemedyDef>>
  readonly seed?: number
}

export function nodeReport(
  i: number,
  opts: FleetOptions & { readonly version?: string; readonly rerun?: number },
): Report

export function generateFleet(
  opts: FleetOptions & { readonly nodes: number; readonly dir: string; readonly jsonl?: string },
): Promise<void>
