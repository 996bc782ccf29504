import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'

const ENVIRONMENTS = [
  'prod',
  'production',
  'staging',
  'stage',
  'stg',
  'dev',
  'development',
  'test',
  'qa',
  'uat',
  'sandbox',
  'preprod',
]

export default defineCheck({
  id: 'vault.path-layout',
  title: "Secret paths carry this environment's segment and no other environment's",
  description:
    'Paths organised by environment (expanso/prod/pipeline) keep a staging node from reading production credentials; a path naming another environment is a copy-paste mistake that works until it hurts.',
  provider: 'vault',
  category: 'secret-paths',
  network: false,
  findings: {
    'other-environment': {
      status: 'fail',
      severity: 'high',
      message: 'environment {{env}} reads paths of another environment: {{paths}}',
      remedies: ['bp.namespaced-paths', 'auth.confirm-secret-paths'],
    },
    'no-environment': {
      status: 'warn',
      severity: 'low',
      message: 'paths without an environment segment ({{env}}): {{paths}}',
      remedies: ['bp.namespaced-paths'],
    },
  },
  async run({ vault, config }) {
    const env = config.environment
    if (!env) return skip('not-applicable', 'no `environment` in the config')
    const { refs } = await vault.secretRefs()
    if (refs.length === 0)
      return skip('not-applicable', 'no secret paths in the config or the agent templates')
    const other: Item[] = []
    const none: Item[] = []
    for (const path of new Set(refs.map((r) => r.path))) {
      const segs = path.split('/')
      const ref = refs.find((r) => r.path === path)
      const location = ref?.file ? { file: ref.file, line: ref.keyRefs?.[0]?.line } : undefined
      const foreign = segs.find((s) => ENVIRONMENTS.includes(s.toLowerCase()) && s !== env)
      if (foreign && !segs.includes(env))
        other.push({ name: path, detail: `names ${foreign}`, ...(location ? { location } : {}) })
      else if (!segs.includes(env)) none.push({ name: path, ...(location ? { location } : {}) })
    }
    const out: Outcome<'other-environment' | 'no-environment'>[] = []
    if (other.length)
      out.push(
        found('other-environment', { env, paths: other.map((i) => i.name).join(', ') }, { items: other }),
      )
    if (none.length)
      out.push(found('no-environment', { env, paths: none.map((i) => i.name).join(', ') }, { items: none }))
    return out.length ? out : pass(`every path is under ${env}`)
  },
})
