import { defineCheck, found, pass, type Outcome } from '../define.js'
import type { FindingSpec } from '../../core/check.js'
import type { FederatedTokenInfo } from '../../providers/azure/api.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import { AADSTS, WORKLOAD_IDENTITY_VARS, withoutCall } from '../../providers/azure/model.js'

type Key = keyof typeof findings
type Vars = { clientId: string; tenantId: string; authority: string; source: string }

/** The way to Entra failed (or Entra itself did): the reaching check's finding, not the runner's error. */
const unreachable = (e: ProviderError) => isNetworkFault(e) || e.kind === 'unavailable'

const findings = {
  'wi-env-incomplete': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'workload identity is half set up: {{missing}} not set (set: {{present}})',
    remedies: ['azure.workload-identity-injection', 'auth.check-sa-annotations'],
  },
  'token-file-unreadable': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'the federated token file {{path}} (AZURE_FEDERATED_TOKEN_FILE) cannot be used: {{error}}',
    remedies: ['azure.workload-identity-injection', 'auth.check-sa-annotations'],
  },
  'federated-mismatch': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message:
      'no federated credential of client {{clientId}} matches the projected token ({{aadsts}}): issuer {{issuer}}, subject {{subject}}',
    remedies: ['azure.federated-credential', 'auth.check-sa-annotations'],
  },
  'assertion-expired': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message:
      'Entra refused the projected service-account token as outside its valid time ({{aadsts}}){{expiry}}',
    remedies: ['azure.refresh-federated-token', 'refresh.verify-restarts'],
  },
  'unknown-client': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message:
      'client id {{clientId}} is no application or managed identity in tenant {{tenantId}} ({{aadsts}})',
    remedies: ['azure.client-tenant-ids', 'auth.check-sa-annotations'],
  },
  'unknown-tenant': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'tenant {{tenantId}} is unknown to {{authority}} ({{aadsts}})',
    remedies: ['azure.client-tenant-ids'],
  },
  'client-secret-rejected': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'Entra rejected AZURE_CLIENT_SECRET of client {{clientId}} ({{aadsts}})',
    remedies: ['azure.client-secret', 'bp.short-lived-credentials'],
  },
  rejected: {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'Entra refused a token to client {{clientId}}: {{reason}}',
    remedies: ['auth.verify-iam', 'auth.review-audit-logs'],
  },
  'no-credential': {
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: 'no Azure credential is available ({{source}}): {{reason}}',
    remedies: ['azure.workload-identity-injection', 'auth.check-sa-annotations'],
  },
  throttled: {
    status: 'fail',
    severity: 'high',
    symptom: 'slow-startup',
    message: 'Entra throttled the token request to {{authority}}: {{reason}}',
    remedies: ['latency.retry-backoff', 'latency.cache-locally'],
  },
  unreachable: {
    status: 'fail',
    severity: 'critical',
    message: 'cannot reach the Entra authority {{authority}}: {{reason}}',
    remedies: ['azure.authority-reach'],
  },
  tls: {
    status: 'fail',
    severity: 'critical',
    message: 'TLS to the Entra authority {{authority}} failed: {{reason}}',
    remedies: ['azure.trust-ca', 'azure.authority-reach'],
  },
} satisfies Record<string, FindingSpec>

