// Remedies beyond the documentation for the pipeline JobSpec's own secrets (source: extended). One owner: the
// jobspec checks. The format facts they lean on, and where each was read, are in docs/jobspec-secrets.md.
import { defineRemedies } from './types.js'

const FORMAT = 'Pipeline JobSpec secret_providers and secrets'
const CREDS = 'Pipeline JobSpec credentials'
const REFRESH = 'Pipeline JobSpec refresh'

export const jobspecRemedies = defineRemedies({
  'jobspec.fix-provider-entry': {
    title: 'Complete the secret_providers entry as the provider reference lists it',
    source: 'extended',
    section: FORMAT,
    body: [
      'Each entry under `secret_providers` names its type with `provider:`. A `hashicorp_vault` entry needs',
      '`address` (the Vault URL) and `auth` with a `method` (approle, kubernetes, jwt, static or file) and that',
      "method's fields; `tls.ca_cert`, `tls.client_cert` + `tls.client_key` (together) and `namespace` are",
      'optional. An `aws_sts` entry names `role_arn` (and `region`). The provider reference page of the vendor',
      'documentation lists every field.',
    ].join(' '),
  },
  'jobspec.fix-secret-entry': {
    title: 'Complete the secrets entry: from, and the lookup its provider needs',
    source: 'extended',
    section: FORMAT,
    body: [
      'Each entry under `secrets` is keyed by the variable name the pipeline uses and names its provider entry',
      'with `from:` (a key of `secret_providers`). For a `hashicorp_vault` provider it also needs `mount` (the',
      'KV engine, e.g. `kv`), `secret_path` (the path within the mount, without `data/`) and `field` (the key',
      'inside the secret); `refresh` overrides how often the agent fetches it again (`30m`). A `version` pins one',
      'version of the secret: drop it so that rotation reaches the pipeline.',
    ].join(' '),
  },
  'jobspec.unconfirmed-format': {
    title:
      'Check the entry against the vendor documentation (not understood by this version of edge-secrets)',
    source: 'extended',
    section: FORMAT,
    body: [
      'The doctor checks only what the vendor pages it has read confirm (docs/jobspec-secrets.md lists them). For',
      'anything else it says so instead of guessing what the agent does: compare the entry with the Secret',
      'Providers and provider reference pages of the documentation, and correct a misspelled name. If the entry',
      'is right, the doctor is behind the agent: the warning stays until a version of edge-secrets understands it',
      '(ignore it in edge-secrets.yaml with a reason meanwhile).',
    ].join(' '),
  },
  'jobspec.one-source': {
    title: 'Give each credential exactly one source',
    source: 'extended',
    section: CREDS,
    body: [
      'A credential comes from one of its forms — the value (`secret_id`), a file (`secret_id_file`) or an',
      'environment variable (`secret_id_env`) — "one source per credential". Keep the one the agent should use',
      'and delete the others, so nobody has to guess which wins.',
    ].join(' '),
  },
  'jobspec.credential-source': {
    title: 'Make the credential file or variable available to the agent',
    source: 'extended',
    section: CREDS,
    body: [
      'A `*_file` must exist on the node where the agent runs, be a regular file readable by the agent user, and',
      'hold the credential on its own (a trailing newline is fine); keep it mode 0600. A `*_env` variable must be',
      "set in the agent's own environment (its systemd unit, container env or pod spec), not only in a shell.",
    ].join(' '),
  },
  'jobspec.no-inline-credential': {
    title: 'Keep credentials out of the JobSpec',
    source: 'extended',
    section: CREDS,
    body: [
      'A `secret_id`, `token` or `jwt` written into the JobSpec is readable by everyone who can read the job (and',
      'its history). Move it to a file on the node (`secret_id_file`, mode 0600) or an environment variable',
      '(`secret_id_env`), and rotate the value that was exposed.',
    ].join(' '),
  },
  'jobspec.pair-client-cert': {
    title: 'Give the client certificate and its key together',
    source: 'extended',
    section: CREDS,
    body: [
      '`tls.client_key` "must pair with client_cert": mutual TLS needs both files, the certificate and the private',
      'key it was issued for. Set both, or neither when Vault does not ask for a client certificate.',
    ].join(' '),
  },
  'jobspec.assume-role': {
    title: "Let the node's identity assume the entry's role",
    source: 'extended',
    section: CREDS,
    body: [
      "The role's trust policy must allow `sts:AssumeRole` for the principal the node's credentials resolve to",
      '(`aws sts get-caller-identity` on the node), and that principal needs `sts:AssumeRole` on the role ARN in',
      'its own policy. Test it with `aws sts assume-role --role-arn <role_arn> --role-session-name test`.',
    ].join(' '),
  },
  'jobspec.set-refresh': {
    title: "Set each secret's refresh below maxStaleness and the secret's lease",
    source: 'extended',
    section: REFRESH,
    body: [
      'Give every entry under `secrets` a `refresh:` (a Go duration such as `30m`) that is shorter than',
      '`pipeline.maxStaleness` in edge-secrets.yaml and shorter than the lease of a leased secret, so a rotated',
      'value reaches the running pipeline in time. The agent fetches each secret again after its refresh; no',
      'redeploy is needed.',
    ].join(' '),
  },
})
