// Remedies beyond the documentation for the azure provider (source: extended). One owner: the azure checks.
import { defineRemedies } from './types.js'

const WI = 'Azure Workload Identity'
const KV = 'Azure Key Vault access'

export const azureRemedies = defineRemedies({
  'azure.workload-identity-injection': {
    title:
      'Let the workload-identity webhook inject AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE',
    source: 'extended',
    section: WI,
    body: [
      'The Azure Workload Identity webhook sets AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and',
      'AZURE_AUTHORITY_HOST and mounts the projected token at /var/run/secrets/azure/tokens only when, at pod',
      'creation, the pod template carries the label azure.workload.identity/use: "true" and its service account',
      'carries the annotation azure.workload.identity/client-id. Fix both, then recreate the pods',
      '(kubectl rollout restart deployment/<name>): the webhook never changes running pods.',
      'Outside Kubernetes, export the three variables for the edge agent and the doctor alike.',
    ].join('\n'),
  },
  'azure.federated-credential': {
    title: "Make the federated credential match the projected token's issuer, subject and audience exactly",
    source: 'extended',
    section: WI,
    body: [
      'Microsoft Entra compares issuer, subject and audience of the projected service-account token with the',
      "identity's federated credentials exactly and case-sensitively, trailing slash included. The issuer is the",
      "cluster's OIDC issuer (az aks show --query oidcIssuerProfile.issuerUrl), the subject is",
      'system:serviceaccount:<namespace>:<service-account> of the pod that authenticates, the audience is',
      'api://AzureADTokenExchange. Add a federated credential with the values the doctor read from the token',
      '(az identity federated-credential create …), on the identity whose client id the pod uses.',
    ].join('\n'),
  },
  'azure.client-tenant-ids': {
    title: 'Use the client id and tenant id of the identity that exists in the directory',
    source: 'extended',
    section: WI,
    body: [
      'AADSTS700016 means no application or managed identity with that client id exists in the tenant;',
      'AADSTS90002 means the tenant id (or authority host) is wrong. Read the right values with',
      'az identity show --name <identity> --resource-group <rg> --query "{clientId:clientId, tenantId:tenantId}"',
      'and set them in the service-account annotation azure.workload.identity/client-id (and',
      'azure.workload.identity/tenant-id when the identity lives in another tenant), then restart the pods.',
    ].join('\n'),
  },
  'azure.refresh-federated-token': {
    title: 'Re-read the projected token on every token request and keep the clock in sync',
    source: 'extended',
    section: WI,
    body: [
      'AADSTS700024 ("Client assertion is not within its valid time range") means the service-account token the',
      'client presented had expired: kubelet rotates the file, but a client that read it once keeps the old one.',
      'Current Azure SDKs re-read it; upgrade clients that cache it, make sure the projected volume is mounted',
      '(not copied), and check the node clock (chronyc tracking / timedatectl) — node.clock-skew reports it.',
    ].join('\n'),
  },
  'azure.authority-reach': {
    title: 'Let the node reach the Microsoft Entra authority host over HTTPS',
    source: 'extended',
    section: WI,
    body: [
      'Tokens come from AZURE_AUTHORITY_HOST (default https://login.microsoftonline.com). Allow outbound 443 to it',
      'through firewalls and proxies (HTTPS_PROXY / NO_PROXY), and trust the CA that signs it: a TLS-inspecting',
      'proxy needs its CA in NODE_EXTRA_CA_CERTS for Node-based agents.',
    ].join('\n'),
  },
  'azure.client-secret': {
    title: 'Replace the expired or wrong client secret — or move to workload identity',
    source: 'extended',
    section: WI,
    body: [
      'AZURE_CLIENT_SECRET must be the secret value (not its id) of a secret of that app registration that has',
      'not expired: az ad app credential list --id <client-id>. Better: use workload identity or a managed',
      'identity, which have no secret to leak or expire.',
    ].join('\n'),
  },
  'azure.rbac-secrets-user': {
    title: 'Assign "Key Vault Secrets User" to the identity the doctor saw (RBAC vaults)',
    source: 'extended',
    section: KV,
    body: [
      'On a vault with the Azure RBAC permission model (enableRbacAuthorization = true), reading a secret needs',
      'Microsoft.KeyVault/vaults/secrets/getSecret/action, which the built-in "Key Vault Secrets User" role grants.',
      'Assign it to the object id named in the denial (the workload identity, not the node), at the scope of the',
      'secret or the vault. Access policies have no effect on an RBAC vault. Role assignments take a few minutes',
      'to propagate.',
    ].join('\n'),
  },
  'azure.access-policy-get': {
    title: 'Grant the identity secrets "get" in the vault access policy (access-policy vaults)',
    source: 'extended',
    section: KV,
    body: [
      'On a vault with the access-policy permission model, add an access policy for the object id named in the',
      'denial with secret permission get (az keyvault set-policy). Azure role assignments do not apply to data',
      'access on such a vault — or migrate the vault to RBAC and assign "Key Vault Secrets User".',
    ].join('\n'),
  },
  'azure.network-access': {
    title: "Allow the node's address through the Key Vault firewall or reach it over its private endpoint",
    source: 'extended',
    section: KV,
    body: [
      'ForbiddenByFirewall / ForbiddenByConnection: the vault accepts only listed networks or only its private',
      'endpoint. Add the egress address or subnet (az keyvault network-rule add), or make the vault name resolve',
      'to the private endpoint (link the privatelink.vaultcore.azure.net zone to the VNet), then re-run.',
      "When something else answers in the vault's place (a proxy's HTML page, a 502, a redirect to another host),",
      'the node sends Key Vault traffic elsewhere: exempt *.vault.azure.net from the proxy (NO_PROXY) or fix the',
      'name resolution of the vault.',
    ].join('\n'),
  },
  'azure.enable-secret': {
    title: 'Enable the secret (or its current version) again',
    source: 'extended',
    section: KV,
    body: 'Key Vault refuses to return a disabled secret. Enable it (az keyvault secret set-attributes --enabled true) or set a new enabled version.',
  },
  'azure.set-expiry': {
    title: 'Rotate the secret before its expiry and keep an expiry date on every secret',
    source: 'extended',
    section: 'Azure Key Vault rotation',
    body: [
      'Key Vault still serves a secret after its expiry date; the date records when the credential was meant to',
      'be replaced. Set a new version before it expires (az keyvault secret set), give it a new --expires date,',
      'and subscribe to the SecretNearExpiry Event Grid event so rotation is not left to memory.',
    ].join('\n'),
  },
  'azure.trust-ca': {
    title: "Trust the CA that signs the Key Vault or Entra endpoint's certificate",
    source: 'extended',
    section: 'Azure TLS',
    body: 'When a proxy or private endpoint presents a certificate from a private CA, add that CA to NODE_EXTRA_CA_CERTS (a PEM file) for the agent and the doctor.',
  },
})
