import { parseGoDuration } from '../../core/duration.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  annotations,
  envSecretRefs,
  findObject,
  lastChanged,
  ofKind,
  podStarted,
  podsOf,
  refOf,
  workloads,
  type Workload,
  restartCommand,
} from '../../providers/kubernetes/model.js'

type Key = 'stale' | 'env-not-refreshed'

/** Something restarts the pods when this Secret changes (Stakater Reloader, or a checksum annotation). */
function reloads(w: Workload, secret: string): boolean {
  const a = { ...annotations(w.obj), ...(w.templateMeta.annotations ?? {}) }
  if (a['reloader.stakater.com/auto'] === 'true' || a['secret.reloader.stakater.com/auto'] === 'true')
    return true
  const list = a['secret.reloader.stakater.com/reload']
  if (
    list &&
    list
      .split(',')
      .map((s) => s.trim())
      .includes(secret)
  )
    return true
  return Object.keys(w.templateMeta.annotations ?? {}).some((k) => k.startsWith('checksum/'))
}

export default defineCheck({
  id: 'k8s.stale-env',
  title: 'Pods that take secrets through env vars started after the Secret last changed',
  description:
    'Environment variables are copied into a container when it starts; a Secret updated later (a rotation ' +
    'synced by ESO or the CSI driver) does not reach the running process. The old credential stays in use until ' +
    'the pod restarts — the documentation’s "Old credentials still in use after rotation".',
  provider: 'kubernetes',
  category: 'refresh',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    stale: {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        '{{count}} pod(s) of {{workload}} started before Secret {{secret}} last changed ({{changed}}): they still hold the old values',
      remedies: ['refresh.restart-agent', 'refresh.verify-restarts', 'k8s.reload-on-change'],
    },
    'env-not-refreshed': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        '{{workload}} reads Secret {{secret}}, refreshed by {{producer}}, through env vars: each refresh reaches it only after a restart',
      remedies: ['refresh.restart-agent', 'k8s.reload-on-change'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const consumers = workloads(inv, config).filter((w) => envSecretRefs(w.podSpec).size > 0)
    if (consumers.length === 0) return skip('not-applicable', 'no workload takes secrets through env vars')
    // Who keeps each Secret fresh.
    const producers = new Map<string, string>()
    for (const es of ofKind(inv, 'ExternalSecret')) {
      const ms = es.spec?.refreshInterval === undefined ? 1 : parseGoDuration(String(es.spec.refreshInterval))
      if (ms && ms > 0 && es.spec?.refreshPolicy !== 'CreatedOnce')
        producers.set(
          `${es.metadata.namespace ?? inv.namespace}/${es.spec?.target?.name ?? es.metadata.name}`,
          refOf(es, inv),
        )
    }
    for (const spc of ofKind(inv, 'SecretProviderClass'))
      for (const so of spc.spec?.secretObjects ?? [])
        if (so?.secretName)
          producers.set(
            `${spc.metadata.namespace ?? inv.namespace}/${so.secretName}`,
            `${refOf(spc, inv)} (CSI sync)`,
          )

    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const w of consumers)
      for (const name of envSecretRefs(w.podSpec).keys()) {
        const secret = findObject(inv, 'Secret', w.namespace, name)
        const changed = secret && inv.source === 'live' ? lastChanged(secret) : undefined
        const restart = {
          'refresh.restart-agent': [restartCommand(w)],
        }
        if (changed) {
          const old = podsOf(inv, w).filter((p) => (podStarted(p)?.getTime() ?? Infinity) < changed.getTime())
          if (old.length) {
            outcomes.push(
              found(
                'stale',
                {
                  count: old.length,
                  workload: w.ref,
                  secret: `${w.namespace}/${name}`,
                  changed: changed.toISOString(),
                },
                {
                  items: old.map((p) => ({
                    name: `Pod/${w.namespace}/${p.metadata.name}`,
                    detail: `started ${podStarted(p)?.toISOString()} (${Math.round((changed.getTime() - (podStarted(p)?.getTime() ?? 0)) / 60_000)} min before the change)`,
                  })),
                  commands: restart,
                  location: w.location,
                },
              ),
            )
            continue
          }
        }
        const producer = producers.get(`${w.namespace}/${name}`)
        if (producer && !reloads(w, name))
          outcomes.push(
            found(
              'env-not-refreshed',
              { workload: w.ref, secret: `${w.namespace}/${name}`, producer },
              { location: w.location, commands: restart },
            ),
          )
        else
          details.push(
            `${w.ref}: Secret ${name}${changed ? ` (changed ${changed.toISOString()})` : ''} ${producer ? 'reloaded on change' : 'not rotated by an operator'}`,
          )
      }
    return outcomes.length > 0
      ? outcomes
      : pass(`${consumers.length} env-consuming workload(s) current`, details)
  },
})
