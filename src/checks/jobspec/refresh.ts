import { formatDuration } from '../../core/duration.js'
import { jobspecOf } from './lib/jobspec.js'
import { defineCheck, pass, skip, type Outcome } from './lib/define.js'
import type { Issue } from './lib/model.js'
import { grouped } from './lib/outcomes.js'

type Key = 'slower-than-max' | 'default-unknown' | 'pinned-version'

export default defineCheck<Key>({
  id: 'jobspec.refresh',
  title: 'Each JobSpec secret is fetched again well within maxStaleness, and follows rotation',
  description:
    'The agent caches each declared secret and fetches it again on a schedule, so that rotation in the store ' +
    '"flows through to the running pipeline without a redeploy". A `refresh` longer than pipeline.maxStaleness ' +
    'keeps a rotated credential out of the pipeline for too long, and a pinned `version` never follows rotation at ' +
    "all. The agent's default refresh is not on the vendor pages the doctor has read: an entry without one is named. " +
    'Leases Vault reports are compared with the refresh by jobspec.vault-read.',
  provider: 'jobspec',
  category: 'refresh',
  needs: ['jobspec.secret-refs'],
  network: false,
  findings: {
    'slower-than-max': {
      status: 'warn',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'refreshed less often than maxStaleness {{max}}: {{list}}',
      remedies: ['refresh.check-interval', 'jobspec.set-refresh'],
    },
    'pinned-version': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message: 'a pinned version never follows rotation in the store: {{list}}',
      remedies: ['jobspec.fix-secret-entry', 'bp.rotation'],
    },
    'default-unknown': {
      status: 'warn',
      severity: 'low',
      message:
        "no refresh set, and the agent's default refresh is not understood by this version of edge-secrets: {{list}}",
      remedies: ['refresh.check-interval', 'jobspec.set-refresh'],
    },
  },
  async run({ node, config }) {
    const j = await jobspecOf(node, config)
    if (j.state !== 'ok' || !j.model.secrets.length)
      return skip('not-applicable', 'the pipeline config declares no secrets')
    const max = config.pipeline.maxStalenessMs
    const issues: Issue<Key>[] = []
    const details = [`maxStaleness: ${formatDuration(max)}`]
    for (const s of j.model.secrets) {
      if (s.version !== undefined)
        issues.push({
          key: 'pinned-version',
          entry: `${s.entry}.version`,
          at: s.versionAt ?? s.at,
          detail: `version ${s.version}`,
        })
      if (!s.refresh) {
        issues.push({ key: 'default-unknown', entry: s.entry, at: s.at, detail: 'no refresh' })
        continue
      }
      if (s.refresh.ms === undefined) continue // jobspec.secret-refs names a refresh it cannot read
      details.push(`${s.entry}: refresh ${formatDuration(s.refresh.ms)}`)
      if (s.refresh.ms > max)
        issues.push({
          key: 'slower-than-max',
          entry: `${s.entry}.refresh`,
          at: s.refresh.at,
          detail: `refresh ${s.refresh.text}`,
        })
    }
    const out: Outcome<Key>[] = grouped<Key>(issues, j.file, new Set<Key>(), { details }).map((o) =>
      o.kind === 'found' ? { ...o, vars: { ...o.vars, max: formatDuration(max) } } : o,
    )
    if (out.length) return out
    return pass(`every secret refreshes within ${formatDuration(max)}`, details)
  },
})
