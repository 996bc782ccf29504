import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { DEFAULT_STATIC_RENDER_INTERVAL_MS } from '../../providers/vault/model.js'

export default defineCheck({
  id: 'vault.refresh',
  title: 'Vault Agent re-renders secrets well within maxStaleness',
  description:
    'KV v2 secrets have no lease: the agent re-reads them every static_secret_render_interval (default 5m). Leased secrets are re-read at 85% of their lease. Either longer than maxStaleness means rotated credentials arrive late.',
  provider: 'vault',
  category: 'refresh',
  needs: ['vault.auth'],
  network: true,
  findings: {
    'render-interval': {
      status: 'warn',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'static secrets re-render every {{interval}}{{source}}, longer than maxStaleness {{max}}',
      remedies: ['refresh.check-interval', 'vault.render-interval'],
    },
    'lease-too-long': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        '{{paths}}: the agent re-reads after 85% of a {{lease}} lease, longer than maxStaleness {{max}}',
      remedies: ['refresh.check-interval', 'bp.short-lived-credentials'],
    },
  },
  async run({ vault, config }) {
    const load = await vault.agent()
    const { refs } = await vault.secretRefs()
    const max = config.pipeline.maxStalenessMs
    const out: Outcome<'render-interval' | 'lease-too-long'>[] = []
    const details: string[] = [`maxStaleness: ${formatDuration(max)}`]
    if (load.status === 'ok' && load.config.templates.length) {
      const set = load.config.staticSecretRenderIntervalMs
      const interval = set ?? DEFAULT_STATIC_RENDER_INTERVAL_MS
      details.push(
        `static_secret_render_interval: ${formatDuration(interval)}${set === undefined ? ' (default)' : ''}`,
      )
      if (interval > max)
        out.push(
          found(
            'render-interval',
            {
              interval: formatDuration(interval),
              source: set === undefined ? ' (the default)' : '',
              max: formatDuration(max),
            },
            { location: { file: load.config.file } },
          ),
        )
    }
    const long: Item[] = []
    for (const path of new Set(refs.map((r) => r.path))) {
      const s = await vault.readSecret(path)
      if (s.state !== 'ok' || s.leaseDurationSec === 0) continue
      const refetchMs = s.leaseDurationSec * 1000 * 0.85
      details.push(
        `${path}: lease ${formatDuration(s.leaseDurationSec * 1000)}${s.renewable ? ', renewable' : ''}`,
      )
      if (refetchMs > max)
        long.push({ name: path, detail: `lease ${formatDuration(s.leaseDurationSec * 1000)}` })
    }
    if (long.length)
      out.push(
        found(
          'lease-too-long',
          {
            paths: long.map((i) => i.name).join(', '),
            lease: long[0]?.detail?.replace('lease ', '') ?? '',
            max: formatDuration(max),
          },
          { items: long },
        ),
      )
    if (out.length) return out
    if (load.status !== 'ok' && refs.length === 0)
      return skip('not-applicable', 'no agent templates and no secret paths')
    return pass('refresh within maxStaleness', details)
  },
})
