import { defineCheck, found, pass, skip } from '../define.js'
import { kvPathCheck } from '../../providers/vault/model.js'

export default defineCheck({
  id: 'vault.capabilities',
  title: 'The Vault token can read every configured and templated secret path',
  description:
    'Vault policies match API paths. A policy written for the CLI path (without KV v2\'s data/) or for another path leaves the agent with "permission denied" on every render.',
  provider: 'vault',
  category: 'auth',
  needs: ['vault.auth'],
  network: true,
  findings: {
    'no-read': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'no read capability on {{paths}}',
      remedies: ['vault.grant-read', 'auth.confirm-secret-paths', 'auth.verify-iam'],
    },
    'cli-path-policy': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the policy grants read on {{bare}} (the CLI path) but not on the API path {{path}}',
      remedies: ['vault.grant-read', 'auth.confirm-secret-paths'],
    },
  },
  async run({ vault }) {
    const { refs } = await vault.secretRefs()
    if (refs.length === 0)
      return skip('not-applicable', 'no secret paths in the config or the agent templates')
    // A KV v2 path written without data/ is vault.secret-paths' finding; judge the path the fix will use.
    const checked = new Map<string, string>()
    for (const r of refs) {
      const m = await vault.mountInfo(r.path)
      const k = m ? kvPathCheck(r.path, m) : undefined
      checked.set(r.path, k?.corrected ?? r.path)
    }
    const paths = [...new Set(checked.values())]
    const caps = await vault.capabilities(paths)
    const t = await vault.tokenSelf()
    const policies = [...t.policies, ...t.identityPolicies]
    const denied = paths.filter((p) => {
      const c = caps[p] ?? ['deny']
      return !c.includes('read') && !c.includes('root')
    })
    const details = [
      `token policies: ${policies.join(', ') || '(none)'}`,
      ...paths.map((p) => `${p}: ${(caps[p] ?? ['deny']).join(', ')}`),
    ]
    if (denied.length === 0) return pass(`read on ${paths.length} path(s)`, details)
    const custom = policies.filter((p) => p !== 'default' && p !== 'root')
    const commands = {
      'auth.confirm-secret-paths': denied.map((p) => `vault token capabilities ${p}`),
      'auth.verify-iam': custom.map((p) => `vault policy read ${p}`),
      'vault.grant-read': denied.map((p) => `path "${p}" { capabilities = ["read"] }`),
    }
    // A KV v2 API path denied while its CLI spelling is allowed: the classic policy mistake, named as such.
    for (const p of denied) {
      const m = await vault.mountInfo(p)
      if (m?.kvVersion !== 2) continue
      const k = kvPathCheck(p, m)
      if (k.problem || !p.startsWith(`${m.mount}data/`)) continue
      const bare = `${m.mount}${k.logical}`
      const bc = (await vault.capabilities([bare]))[bare] ?? []
      if (bc.includes('read')) return found('cli-path-policy', { bare, path: p }, { details, commands })
    }
    return found(
      'no-read',
      { paths: denied.join(', ') },
      {
        details,
        commands,
        items: denied.map((p) => {
          const r = refs.find((x) => checked.get(x.path) === p)
          return {
            name: p,
            detail: r?.source === 'template' ? `used by ${r.file}` : 'from vault.secrets',
            ...(r?.file ? { location: { file: r.file, line: r.keyRefs?.[0]?.line } } : {}),
          }
        }),
      },
    )
  },
})
