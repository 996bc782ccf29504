import { formatDuration, parseGoDuration } from '../../core/duration.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { findObject, nsOf, ofKind, refOf } from '../../providers/kubernetes/model.js'

type Key = 'never' | 'unparsable' | 'longer-than-rotation' | 'on-change-only'

const DAY = 86_400_000
/** ESO's default when spec.refreshInterval is absent. */
const ESO_DEFAULT_MS = 3_600_000

export default defineCheck({
  id: 'k8s.refresh-interval',
  title: 'ExternalSecrets refresh at least as often as their secrets rotate',
  description:
    'ESO copies a secret once per refreshInterval. `0` means fetch once and never again: after the next rotation ' +
    'the pod keeps dead credentials. An interval longer than the rotation period (or than pipeline.maxStaleness) ' +
    'leaves a window where the copy is stale; an unparsable one is rejected by the API.',
  provider: 'kubernetes',
  category: 'refresh',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    never: {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        '{{ref}} has {{setting}}: it fetches once and never refreshes, so a rotated secret is never picked up',
      remedies: ['refresh.check-interval'],
    },
    unparsable: {
      status: 'fail',
      severity: 'high',
      message:
        '{{ref}}: refreshInterval "{{value}}" is not a Go duration (like 1h, 15m, 1h30m; days are not a unit)',
      remedies: ['refresh.check-interval'],
    },
    'longer-than-rotation': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        '{{ref}} refreshes every {{interval}}, longer than {{limit}}: the copy can be stale for that long',
      remedies: ['refresh.check-interval', 'refresh.monitor-rotation'],
    },
    'on-change-only': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message: '{{ref}} has refreshPolicy OnChange: it refreshes only when the ExternalSecret itself changes',
      remedies: ['refresh.check-interval'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const list = ofKind(inv, 'ExternalSecret')
    if (list.length === 0) return skip('not-applicable', 'no ExternalSecret in scope')
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const es of list) {
      const ref = refOf(es, inv)
      const loc = es.location
      const raw: unknown = es.spec?.refreshInterval
      const policy: string | undefined = es.spec?.refreshPolicy
      const fix = {
        'refresh.check-interval': [
          `kubectl -n ${nsOf(es, inv)} patch externalsecret ${es.metadata.name} --type merge -p '{"spec":{"refreshInterval":"1h"}}'`,
        ],
      }
      if (policy === 'CreatedOnce') {
        outcomes.push(found('never', { ref, setting: 'refreshPolicy CreatedOnce' }, { location: loc }))
        continue
      }
      if (policy === 'OnChange') {
        outcomes.push(found('on-change-only', { ref }, { location: loc }))
        continue
      }
      const text = raw === undefined || raw === null ? undefined : String(raw)
      const ms = text === undefined ? ESO_DEFAULT_MS : parseGoDuration(text)
      if (ms === undefined) {
        outcomes.push(found('unparsable', { ref, value: text ?? '' }, { location: loc }))
        continue
      }
      if (ms <= 0) {
        outcomes.push(
          found('never', { ref, setting: `refreshInterval "${text}"` }, { location: loc, commands: fix }),
        )
        continue
      }
      // The rotation period: the AWS config's maxRotationDays when this store is AWS; and the pipeline's staleness limit.
      const limits: { ms: number; what: string }[] = [
        {
          ms: config.pipeline.maxStalenessMs,
          what: `pipeline.maxStaleness (${formatDuration(config.pipeline.maxStalenessMs)})`,
        },
      ]
      const storeRef = es.spec?.secretStoreRef ?? {}
      const store = storeRef.name
        ? findObject(
            inv,
            storeRef.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore',
            storeRef.kind === 'ClusterSecretStore' ? undefined : nsOf(es, inv),
            storeRef.name,
          )
        : undefined
      if (store?.spec?.provider?.aws && config.aws.configured)
        limits.push({
          ms: config.aws.maxRotationDays * DAY,
          what: `the rotation period (aws.maxRotationDays ${config.aws.maxRotationDays}d)`,
        })
      const exceeded = limits.filter((l) => ms > l.ms).sort((a, b) => a.ms - b.ms)[0]
      if (exceeded)
        outcomes.push(
          found(
            'longer-than-rotation',
            { ref, interval: formatDuration(ms), limit: exceeded.what },
            { location: loc, commands: fix },
          ),
        )
      else details.push(`${ref}: every ${formatDuration(ms)}${text === undefined ? ' (ESO default)' : ''}`)
    }
    return outcomes.length > 0 ? outcomes : pass(`${list.length} ExternalSecret(s) refresh in time`, details)
  },
})
