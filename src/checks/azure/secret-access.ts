import { defineCheck, found, pass, skip, type Outcome, type Vars } from '../define.js'
import { isProviderError, type ProviderError } from '../../core/provider.js'
import type { RemedyId } from '../../remedies.js'

const NETWORK = new Set(['refused', 'dns', 'timeout', 'unreachable'])
const FIREWALL = new Set(['ForbiddenByFirewall', 'ForbiddenByConnection'])

type Key =
  | 'denied-rbac'
  | 'denied-access-policy'
  | 'denied'
  | 'network-blocked'
  | 'disabled'
  | 'not-found'
  | 'token-rejected'
  | 'wrong-tenant'
  | 'empty-value'
  | 'missing-keys'
  | 'throttled'
  | 'unreachable'
  | 'tls'

export default defineCheck({
  id: 'azure.secret-access',
  title: 'The Azure identity can read every configured Key Vault secret',
  description:
    'A Key Vault 403 looks the same to the agent whatever caused it, but the fix differs: an RBAC vault needs ' +
    'a "Key Vault Secrets User" role assignment, an access-policy vault needs a get permission in its policy, ' +
    'a firewalled vault needs a network rule, a disabled secret needs enabling. This check reads each ' +
    'configured secret (the value stays in memory, never in the report), tells those apart by the inner error ' +
    'code, and names the object id Key Vault evaluated.',
  provider: 'azure',
  category: 'iam',
  needs: ['azure.credentials'],
  network: true,
  findings: {
    'denied-rbac': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'RBAC vault {{vault}} denies object {{principal}} getSecret on {{names}} (ForbiddenByRbac: no "Key Vault Secrets User" assignment)',
      remedies: ['azure.rbac-secrets-user', 'auth.verify-iam'],
    },
    'denied-access-policy': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'access-policy vault {{vault}} gives object {{principal}} no secrets get permission ({{names}}; AccessDenied)',
      remedies: ['azure.access-policy-get', 'auth.verify-iam'],
    },
    denied: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Key Vault refuses {{names}} ({{code}}): {{reason}}',
      remedies: ['auth.verify-iam', 'auth.review-audit-logs'],
    },
    'network-blocked': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the firewall of vault {{vault}} refuses client address {{clientAddress}} ({{code}})',
      remedies: ['azure.network-access'],
    },
    disabled: {
      status: 'fail',
      severity: 'critical',
      message: 'disabled in Key Vault, so nothing can read it: {{names}}',
      remedies: ['azure.enable-secret', 'refresh.monitor-rotation'],
    },
    'not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'not in vault {{vault}}: {{names}}',
      remedies: ['auth.confirm-secret-paths'],
    },
    'token-rejected': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Key Vault rejected the Entra token: {{reason}}',
      remedies: ['azure.client-tenant-ids', 'auth.review-audit-logs'],
    },
    'wrong-tenant': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'vault {{vault}} belongs to tenant {{vaultTenant}}, but the identity signs in to tenant {{tenant}}',
      remedies: ['azure.client-tenant-ids'],
    },
    'empty-value': {
      status: 'fail',
      severity: 'high',
      message: 'the current version has an empty value: {{names}}',
      remedies: ['auth.confirm-secret-paths', 'refresh.monitor-rotation'],
    },
    'missing-keys': {
      status: 'fail',
      severity: 'high',
      message: 'expected JSON keys are missing from {{names}}',
      remedies: ['auth.confirm-secret-paths'],
    },
    throttled: {
      status: 'warn',
      severity: 'medium',
      symptom: 'slow-startup',
      message: 'Key Vault throttled the reads of {{names}} (429)',
      remedies: ['latency.cache-locally', 'latency.retry-backoff'],
    },
    unreachable: {
      status: 'fail',
      severity: 'critical',
      message: 'cannot reach Key Vault {{vaultUrl}}: {{reason}}',
      remedies: ['azure.network-access', 'latency.regional-endpoints'],
    },
    tls: {
      status: 'fail',
      severity: 'critical',
      message: 'TLS to Key Vault {{vaultUrl}} failed: {{reason}}',
      remedies: ['azure.trust-ca'],
    },
  },
  async run({ azure, config }) {
    const secrets = config.azure.secrets
    if (!azure.vaultUrl) return skip('not-applicable', 'no azure.vaultUrl configured: no Key Vault to read')
    if (secrets.length === 0) return skip('not-applicable', 'no secrets listed under azure.secrets')

    interface Group {
      items: { name: string; detail?: string }[]
      vars: Record<string, string>
      commands: Partial<Record<RemedyId, string[]>>
    }
    const groups = new Map<Key, Group>()
    const add = (
      key: Key,
      name: string,
      vars: Record<string, string> = {},
      commands: Partial<Record<RemedyId, string[]>> = {},
      detail?: string,
    ) => {
      const g: Group = groups.get(key) ?? { items: [], vars: {}, commands: {} }
      g.items.push({ name, detail })
      Object.assign(g.vars, vars)
      for (const [id, cmds] of Object.entries(commands) as [RemedyId, string[]][]) {
        const list = (g.commands[id] ??= [])
        for (const c of cmds) if (!list.includes(c)) list.push(c)
      }
      groups.set(key, g)
    }
    const ok: string[] = []
    let principal: string | undefined
    const whoami = async () =>
      (principal ??= (await azure.token().catch(() => undefined))?.objectId ?? '<object-id>')

    // In parallel: a black-holed vault then costs one timeout, not one per secret.
    const reads = await Promise.allSettled(secrets.map(({ name }) => azure.secret(name)))
    for (const [i, { name, keys }] of secrets.entries()) {
      const read = reads[i]
      if (!read) continue
      if (read.status === 'rejected') {
        if (!isProviderError(read.reason)) throw read.reason
        await classify(read.reason, name)
        continue
      }
      const info = read.value
      if (info.value === 'empty') {
        add('empty-value', name)
        continue
      }
      if (keys.length > 0) {
        const missing = info.jsonKeys ? keys.filter((k) => !info.jsonKeys?.includes(k)) : keys
        if (missing.length > 0) {
          const detail = info.jsonKeys ? `missing ${missing.join(', ')}` : 'the value is not a JSON object'
          add('missing-keys', name, {}, {}, detail)
          continue
        }
      }
      ok.push(
        `${name}: version ${info.version ?? '?'}${info.updatedOn ? `, updated ${info.updatedOn.toISOString()}` : ''}`,
      )
    }

    async function classify(e: ProviderError, name: string): Promise<void> {
      const vault = azure.vaultName() ?? (typeof e.facts.vault === 'string' ? e.facts.vault : '<vault-name>')
      const inner = typeof e.facts.innerCode === 'string' ? e.facts.innerCode : undefined
      const who = typeof e.facts.callerObjectId === 'string' ? e.facts.callerObjectId : await whoami()
      // The item is already named by the secret; its detail is Key Vault's own sentence and request id.
      const detail = `${e.message.replace(/^secret [^:]*:\s*/, '')}${e.facts.requestId ? ` (x-ms-request-id ${e.facts.requestId})` : ''}`
      if (e.kind === 'denied' && inner === 'ForbiddenByRbac') {
        const scope =
          typeof e.facts.resource === 'string'
            ? e.facts.resource
            : `$(az keyvault show --name ${vault} --query id -o tsv)/secrets/${name}`
        add(
          'denied-rbac',
          name,
          { vault, principal: who },
          {
            'azure.rbac-secrets-user': [
              `az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${who} --assignee-principal-type ServicePrincipal --scope "${scope}"`,
            ],
            'auth.verify-iam': [`az role assignment list --assignee ${who} --all -o table`],
          },
          detail,
        )
      } else if (e.kind === 'denied' && inner === 'AccessDenied') {
        add(
          'denied-access-policy',
          name,
          { vault, principal: who },
          {
            'azure.access-policy-get': [
              `az keyvault set-policy --name ${vault} --object-id ${who} --secret-permissions get`,
            ],
            'auth.verify-iam': [
              `az keyvault show --name ${vault} --query "properties.accessPolicies[?objectId=='${who}']"`,
            ],
          },
          detail,
        )
      } else if (e.kind === 'denied' && inner && FIREWALL.has(inner)) {
        const clientAddress = typeof e.facts.clientAddress === 'string' ? e.facts.clientAddress : 'this node'
        add(
          'network-blocked',
          name,
          { vault, code: inner, clientAddress },
          {
            'azure.network-access': [
              ...(typeof e.facts.clientAddress === 'string'
                ? [`az keyvault network-rule add --name ${vault} --ip-address ${e.facts.clientAddress}`]
                : []),
              `az keyvault show --name ${vault} --query "properties.{publicNetworkAccess:publicNetworkAccess, defaultAction:networkAcls.defaultAction}"`,
            ],
          },
          detail,
        )
      } else if (e.kind === 'denied' && inner === 'SecretDisabled') {
        add(
          'disabled',
          name,
          { vault },
          {
            'azure.enable-secret': [
              `az keyvault secret set-attributes --vault-name ${vault} --name ${name} --enabled true`,
            ],
          },
          detail,
        )
      } else if (e.kind === 'denied') {
        add(
          'denied',
          name,
          { code: inner ?? String(e.facts.code ?? 'Forbidden'), reason: e.message.replace(/^[^:]*:\s*/, '') },
          {},
          detail,
        )
      } else if (e.kind === 'not-found') {
        add(
          'not-found',
          name,
          { vault },
          {
            'auth.confirm-secret-paths': [
              `az keyvault secret list --vault-name ${vault} --query "[].name" -o tsv`,
              `az keyvault secret list-deleted --vault-name ${vault} --query "[].name" -o tsv`,
            ],
          },
          detail,
        )
      } else if (
        e.kind === 'unauthenticated' &&
        /not configured to acquire tokens for tenant/.test(e.message)
      ) {
        // The vault's challenge named another tenant than the credential's: a vault of another directory.
        const vaultTenant = /tenant ([\w-]+)/.exec(e.message)?.[1] ?? '?'
        add(
          'wrong-tenant',
          name,
          { vault, vaultTenant, tenant: azure.credentialPlan().tenantId ?? '?' },
          {
            'azure.client-tenant-ids': [
              `az keyvault show --name ${vault} --query properties.tenantId -o tsv`,
            ],
          },
          detail,
        )
      } else if (e.kind === 'unauthenticated') {
        add('token-rejected', name, { reason: e.message.replace(/^[^:]*:\s*/, '') }, {}, detail)
      } else if (e.kind === 'throttled') {
        add('throttled', name, {}, {}, detail)
      } else if (e.kind === 'tls') {
        add(
          'tls',
          name,
          { vaultUrl: azure.vaultUrl ?? '', reason: e.message.replace(/^secret [^:]*:\s*/, '') },
          {},
          detail,
        )
      } else if (NETWORK.has(e.kind)) {
        add(
          'unreachable',
          name,
          { vaultUrl: azure.vaultUrl ?? '', reason: e.message.replace(/^secret [^:]*:\s*/, '') },
          {},
          detail,
        )
      } else {
        throw e
      }
    }

    if (groups.size === 0)
      return pass(`${ok.length} secret${ok.length === 1 ? '' : 's'} readable and non-empty`, ok)
    const outcomes: Outcome<Key>[] = []
    for (const [key, g] of groups) {
      const vars: Vars = { ...g.vars, names: g.items.map((i) => i.name).join(', ') }
      outcomes.push(
        found(key, vars, {
          ...(outcomes.length === 0 && ok.length > 0 ? { details: ok.map((o) => `readable: ${o}`) } : {}),
          items: g.items,
          commands: g.commands,
        }),
      )
    }
    return outcomes
  },
})
