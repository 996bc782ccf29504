import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  SECRET_FETCH,
  containersOf,
  initContainersOf,
  podsOf,
  scriptOf,
  workloads,
} from '../../providers/kubernetes/model.js'

const P = 'vault.hashicorp.com/'

export default defineCheck({
  id: 'k8s.init-vs-sidecar',
  title: 'Secrets are kept fresh by a sidecar, not fetched once by an init container',
  description:
    'An init container fetches secrets once, before the agent starts: every start waits for the secret manager, ' +
    'and a rotation never reaches the running pod. A sidecar (Vault Agent, a CSI mount with rotation) keeps the ' +
    'files current — the documentation’s first remedy for slow startup.',
  provider: 'kubernetes',
  category: 'latency',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'init-only': {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message:
        '{{workload}} fetches secrets only in init container {{container}}: slower starts, and no refresh until the pod restarts',
      remedies: ['latency.use-sidecar', 'refresh.verify-restarts', 'latency.cache-locally'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const outcomes: Outcome<'init-only'>[] = []
    const details: string[] = []
    let fetching = 0
    for (const w of workloads(inv, config)) {
      const a = w.templateMeta.annotations ?? {}
      const injected = a[`${P}agent-inject`] === 'true'
      const inits = initContainersOf(w.podSpec)
      // Native sidecars (restartPolicy: Always) keep running; they are not one-shot init containers.
      const oneShot = inits.filter((c) => c.restartPolicy !== 'Always' && SECRET_FETCH.test(scriptOf(c)))
      const sidecars = [
        ...containersOf(w.podSpec).filter((c) => SECRET_FETCH.test(scriptOf(c))),
        ...inits.filter((c) => c.restartPolicy === 'Always'),
      ]
      let initName: string | undefined = oneShot[0]?.name
      if (injected && a[`${P}agent-pre-populate-only`] === 'true')
        initName = 'vault-agent-init (agent-pre-populate-only)'
      else if (injected) sidecars.push({ name: 'vault-agent' })
      // A running pod shows what the injector actually did.
      if (!initName && inv.source === 'live')
        for (const p of podsOf(inv, w)) {
          const names = containersOf(p.spec).map((c) => c.name)
          if (
            initContainersOf(p.spec).some((c) => c.name === 'vault-agent-init') &&
            !names.includes('vault-agent')
          )
            initName = 'vault-agent-init'
        }
      if (!initName && sidecars.length === 0) continue
      fetching++
      if (initName && sidecars.length === 0)
        outcomes.push(found('init-only', { workload: w.ref, container: initName }, { location: w.location }))
      else details.push(`${w.ref}: refreshed by ${sidecars.map((c) => c.name).join(', ')}`)
    }
    if (fetching === 0)
      return skip('not-applicable', 'no workload fetches secrets in an init container or a sidecar')
    return outcomes.length > 0
      ? outcomes
      : pass(`${fetching} workload(s) keep secrets fresh with a sidecar`, details)
  },
})
