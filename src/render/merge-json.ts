// `report merge --format json`: the fleet view as data (schema/merge.schema.json), one document.
import type { FleetView } from './merge-model.js'

export function renderMergeJson(v: FleetView): string {
  return `${JSON.stringify(v, null, 2)}\n`
}
