// oclif's explicit command strategy: one import per command, no directory scan at startup.
import Bundle from './bundle.js'
import Checks from './checks.js'
import Demo from './demo.js'
import Doctor from './doctor.js'
import Explain from './explain.js'
import FleetManifest from './fleet/manifest.js'
import FleetRun from './fleet/run.js'
import ReportDiff from './report/diff.js'
import ReportMerge from './report/merge.js'
import ReportShow from './report/show.js'

export const COMMANDS = {
  doctor: Doctor,
  checks: Checks,
  explain: Explain,
  demo: Demo,
  bundle: Bundle,
  'report:show': ReportShow,
  'report:diff': ReportDiff,
  'report:merge': ReportMerge,
  'fleet:manifest': FleetManifest,
  'fleet:run': FleetRun,
}
