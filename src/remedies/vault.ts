// Remedies beyond the documentation for the vault provider (source: extended). One owner: the vault checks.
// Bodies say exactly what to do; the checks attach commands filled with the values they found.
import { defineRemedies } from './types.js'

const NET = 'Vault network'
const TLS = 'Vault TLS'
const SERVER = 'Vault server state'
const AUTH = 'Vault authentication'
const POLICY = 'Vault policies and paths'
const AGENT = 'Vault Agent configuration'

export const vaultRemedies = defineRemedies({
  'vault.fix-address': {
    title: 'Point the agent and the doctor at the right Vault address',
    source: 'extended',
    section: NET,
    body: [
      'Set one address, with scheme and port, in every place that names Vault: `vault { address = "https://vault.example.com:8200" }`',
      'in the agent HCL, `VAULT_ADDR` in the environment (it overrides the HCL), and `vault.address` in edge-secrets.yaml.',
      'Use https:// for anything that is not loopback.',
    ].join(' '),
  },
  'vault.network-reach': {
    title: 'Open the network path from the node to Vault',
    source: 'extended',
    section: NET,
    body: [
      "From the node (or the pod's network namespace) resolve the host, connect to the port and call",
      '`curl -sS $VAULT_ADDR/v1/sys/health`. Fix DNS, firewall rules or security groups, Kubernetes NetworkPolicies',
      '(allow egress to TCP 8200), and add the Vault host to NO_PROXY when a proxy is set. With Istio, exclude port',
      '8200 from the sidecar or start the agent after the proxy.',
    ].join(' '),
  },
  'vault.trust-ca': {
    title: "Trust the CA that signed Vault's certificate",
    source: 'extended',
    section: TLS,
    body: [
      'Give the agent the issuing CA bundle: `vault { ca_cert = "/etc/vault/tls/ca.pem" }` in the agent HCL, or',
      '`VAULT_CACERT`, or the `vault.hashicorp.com/ca-cert` annotation with the CA mounted into the pod; set the same',
      'file as `vault.caCert` for the doctor. A bundle lists the issuing intermediate first, then the root.',
    ].join(' '),
  },
  'vault.fix-cert-hostname': {
    title: 'Use an address the certificate is issued for',
    source: 'extended',
    section: TLS,
    body: [
      "Connect by a name in the certificate's subjectAltName, or reissue the certificate with the address clients use",
      '(DNS name and, when clients connect by IP, an IP SAN). `tls_server_name` in the agent HCL overrides the name checked.',
    ].join(' '),
  },
  'vault.renew-certificate': {
    title: "Renew Vault's TLS certificate",
    source: 'extended',
    section: TLS,
    body: [
      'Issue a new certificate before the old one ends, install it on every Vault node (`tls_cert_file`/`tls_key_file`',
      'in the listener) and reload Vault with SIGHUP. Automate renewal (cert-manager, Vault PKI) with a margin of weeks.',
    ].join(' '),
  },
  'vault.no-skip-verify': {
    title: 'Stop skipping TLS verification',
    source: 'extended',
    section: TLS,
    body: [
      'Remove VAULT_SKIP_VERIFY (any non-empty value, even "false", disables verification in many clients),',
      '`tls_skip_verify = true` and `vault.hashicorp.com/tls-skip-verify`, and trust the CA instead (vault.trust-ca).',
    ].join(' '),
  },
  'vault.unseal': {
    title: 'Unseal Vault, and configure auto-unseal',
    source: 'extended',
    section: SERVER,
    body: [
      'A sealed Vault answers every request with 503 "Vault is sealed". Unseal each node with `vault operator unseal`',
      '(threshold of key holders), and configure a `seal` stanza (awskms, gcpckms, azurekeyvault, transit) so restarts',
      'unseal themselves.',
    ].join(' '),
  },
  'vault.initialize': {
    title: 'Initialize Vault (or point at the initialized cluster)',
    source: 'extended',
    section: SERVER,
    body: 'An uninitialized Vault holds no secrets. Run `vault operator init` once for a new cluster, or correct the address if this is a stray node.',
  },
  'vault.route-to-active': {
    title: 'Send clients to the active Vault node',
    source: 'extended',
    section: SERVER,
    body: [
      'Standbys forward requests to the active node and fail when they cannot reach it',
      '("local node not active but active cluster node not found"). Point the load balancer health check at',
      '`/v1/sys/health` (200 only on the active node) and check `vault operator raft list-peers`.',
    ].join(' '),
  },
  'vault.fix-login': {
    title: "Make the auth role accept the agent's login",
    source: 'extended',
    section: AUTH,
    body: [
      "Log in exactly as the agent does and read Vault's answer: for Kubernetes auth",
      '`vault write auth/<mount>/login role=<role> jwt=@<token_path>`. "invalid role name" means the role does not',
      'exist on that mount; "service account name not authorized" / "namespace not authorized" mean the role\'s',
      "bound_service_account_names / bound_service_account_namespaces miss the pod's service account; claim errors",
      '(`iss`, `aud`) mean the role or auth config expects another issuer or audience; a bare "permission denied"',
      'means the JWT failed TokenReview (check the reviewer JWT and its system:auth-delegator binding).',
    ].join(' '),
  },
  'vault.fix-auth-mount': {
    title: 'Log in at the mount and namespace where the role lives',
    source: 'extended',
    section: AUTH,
    body: 'Set `mount_path` (agent `auto_auth.method`), `vault.hashicorp.com/auth-path`, or `vault.auth.mount` to the mount that holds the role, and the namespace with VAULT_NAMESPACE or `vault.hashicorp.com/namespace`. `vault auth list` shows the mounts.',
  },
  'vault.renew-token': {
    title: 'Use a token that renews or is replaced before it expires',
    source: 'extended',
    section: AUTH,
    body: [
      'Static tokens (VAULT_TOKEN in a script, a token file) die at their TTL or max_ttl and then every call returns',
      '403 permission denied, which looks like a policy problem. Let Vault Agent `auto_auth` log in and renew, or give',
      'the role `token_period` / a `token_ttl` longer than the refresh cycle. Never run the pipeline on a root token.',
    ].join(' '),
  },
  'vault.grant-read': {
    title: 'Grant read on the exact API path',
    source: 'extended',
    section: POLICY,
    body: [
      'Vault policies match API paths. For KV v2 the API path carries `data/`: a policy for `secret/expanso/prod/pipeline`',
      'does not allow `vault kv get` of it; write `path "secret/data/expanso/prod/pipeline" { capabilities = ["read"] }`',
      '(plus `secret/metadata/...` with read/list for listing) into a policy attached to the role.',
    ].join(' '),
  },
  'vault.kv2-data-path': {
    title: 'Put `data/` in KV v2 API paths',
    source: 'extended',
    section: POLICY,
    body: 'On a KV v2 mount, templates (`with secret "secret/data/..."`), the API and policies use `<mount>/data/<path>`; the `vault kv` CLI adds `data/` itself. Use the corrected path the finding names.',
  },
  'vault.undelete-secret': {
    title: 'Restore the deleted version, or write a new one',
    source: 'extended',
    section: POLICY,
    body: 'KV v2 keeps a soft-deleted version until it is destroyed: `vault kv undelete -versions=N <path>` brings it back, and `vault kv put <path> …` writes a new current version. The agent renders the current version on its next refresh.',
  },
  'vault.kv1-path': {
    title: 'Drop `data/` on a KV v1 mount',
    source: 'extended',
    section: POLICY,
    body: 'A KV v1 mount has no `data/` segment: `kv/data/app` is read as a key named `data/app`, which does not exist. Read `<mount>/<path>` and `.Data.KEY` in templates.',
  },
  'vault.error-on-missing-key': {
    title: 'Fail the render when a key is missing',
    source: 'extended',
    section: AGENT,
    body: 'By default a template renders `<no value>` for a missing key and the pipeline starts with that string as a credential. Set `error_on_missing_key = true` in each `template` stanza and `exit_on_retry_failure = true` in `template_config`, and add the key to the secret.',
  },
  'vault.template-destination': {
    title: 'Render the template into the env file the pipeline loads',
    source: 'extended',
    section: AGENT,
    body: 'The `destination` of the template that carries the pipeline secrets must be a file in `pipeline.envFiles` (the env_file the edge agent reads). Change one of them so they name the same file.',
  },
  'vault.fix-agent-config': {
    title: 'Fix the Vault Agent config',
    source: 'extended',
    section: AGENT,
    body: 'Vault Agent exits at start-up on an HCL error; validate the file with `vault agent -config=<file>` in a test container, then restart the agent. Template source files must exist where the agent runs.',
  },
  'vault.align-configs': {
    title: 'Make the doctor config and the agent config agree',
    source: 'extended',
    section: AGENT,
    body: 'When the doctor checks another address or role than the agent uses, its verdict says nothing about the agent. Drop the duplicated field from edge-secrets.yaml (the doctor then reads it from the agent config) or correct one of them.',
  },
  'vault.render-interval': {
    title: 'Re-render static secrets often enough',
    source: 'extended',
    section: AGENT,
    body: 'KV v2 secrets have no lease: the agent re-reads them every `template_config.static_secret_render_interval` (default 5m). Set it below `pipeline.maxStaleness`, and make the edge agent reload when the file changes.',
  },
})
