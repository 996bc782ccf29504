import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  absenceNote,
  absenceProves,
  envSecretRefs,
  findObject,
  nsOf,
  ofKind,
  refOf,
  workloads,
} from '../../providers/kubernetes/model.js'

type Key = 'missing' | 'missing-keys' | 'empty-keys' | 'key-not-produced'

interface Target {
  ns: string
  name: string
  /** Keys someone needs, each with who needs it. */
  needs: Map<string, string>
  producer?: { ref: string; keys?: Set<string>; location?: { file: string; line?: number } }
  consumers: string[]
}

export default defineCheck({
  id: 'k8s.target-secret',
  title: 'The Kubernetes Secrets that ESO, the CSI driver and the workload use exist with every key',
  description:
    'ExternalSecrets and SecretProviderClass secretObjects produce Kubernetes Secrets that pods read through ' +
    'env vars or volumes. A missing Secret keeps the pod in CreateContainerConfigError; a missing or empty key ' +
    'starts the agent with a blank credential. Key names only: values are never read into the report.',
  provider: 'kubernetes',
  category: 'secret-paths',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    missing: {
      status: 'fail',
      severity: 'critical',
      message: 'Secret {{ns}}/{{name}} does not exist ({{why}})',
      remedies: ['auth.confirm-secret-paths'],
    },
    'missing-keys': {
      status: 'fail',
      severity: 'critical',
      message: 'Secret {{ns}}/{{name}} lacks key(s) {{keys}} ({{why}})',
      remedies: ['auth.confirm-secret-paths'],
    },
    'empty-keys': {
      status: 'fail',
      severity: 'high',
      message: 'Secret {{ns}}/{{name}} has empty key(s) {{keys}}',
      remedies: ['auth.confirm-secret-paths', 'refresh.monitor-rotation'],
    },
    'key-not-produced': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{consumer}} reads key {{key}} of Secret {{name}}, but {{producer}} only produces {{produced}}',
      remedies: ['auth.confirm-secret-paths'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const targets = new Map<string, Target>()
    const target = (ns: string, name: string) => {
      const k = `${ns}/${name}`
      let t = targets.get(k)
      if (!t) targets.set(k, (t = { ns, name, needs: new Map(), consumers: [] }))
      return t
    }
    for (const es of ofKind(inv, 'ExternalSecret')) {
      const t = target(nsOf(es, inv), es.spec?.target?.name ?? es.metadata.name)
      const keys = (es.spec?.data ?? []).map((d: { secretKey: string }) => d.secretKey)
      t.producer = {
        ref: refOf(es, inv),
        keys: es.spec?.dataFrom ? undefined : new Set(keys),
        location: es.location,
      }
      for (const k of keys) t.needs.set(k, `${refOf(es, inv)} writes it`)
    }
    for (const spc of ofKind(inv, 'SecretProviderClass'))
      for (const so of spc.spec?.secretObjects ?? []) {
        if (!so?.secretName) continue
        const t = target(nsOf(spc, inv), so.secretName)
        const keys = (so.data ?? []).map((d: { key: string }) => d.key)
        t.producer = { ref: refOf(spc, inv), keys: new Set(keys), location: spc.location }
        for (const k of keys) t.needs.set(k, `${refOf(spc, inv)} syncs it`)
      }
    for (const w of workloads(inv, config))
      for (const [name, keys] of envSecretRefs(w.podSpec)) {
        const t = target(w.namespace, name)
        t.consumers.push(w.ref)
        for (const k of keys) if (k !== '*') t.needs.set(k, `${w.ref} reads it`)
      }
    if (targets.size === 0)
      return skip(
        'not-applicable',
        'no ExternalSecret, synced SecretProviderClass or env-consumed Secret in scope',
      )

    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const t of targets.values()) {
      const why = [
        t.producer ? `made by ${t.producer.ref}` : '',
        t.consumers.length ? `used by ${t.consumers.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')
      // Consistency between producer and consumers needs no cluster.
      if (t.producer?.keys)
        for (const [key, who] of t.needs)
          if (!t.producer.keys.has(key) && who.endsWith('reads it'))
            outcomes.push(
              found(
                'key-not-produced',
                {
                  consumer: who.replace(/ reads it$/, ''),
                  key,
                  name: t.name,
                  producer: t.producer.ref,
                  produced: [...t.producer.keys].join(', ') || '(nothing)',
                },
                { location: t.producer.location },
              ),
            )
      const secret = findObject(inv, 'Secret', t.ns, t.name)
      if (!secret) {
        if (absenceProves(inv, 'Secret'))
          outcomes.push(
            found(
              'missing',
              { ns: t.ns, name: t.name, why: why || 'referenced' },
              {
                commands: {
                  'auth.confirm-secret-paths': t.producer?.ref.startsWith('ExternalSecret/')
                    ? [`kubectl -n ${t.ns} describe externalsecret ${t.producer.ref.split('/').pop()}`]
                    : [`kubectl -n ${t.ns} get secret ${t.name}`],
                },
              },
            ),
          )
        else details.push(`Secret/${t.ns}/${t.name}: ${absenceNote(inv, 'Secret')}`)
        continue
      }
      // A Secret manifest that ESO or the CSI driver will overwrite says nothing about what the pod gets.
      if (inv.source === 'manifests' && t.producer) {
        details.push(`Secret/${t.ns}/${t.name}: in the manifests, but ${t.producer.ref} writes it`)
        continue
      }
      const keys = secret.keys ?? {}
      const absent = [...t.needs.keys()].filter((k) => !(k in keys))
      // `<no value>` and `null` are what a template renders for a key it could not read: empty all the same.
      const empty = [...t.needs.keys()].filter((k) => k in keys && keys[k] !== 'set')
      if (absent.length)
        outcomes.push(
          found(
            'missing-keys',
            { ns: t.ns, name: t.name, keys: absent.join(', '), why: why || 'referenced' },
            { location: secret.location },
          ),
        )
      if (empty.length)
        outcomes.push(
          found(
            'empty-keys',
            {
              ns: t.ns,
              name: t.name,
              // Named by what happened, never by the text itself (which is the value).
              keys: empty
                .map((k) => (keys[k] === 'empty' ? k : `${k} (rendered from a missing key)`))
                .join(', '),
            },
            { location: secret.location },
          ),
        )
      if (!absent.length && !empty.length)
        details.push(`Secret/${t.ns}/${t.name}: ${Object.keys(keys).length} key(s) set`)
    }
    return outcomes.length > 0 ? outcomes : pass(`${targets.size} Secret(s) in order`, details)
  },
})
