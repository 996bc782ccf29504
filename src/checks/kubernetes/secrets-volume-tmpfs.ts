import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  SECRET_FETCH,
  containersOf,
  initContainersOf,
  scriptOf,
  workloads,
} from '../../providers/kubernetes/model.js'

const SECRETISH = /secret|cred|token|vault|passw|api[-_]?key/i

export default defineCheck({
  id: 'k8s.secrets-volume-tmpfs',
  title: 'Secret emptyDir volumes use medium: Memory',
  description:
    'An emptyDir without `medium: Memory` lives on the node’s disk: secrets written there outlive the pod in ' +
    'the node’s filesystem and backups. The documentation’s own example uses `emptyDir: {medium: Memory}`.',
  provider: 'kubernetes',
  category: 'config',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'on-disk': {
      status: 'fail',
      severity: 'medium',
      message:
        '{{workload}}: secret volume {{volume}} ({{why}}) is an emptyDir on the node’s disk, not medium: Memory',
      remedies: ['pattern.tmpfs'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const outcomes: Outcome<'on-disk'>[] = []
    const details: string[] = []
    let secretVolumes = 0
    for (const w of workloads(inv, config)) {
      const all = [...initContainersOf(w.podSpec), ...containersOf(w.podSpec)]
      for (const v of w.podSpec.volumes ?? []) {
        if (!v || !('emptyDir' in v)) continue
        const mounts = all.flatMap((c) =>
          (c.volumeMounts ?? []).filter((m) => m.name === v.name).map((m) => ({ c, m })),
        )
        const why = SECRETISH.test(v.name)
          ? 'its name'
          : mounts.find(({ m }) => SECRETISH.test(m.mountPath))
            ? `mounted at ${mounts.find(({ m }) => SECRETISH.test(m.mountPath))?.m.mountPath}`
            : mounts.find(({ c }) => SECRET_FETCH.test(scriptOf(c)))
              ? `${mounts.find(({ c }) => SECRET_FETCH.test(scriptOf(c)))?.c.name} fetches secrets into it`
              : undefined
        if (!why) continue
        secretVolumes++
        if (v.emptyDir?.medium === 'Memory') {
          details.push(`${w.ref}: ${v.name} on tmpfs`)
          continue
        }
        outcomes.push(
          found(
            'on-disk',
            { workload: w.ref, volume: v.name, why },
            {
              location: w.location,
              details: ['volumes:', `  - name: ${v.name}`, '    emptyDir:', '      medium: Memory'],
            },
          ),
        )
      }
    }
    if (secretVolumes === 0)
      return skip('not-applicable', 'no emptyDir volume holds secrets in the workloads in scope')
    return outcomes.length > 0 ? outcomes : pass(`${secretVolumes} secret volume(s) on tmpfs`, details)
  },
})
