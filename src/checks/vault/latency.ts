import { defineCheck, found, pass } from '../define.js'
import { kvPathCheck } from '../../providers/vault/provider.js'
import { percentile } from '../../core/latency.js'

export default defineCheck({
  id: 'vault.latency',
  title: 'Vault answers reads quickly',
  description:
    'Every agent start and every render waits on Vault; a slow Vault (distant region, overloaded storage) delays pipeline start-up.',
  provider: 'vault',
  category: 'latency',
  needs: ['vault.auth'],
  network: true,
  findings: {
    slow: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'p95 read latency {{p95}} ms is above {{threshold}} ms',
      remedies: ['latency.cache-locally', 'latency.use-sidecar', 'latency.retry-backoff'],
    },
  },
  async run({ vault, config }) {
    const { refs } = await vault.secretRefs()
    let target = 'auth/token/lookup-self'
    for (const r of refs) {
      const m = await vault.mountInfo(r.path)
      if (m && (m.type === 'kv' || m.type === 'generic')) {
        target = kvPathCheck(r.path, m).corrected ?? r.path
        break
      }
    }
    const n = Math.max(1, config.thresholds.latencySamples)
    const samples: number[] = []
    for (let i = 0; i < n; i++) samples.push(await vault.sampleRead(target))
    const sorted = [...samples].sort((a, b) => a - b)
    const r = (x: number) => Math.round(x)
    const p50 = r(percentile(sorted, 50))
    const p95 = r(percentile(sorted, 95))
    const max = r(sorted[sorted.length - 1] ?? 0)
    const details = [`p50 ${p50} ms`, `p95 ${p95} ms`, `max ${max} ms`, `${n} reads of ${target}`]
    if (p95 > config.thresholds.latencyP95Ms)
      return found('slow', { p95, threshold: config.thresholds.latencyP95Ms }, { details })
    return pass(`p50 ${p50} ms, p95 ${p95} ms over ${n} reads`, details)
  },
})
