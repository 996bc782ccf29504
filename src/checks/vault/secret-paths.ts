import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import type { SecretRef } from '../../providers/vault/api.js'
import { kvPathCheck } from '../../providers/vault/model.js'

type F = 'kv2-missing-data' | 'kv1-given-data' | 'missing' | 'deleted' | 'forbidden' | 'mount-not-visible'

const itemFor = (r: SecretRef | undefined, path: string, detail: string): Item => ({
  name: path,
  detail: r?.source === 'template' ? `${detail} (template ${r.file})` : detail,
  ...(r?.file ? { location: { file: r.file, line: r.keyRefs?.[0]?.line } } : {}),
})

export default defineCheck<'vault', F>({
  id: 'vault.secret-paths',
  title: 'Every configured and templated Vault secret path exists',
  description:
    'KV v2 reads go to <mount>/data/<path> while the CLI hides data/; a path written the CLI way (or with data/ on a KV v1 mount) reads nothing. A missing secret and a forbidden one need different fixes.',
  provider: 'vault',
  category: 'secret-paths',
  needs: ['vault.auth', 'vault.capabilities'],
  network: true,
  findings: {
    'kv2-missing-data': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{path}} is on KV v2 mount {{mount}}: the API path is {{corrected}}',
      remedies: ['vault.kv2-data-path', 'auth.confirm-secret-paths'],
    },
    'kv1-given-data': {
      status: 'fail',
      severity: 'critical',
      message: '{{path}} is on KV v1 mount {{mount}}, which has no data/ segment: the path is {{corrected}}',
      remedies: ['vault.kv1-path', 'auth.confirm-secret-paths'],
    },
    missing: {
      status: 'fail',
      severity: 'critical',
      message: 'no secret at {{paths}}',
      remedies: ['auth.confirm-secret-paths'],
    },
    deleted: {
      status: 'fail',
      severity: 'critical',
      message: 'the current version of {{paths}} is deleted',
      remedies: ['vault.undelete-secret', 'auth.confirm-secret-paths'],
    },
    forbidden: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the token may not read {{paths}} (Vault hides whether it exists): {{error}}',
      remedies: ['vault.grant-read', 'auth.verify-iam', 'auth.confirm-secret-paths'],
    },
    'mount-not-visible': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'no secrets engine at {{paths}} is visible to this token (no such mount, or no policy grants anything under it)',
      remedies: ['auth.confirm-secret-paths', 'auth.verify-iam'],
    },
  },
  async run({ vault }) {
    const { refs } = await vault.secretRefs()
    if (refs.length === 0)
      return skip('not-applicable', 'no secret paths in the config or the agent templates')
    const out: Outcome<F>[] = []
    const deletedVersion = new Map<string, number | undefined>()
    const buckets: Partial<Record<'missing' | 'deleted' | 'forbidden' | 'mount-not-visible', Item[]>> = {}
    const add = (k: keyof typeof buckets, item: Item) => (buckets[k] ??= []).push(item)
    const notes: string[] = []
    let error = ''
    for (const path of [...new Set(refs.map((r) => r.path))]) {
      const ref = refs.find((r) => r.path === path)
      const m = await vault.mountInfo(path)
      if (!m) {
        add('mount-not-visible', itemFor(ref, path, 'sys/internal/ui/mounts preflight refused'))
        continue
      }
      if (m.type !== 'kv' && m.type !== 'generic') {
        // Reading a dynamic engine (database/creds/…) would create a lease: capabilities-only.
        notes.push(`${path}: ${m.type} engine, not read (a read would issue credentials)`)
        continue
      }
      const k = kvPathCheck(path, m)
      if (k.problem) {
        const mountName = m.mount.replace(/\/$/, '')
        out.push(
          found(
            k.problem,
            { path, mount: m.mount, corrected: k.corrected ?? '' },
            {
              items: [itemFor(ref, path, `use ${k.corrected}`)],
              commands: {
                'auth.confirm-secret-paths': [`vault kv get -mount=${mountName} ${k.logical}`],
                [k.problem === 'kv2-missing-data' ? 'vault.kv2-data-path' : 'vault.kv1-path']: [
                  `${ref?.source === 'template' ? 'with secret' : 'path:'} "${k.corrected}"`,
                ],
              },
              ...(ref?.file ? { location: { file: ref.file, line: ref.keyRefs?.[0]?.line } } : {}),
            },
          ),
        )
        continue
      }
      const s = await vault.readSecret(path)
      if (s.state === 'ok')
        notes.push(`${path}: KV v${m.kvVersion}${s.version ? `, version ${s.version}` : ''}`)
      else if (s.state === 'not-found') add('missing', itemFor(ref, path, '404'))
      else if (s.state === 'deleted') {
        deletedVersion.set(path, s.version)
        add('deleted', itemFor(ref, path, `version ${s.version ?? '?'} deleted`))
      } else if (s.state === 'denied') {
        error = s.message
        add('forbidden', itemFor(ref, path, s.message))
      } else add('missing', itemFor(ref, path, s.warning))
    }
    for (const [key, items] of Object.entries(buckets) as [keyof typeof buckets, Item[]][]) {
      const paths = items.map((i) => i.name).join(', ')
      out.push(
        found(
          key,
          { paths, error },
          {
            items,
            details: notes,
            commands:
              key === 'forbidden'
                ? { 'vault.grant-read': items.map((i) => `vault token capabilities ${i.name}`) }
                : {
                    'auth.confirm-secret-paths': items.map(
                      (i) => `vault kv metadata get ${i.name.replace('/data/', '/')}`,
                    ),
                    ...(key === 'deleted'
                      ? {
                          'vault.undelete-secret': items.map(
                            (i) =>
                              `vault kv undelete -versions=${deletedVersion.get(i.name) ?? '<version>'} ${i.name.replace('/data/', '/')}`,
                          ),
                        }
                      : {}),
                  },
          },
        ),
      )
    }
    return out.length ? out : pass(`${refs.length} path(s) exist`, notes)
  },
})
