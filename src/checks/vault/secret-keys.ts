import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'

export default defineCheck({
  id: 'vault.secret-keys',
  title: 'Every key the config or an agent template references exists and is non-empty',
  description:
    'A template that reads a key the secret does not have renders `<no value>` without any error, and the pipeline starts with that string as its credential.',
  provider: 'vault',
  category: 'secret-paths',
  needs: ['vault.secret-paths'],
  network: true,
  findings: {
    'key-missing': {
      status: 'fail',
      severity: 'critical',
      message: '{{count}} key(s) missing: {{keys}} (a template renders them as `<no value>`)',
      remedies: ['auth.confirm-secret-paths', 'vault.error-on-missing-key'],
    },
    'key-empty': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} key(s) hold no usable value: {{keys}}',
      remedies: ['auth.confirm-secret-paths', 'refresh.monitor-rotation'],
    },
  },
  async run({ vault }) {
    const { refs } = await vault.secretRefs()
    const withKeys = refs.filter((r) => r.keys.length > 0)
    if (withKeys.length === 0)
      return skip('not-applicable', 'no keys listed in vault.secrets or used by a template')
    const missing: Item[] = []
    const empty: Item[] = []
    let checked = 0
    for (const r of withKeys) {
      const s = await vault.readSecret(r.path)
      if (s.state !== 'ok') continue
      for (const key of r.keys) {
        checked++
        const ref = r.keyRefs?.find((k) => k.key === key)
        const location = r.file ? { file: r.file, line: ref?.line } : undefined
        const state = s.keys[key]
        const name = `${r.path}#${key}`
        if (state === undefined)
          missing.push({
            name,
            detail: `not in the secret (it has: ${Object.keys(s.keys).sort().join(', ') || 'nothing'})`,
            ...(location ? { location } : {}),
          })
        else if (state !== 'set')
          empty.push({
            name,
            detail: state === 'no-value' ? 'holds the literal `<no value>`' : `is ${state}`,
            ...(location ? { location } : {}),
          })
      }
    }
    const out: Outcome<'key-missing' | 'key-empty'>[] = []
    if (missing.length)
      out.push(
        found(
          'key-missing',
          { count: missing.length, keys: missing.map((i) => i.name).join(', ') },
          {
            items: missing,
            location: missing[0]?.location,
            commands: {
              'auth.confirm-secret-paths': [
                ...new Set(
                  missing.map(
                    (i) => `vault kv get ${(i.name.split('#')[0] as string).replace('/data/', '/')}`,
                  ),
                ),
              ],
            },
          },
        ),
      )
    if (empty.length)
      out.push(
        found(
          'key-empty',
          { count: empty.length, keys: empty.map((i) => i.name).join(', ') },
          { items: empty },
        ),
      )
    return out.length ? out : pass(`${checked} key(s) present and non-empty`)
  },
})
