import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'

type Key = 'no-rotation' | 'rotation-overdue' | 'stale-version' | 'expiring'

/** Secret Manager advances next_rotation_time when it publishes; an hour behind means it did not. */
const OVERDUE_GRACE_MS = 3_600_000
/** The rotation handler gets a day after the notification to add the new version. */
const HANDLER_GRACE_MS = 86_400_000

export default defineCheck({
  id: 'gcp.rotation',
  title: 'Every secret rotates on a schedule and its newest version is younger than the period',
  description:
    'Secret Manager rotation is a schedule that publishes a Pub/Sub message; a handler must add the new ' +
    'version. Three things go quietly wrong: no schedule at all, a schedule whose notification is never sent ' +
    '(next rotation time in the past: topic deleted or the service agent may not publish), and notifications ' +
    'that no handler acts on (the newest version older than the period: a stale source, not a stale copy). A ' +
    'secret with an expiry is deleted with its versions at that time. GetSecret needs roles/secretmanager.viewer, ' +
    'which a least-privilege edge identity does not have: the check is then skipped as not-permitted.',
  provider: 'gcp',
  category: 'refresh',
  needs: ['gcp.secret-access'],
  network: true,
  findings: {
    'no-rotation': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message: 'no rotation schedule on {{secrets}}',
      remedies: ['bp.rotation', 'gcp.rotation-schedule'],
    },
    'rotation-overdue': {
      status: 'warn',
      severity: 'high',
      symptom: 'stale-secrets',
      message: '{{secret}}: next rotation was due {{ago}} ago and has not happened',
      remedies: ['gcp.rotation-handler', 'refresh.monitor-rotation'],
    },
    'stale-version': {
      status: 'warn',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        '{{secret}}: newest version {{version}} is {{age}} old, longer than its rotation period of {{period}}',
      remedies: ['gcp.rotation-handler', 'refresh.monitor-rotation'],
    },
    expiring: {
      status: 'warn',
      severity: 'high',
      message: '{{secret}} expires (is deleted with all versions) in {{left}}, at {{at}}',
      remedies: ['gcp.extend-expiry'],
    },
  },
  async run({ gcp, config, now }) {
    const secrets = config.gcp.secrets
    if (secrets.length === 0) return skip('not-applicable', 'no gcp.secrets configured')
    const t = now().getTime()
    const outcomes: Outcome<Key>[] = []
    const notPermitted: string[] = []
    const unscheduled: string[] = []
    const ok: string[] = []
    for (const s of secrets) {
      const ref = await gcp.ref(s.name)
      let meta
      try {
        meta = await gcp.secret(s.name)
      } catch (e) {
        if (isProviderError(e) && e.kind === 'denied' && e.facts.reason !== 'SERVICE_DISABLED') {
          notPermitted.push(s.name)
          continue
        }
        throw e
      }
      const flagged = outcomes.length
      if (meta.expireTime) {
        const left = Date.parse(meta.expireTime) - t
        if (left < config.thresholds.certMinValidityMs)
          outcomes.push(
            found(
              'expiring',
              { secret: s.name, left: formatDuration(Math.max(0, left)), at: meta.expireTime },
              {
                commands: {
                  'gcp.extend-expiry': [
                    `gcloud secrets update ${ref.secret} --project ${ref.project} --remove-expiration`,
                  ],
                },
              },
            ),
          )
      }
      const rot = meta.rotation
      if (!rot?.nextRotationTime && !rot?.rotationPeriodSeconds) {
        unscheduled.push(s.name)
        continue
      }
      const next = rot.nextRotationTime ? Date.parse(rot.nextRotationTime) : undefined
      if (next !== undefined && t - next > OVERDUE_GRACE_MS)
        outcomes.push(
          found(
            'rotation-overdue',
            { secret: s.name, ago: formatDuration(t - next) },
            {
              details: [
                `next rotation time ${rot.nextRotationTime}`,
                `topics: ${meta.topics.join(', ') || '(none)'}`,
              ],
              commands: {
                'gcp.rotation-handler': meta.topics.map(
                  (topic) => `gcloud pubsub topics get-iam-policy ${topic} --format="value(bindings)"`,
                ),
              },
            },
          ),
        )
      if (rot.rotationPeriodSeconds) {
        const periodMs = rot.rotationPeriodSeconds * 1000
        try {
          const v = await gcp.version(s.name)
          const age = v.createTime ? t - Date.parse(v.createTime) : undefined
          if (age !== undefined && age > periodMs + HANDLER_GRACE_MS)
            outcomes.push(
              found(
                'stale-version',
                {
                  secret: s.name,
                  version: v.version,
                  age: formatDuration(age),
                  period: formatDuration(periodMs),
                },
                {
                  commands: {
                    'gcp.rotation-handler': [
                      `gcloud secrets versions list ${ref.secret} --project ${ref.project} --limit 3`,
                    ],
                  },
                },
              ),
            )
        } catch (e) {
          if (!isProviderError(e) || e.kind !== 'denied') throw e
        }
      }
      if (outcomes.length === flagged)
        ok.push(
          `${s.name}: every ${rot.rotationPeriodSeconds ? formatDuration(rot.rotationPeriodSeconds * 1000) : '?'}, next ${rot.nextRotationTime ?? '?'}`,
        )
    }
    if (unscheduled.length)
      outcomes.push(
        found(
          'no-rotation',
          { secrets: unscheduled.join(', ') },
          {
            commands: {
              'gcp.rotation-schedule': await Promise.all(
                unscheduled.map(async (name) => {
                  const ref = await gcp.ref(name)
                  return `gcloud secrets update ${ref.secret} --project ${ref.project} --add-topics projects/${ref.project}/topics/secret-rotation --next-rotation-time $(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ) --rotation-period 30d`
                }),
              ),
            },
          },
        ),
      )
    if (outcomes.length) return outcomes
    if (notPermitted.length === secrets.length) {
      const who = (await gcp.credentials()).principal ?? 'this identity'
      return skip(
        'not-permitted',
        `GetSecret needs secretmanager.secrets.get (roles/secretmanager.viewer), which ${who} rightly lacks; run the doctor as an identity with it to check rotation`,
      )
    }
    return pass(`rotation scheduled for ${ok.length} secret(s)`, [
      ...ok,
      ...notPermitted.map((n) => `${n}: not permitted to read metadata`),
    ])
  },
})
