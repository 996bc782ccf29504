import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { formatDuration } from '../../core/duration.js'
import { isProviderError } from '../../core/provider.js'
import type { AzureSecretInfo } from '../../providers/azure/api.js'

type Key = 'expired' | 'expiring-soon' | 'not-yet-valid' | 'no-expiry'

export default defineCheck({
  id: 'azure.secret-expiry',
  title: 'Every Azure Key Vault secret has an expiry date comfortably in the future',
  description:
    'Key Vault keeps serving a secret after its expiry date, so nothing fails on the day — the credential it ' +
    'holds is simply past the date its owner meant to replace it, and the downstream system may already have ' +
    "revoked it. This check reads each secret's attributes (never its value) and reports expired secrets, " +
    'secrets expiring within certMinValidity, secrets not valid yet, and secrets with no expiry at all.',
  provider: 'azure',
  category: 'refresh',
  needs: ['azure.secret-access'],
  network: true,
  findings: {
    expired: {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'past their expiry date: {{names}}',
      remedies: ['azure.set-expiry', 'bp.rotation', 'refresh.monitor-rotation'],
    },
    'expiring-soon': {
      status: 'warn',
      severity: 'high',
      message: 'expire within {{min}}: {{names}}',
      remedies: ['azure.set-expiry', 'bp.rotation', 'bp.monitor-access'],
    },
    'not-yet-valid': {
      status: 'warn',
      severity: 'medium',
      message: 'not valid yet (activation date in the future): {{names}}',
      remedies: ['auth.confirm-secret-paths'],
    },
    'no-expiry': {
      status: 'warn',
      severity: 'low',
      message: 'no expiry date, so nothing prompts their rotation: {{names}}',
      remedies: ['azure.set-expiry', 'bp.rotation', 'bp.short-lived-credentials'],
    },
  },
  async run({ azure, config, now }) {
    const t = now().getTime()
    const min = config.thresholds.certMinValidityMs
    const vault = azure.vaultName() ?? '<vault-name>'
    const groups = new Map<Key, { name: string; detail: string }[]>()
    const add = (key: Key, name: string, detail: string) =>
      groups.set(key, [...(groups.get(key) ?? []), { name, detail }])
    const ok: string[] = []
    let judged = 0
    for (const { name } of config.azure.secrets) {
      let s: AzureSecretInfo
      try {
        s = await azure.secret(name)
      } catch (e) {
        // azure.secret-access reports why this one is unreadable; its attributes are not ours to judge.
        if (isProviderError(e)) continue
        throw e
      }
      judged++
      if (s.notBefore && s.notBefore.getTime() > t) {
        add(
          'not-yet-valid',
          name,
          `activates ${s.notBefore.toISOString()} (in ${formatDuration(s.notBefore.getTime() - t)})`,
        )
      } else if (!s.expiresOn) {
        add('no-expiry', name, 'no expiry date')
      } else if (s.expiresOn.getTime() <= t) {
        add(
          'expired',
          name,
          `expired ${s.expiresOn.toISOString()} (${formatDuration(t - s.expiresOn.getTime())} ago)`,
        )
      } else if (s.expiresOn.getTime() - t < min) {
        add(
          'expiring-soon',
          name,
          `expires ${s.expiresOn.toISOString()} (in ${formatDuration(s.expiresOn.getTime() - t)})`,
        )
      } else {
        ok.push(
          `${name}: expires ${s.expiresOn.toISOString()} (in ${formatDuration(s.expiresOn.getTime() - t)})`,
        )
      }
    }
    if (judged === 0) return skip('not-applicable', 'no readable Key Vault secret to judge')
    if (groups.size === 0)
      return pass(
        `${ok.length} secret${ok.length === 1 ? '' : 's'} valid for more than ${formatDuration(min)}`,
        ok,
      )
    const outcomes: Outcome<Key>[] = []
    for (const [key, items] of groups) {
      const expiresIn = key === 'no-expiry' || key === 'not-yet-valid' ? [] : items
      outcomes.push(
        found(
          key,
          { names: items.map((i) => i.name).join(', '), min: formatDuration(min) },
          {
            items: items.map((i) => ({ name: i.name, detail: i.detail })),
            commands: {
              'azure.set-expiry': [
                ...expiresIn.map(
                  (i) => `az keyvault secret show --vault-name ${vault} --name ${i.name} --query attributes`,
                ),
                ...items.map(
                  (i) =>
                    `az keyvault secret set-attributes --vault-name ${vault} --name ${i.name} --expires <YYYY-MM-DDThh:mm:ssZ>`,
                ),
              ],
            },
          },
        ),
      )
    }
    return outcomes
  },
})
