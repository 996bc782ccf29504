import { defineCheck, found, pass, skip, type Item, type Outcome, type Vars } from '../define.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import type { ValueState } from '../../core/payload.js'
import type { AzureApi, AzureSecretInfo } from '../../providers/azure/api.js'
import { withoutCall } from '../../providers/azure/model.js'
import type { RemedyId } from '../../remedies.js'

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
      message: 'Key Vault throttled the reads of {{names}}: {{reason}}',
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
    const groups = new Groups()
    const ok: string[] = []
    // In parallel: a black-holed vault then costs one call limit, not one per secret.
    const reads = await Promise.allSettled(secrets.map(({ name }) => azure.secret(name)))
    for (const [i, { name, keys }] of secrets.entries()) {
      const read = reads[i]
      if (!read) continue
      if (read.status === 'rejected') {
        if (!isProviderError(read.reason)) throw read.reason
        await classify(azure, groups, read.reason, name)
        continue
      }
      const problem = valueProblem(read.value, keys)
      if (problem) groups.add(problem.key, name, {}, {}, problem.detail)
      else ok.push(readable(read.value))
    }
    if (groups.size === 0)
      return pass(`${ok.length} secret${ok.length === 1 ? '' : 's'} readable and non-empty`, ok)
    return groups.outcomes(ok.map((o) => `readable: ${o}`))
  },
})

const readable = (info: AzureSecretInfo) =>
  `${info.name}: version ${info.version ?? '?'}${info.updatedOn ? `, updated ${info.updatedOn.toISOString()}` : ''}`

const STATE_WORDS: Record<ValueState, string> = {
  set: 'is set',
  empty: 'is empty',
  'no-value': 'holds "<no value>"',
  null: 'is null',
  'not-string': 'is not a string',
}

/** An empty value, or expected JSON keys that are absent or hold nothing. */
function valueProblem(info: AzureSecretInfo, keys: readonly string[]) {
  if (info.value === 'empty') return { key: 'empty-value' as const, detail: undefined }
  if (keys.length === 0) return undefined
  if (!info.keys) return { key: 'missing-keys' as const, detail: 'the value is not a JSON object' }
  const missing = keys.filter((k) => !info.keys?.[k])
  const empty = keys.filter((k) => info.keys?.[k] && info.keys[k] !== 'set')
  if (missing.length === 0 && empty.length === 0) return undefined
  const detail = [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...empty.map((k) => `${k} ${STATE_WORDS[info.keys?.[k] ?? 'empty']}`),
  ].join('; ')
  return { key: 'missing-keys' as const, detail }
}

type Commands = Partial<Record<RemedyId, string[]>>

/** The secrets of one finding, its vars and its commands (each command once). */
class Groups {
  private readonly map = new Map<Key, { items: Item[]; vars: Record<string, string>; commands: Commands }>()
  get size() {
    return this.map.size
  }
  add(key: Key, name: string, vars: Record<string, string> = {}, commands: Commands = {}, detail?: string) {
    const g = this.map.get(key) ?? { items: [], vars: {}, commands: {} }
    g.items.push({ name, detail })
    Object.assign(g.vars, vars)
    for (const [id, cmds] of Object.entries(commands) as [RemedyId, string[]][]) {
      const list = (g.commands[id] ??= [])
      for (const c of cmds) if (!list.includes(c)) list.push(c)
    }
    this.map.set(key, g)
  }
  outcomes(readableDetails: string[]): Outcome<Key>[] {
    return [...this.map].map(([key, g], i) => {
      const vars: Vars = { ...g.vars, names: g.items.map((x) => x.name).join(', ') }
      const details = i === 0 && readableDetails.length > 0 ? { details: readableDetails } : {}
      return found(key, vars, { ...details, items: g.items, commands: g.commands })
    })
  }
}

/** Which finding a failed read is, with the commands that fix it for the vault and identity at hand. */
async function classify(azure: AzureApi, groups: Groups, e: ProviderError, name: string): Promise<void> {
  const vault = azure.vaultName() ?? (typeof e.facts.vault === 'string' ? e.facts.vault : '<vault-name>')
  const inner = typeof e.facts.innerCode === 'string' ? e.facts.innerCode : undefined
  // The item is already named by the secret; its detail is the service's own sentence and request id.
  const detail = `${withoutCall(e.message)}${e.facts.requestId ? ` (x-ms-request-id ${e.facts.requestId})` : ''}`
  const reason = withoutCall(e.message)
  const vaultUrl = azure.vaultUrl ?? ''
  if (e.kind === 'throttled') return groups.add('throttled', name, { reason }, {}, detail)
  if (e.kind === 'tls') return groups.add('tls', name, { vaultUrl, reason }, {}, detail)
  // Anything on the way, or a vault that answers only with server errors: it cannot be reached for reads.
  if (isNetworkFault(e) || e.kind === 'unavailable')
    return groups.add('unreachable', name, { vaultUrl, reason }, {}, detail)
  if (e.kind === 'denied') return denial(azure, groups, e, name, { vault, inner, detail, reason })
  if (e.kind === 'not-found')
    return groups.add(
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
  if (e.kind === 'unauthenticated' && /not configured to acquire tokens for tenant/.test(e.message)) {
    // The vault's challenge named another tenant than the credential's: a vault of another directory.
    const vaultTenant = /tenant ([\w-]+)/.exec(e.message)?.[1] ?? '?'
    const tenant = azure.credentialPlan().tenantId ?? '?'
    const show = `az keyvault show --name ${vault} --query properties.tenantId -o tsv`
    return groups.add(
      'wrong-tenant',
      name,
      { vault, vaultTenant, tenant },
      { 'azure.client-tenant-ids': [show] },
      detail,
    )
  }
  if (e.kind === 'unauthenticated') return groups.add('token-rejected', name, { reason }, {}, detail)
  throw e
}

interface DenialFacts {
  readonly vault: string
  readonly inner?: string
  readonly detail: string
  readonly reason: string
}

/** A 403, told apart by its inner code: RBAC, access policy, firewall, a disabled secret, or policy. */
async function denial(azure: AzureApi, groups: Groups, e: ProviderError, name: string, f: DenialFacts) {
  const { vault, inner, detail } = f
  const who =
    typeof e.facts.callerObjectId === 'string'
      ? e.facts.callerObjectId
      : ((await azure.token().catch(() => undefined))?.objectId ?? '<object-id>')
  if (inner === 'ForbiddenByRbac') {
    const scope =
      typeof e.facts.resource === 'string'
        ? e.facts.resource
        : `$(az keyvault show --name ${vault} --query id -o tsv)/secrets/${name}`
    return groups.add(
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
  }
  if (inner === 'AccessDenied')
    return groups.add(
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
  if (inner && FIREWALL.has(inner)) {
    const address = typeof e.facts.clientAddress === 'string' ? e.facts.clientAddress : undefined
    return groups.add(
      'network-blocked',
      name,
      { vault, code: inner, clientAddress: address ?? 'this node' },
      {
        'azure.network-access': [
          ...(address ? [`az keyvault network-rule add --name ${vault} --ip-address ${address}`] : []),
          `az keyvault show --name ${vault} --query "properties.{publicNetworkAccess:publicNetworkAccess, defaultAction:networkAcls.defaultAction}"`,
        ],
      },
      detail,
    )
  }
  if (inner === 'SecretDisabled')
    return groups.add(
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
  groups.add(
    'denied',
    name,
    { code: inner ?? String(e.facts.code ?? 'Forbidden'), reason: f.reason },
    {},
    detail,
  )
}