export default defineCheck({
  id: 'azure.credentials',
  title: 'An Azure credential resolves and Microsoft Entra issues it a Key Vault token',
  description:
    'Every Key Vault read starts with a token from Microsoft Entra. With workload identity that token is ' +
    'exchanged for the projected service-account token, and Entra answers a mismatch only with an AADSTS ' +
    'code. This check resolves the credential the way the agent does (workload identity, client secret or ' +
    'managed identity), asks for a Key Vault token, names the client and object id it got, and translates ' +
    'the AADSTS code into the setting to fix.',
  provider: 'azure',
  category: 'auth',
  network: true,
  findings,
  async run({ azure, recorder }) {
    const plan = azure.credentialPlan()
    if (plan.missing.length > 0) {
      const present = WORKLOAD_IDENTITY_VARS.filter((v) => !plan.missing.includes(v))
      return found('wi-env-incomplete', {
        missing: plan.missing.join(', '),
        present: present.join(', ') || 'none',
      })
    }
    const fed = plan.source === 'workload-identity' ? await azure.federatedToken() : undefined
    if (fed?.error) return found('token-file-unreadable', { path: fed.path, error: fed.error })
    const fedDetails = fed
      ? [
          `projected token ${fed.path}: issuer ${fed.issuer ?? '?'}, subject ${fed.subject ?? '?'}, audience ${(fed.audience ?? []).join(',') || '?'}` +
            (fed.expiresAt ? `, expires ${fed.expiresAt.toISOString()}` : ''),
        ]
      : []
    const vars: Vars = {
      clientId: plan.clientId ?? '(none)',
      tenantId: plan.tenantId ?? '(none)',
      authority: plan.authorityHost,
      source: plan.source,
    }
    let t
    try {
      t = await azure.token()
    } catch (e) {
      if (!isProviderError(e)) throw e
      const details = [...fedDetails, e.message]
      const aadsts = typeof e.facts.aadsts === 'string' ? e.facts.aadsts : undefined
      if (aadsts) return entraRefusal(aadsts, e, vars, fed, details)
      const reason = withoutCall(e.message)
      // Managed identity talks to the node's identity endpoint (IMDS), not to Entra: silence there means
      // this machine has no managed identity, which is not an Entra outage.
      if (plan.source === 'managed-identity' && (unreachable(e) || e.facts.credentialUnavailable))
        return found('no-credential', { ...vars, reason }, { details })
      if (e.kind === 'throttled') return found('throttled', { ...vars, reason }, { details })
      // An azure.caCert that cannot be used is a trust problem the operator fixes like an untrusted CA.
      if (e.kind === 'tls' || e.facts.caCert) return found('tls', { ...vars, reason }, { details })
      if (unreachable(e)) return found('unreachable', { ...vars, reason }, { details })
      if (e.facts.credentialUnavailable) return found('no-credential', { ...vars, reason }, { details })
      throw e
    }
    recorder.identity({
      provider: 'azure',
      principal: t.objectId ?? t.clientId ?? 'unknown',
      source: t.source,
      clientId: t.clientId,
      objectId: t.objectId,
      tenantId: t.tenantId,
      expiresAt: t.expiresAt.toISOString(),
    })
    return pass(
      `${t.source}: client ${t.clientId ?? '?'} (object ${t.objectId ?? '?'}) in tenant ${t.tenantId ?? '?'}, Key Vault token valid until ${t.expiresAt.toISOString()}`,
      [`authority ${t.authorityHost}`, ...fedDetails],
    )
  },
})

/** Entra refused with an AADSTS code: the setting it points at, with the commands to fix it. */
function entraRefusal(
  aadsts: string,
  e: ProviderError,
  vars: Vars,
  fed: FederatedTokenInfo | undefined,
  details: string[],
): Outcome<Key> {
  if (AADSTS.federatedMismatch.has(aadsts)) {
    const issuer = fed?.issuer ?? '?'
    const subject = fed?.subject ?? '?'
    const find = `az identity list --query "[?clientId=='${vars.clientId}'].{name:name, resourceGroup:resourceGroup}" -o table`
    return found(
      'federated-mismatch',
      { ...vars, aadsts, issuer, subject },
      {
        details,
        commands: {
          'azure.federated-credential': [
            find,
            `az identity federated-credential list --identity-name <identity-name> --resource-group <resource-group> -o table`,
            `az identity federated-credential create --name edge-secrets --identity-name <identity-name> --resource-group <resource-group> --issuer "${issuer}" --subject "${subject}" --audience api://AzureADTokenExchange`,
          ],
        },
      },
    )
  }
  if (AADSTS.assertionExpired.has(aadsts)) {
    const expiry = fed?.expiresAt ? `: the token in ${fed.path} expired ${fed.expiresAt.toISOString()}` : ''
    return found('assertion-expired', { ...vars, aadsts, expiry }, { details })
  }
  if (AADSTS.unknownClient.has(aadsts)) {
    return found(
      'unknown-client',
      { ...vars, aadsts },
      {
        details,
        commands: {
          'azure.client-tenant-ids': [
            `az identity list --query "[].{name:name, clientId:clientId, tenantId:tenantId}" -o table`,
            `kubectl get serviceaccount -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.annotations.azure\\.workload\\.identity/client-id}{"\\n"}{end}'`,
          ],
        },
      },
    )
  }
  if (AADSTS.unknownTenant.has(aadsts)) {
    return found(
      'unknown-tenant',
      { ...vars, aadsts },
      { details, commands: { 'azure.client-tenant-ids': ['az account show --query tenantId -o tsv'] } },
    )
  }
  if (AADSTS.badClientSecret.has(aadsts)) {
    return found(
      'client-secret-rejected',
      { ...vars, aadsts },
      {
        details,
        commands: { 'azure.client-secret': [`az ad app credential list --id ${vars.clientId} -o table`] },
      },
    )
  }
  return found('rejected', { ...vars, reason: withoutCall(e.message) }, { details })
}
