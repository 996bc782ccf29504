// What this version of edge-secrets knows about the JobSpec's `secret_providers` and `secrets` blocks, as
// data, each fact with the vendor page it was read on (docs/jobspec-secrets.md lists them, and what stayed
// unconfirmed). Everything not written here is "not understood by this version of edge-secrets": the checks
// warn about it by name rather than guess what the agent does with it.

import { DEFAULT_JWT_PATH } from '../vault/model.js'

export const SECRET_PROVIDERS_PAGE = 'https://docs.expanso.io/guides/secrets-management/secret-providers/'
export const PROVIDER_REFERENCE_PAGE = 'https://docs.expanso.io/guides/secrets-management/provider-reference/'

/** A credential given in one of several forms (`secret_id`, `secret_id_file`, `secret_id_env`): one at a time. */
export interface CredentialSpec {
  /** The plain form's key: `secret_id`. Its `_file` and `_env` forms follow from it unless listed. */
  readonly name: string
  readonly forms: readonly string[]
  readonly required: boolean
  /** A secret (a leaked `role_id` alone logs nobody in; a `secret_id` does). Its file must be 0600. */
  readonly secret: boolean
  /** What the value is for the Vault login: the token itself, or one half of a login. */
  readonly holds: 'token' | 'roleId' | 'secretId' | 'jwt'
}

export interface FieldSpec {
  readonly name: string
  readonly required?: boolean
  readonly kind: 'string' | 'url' | 'bool' | 'file' | 'duration' | 'arn' | 'map'
  /** Used when the field is absent (documented defaults only). */
  readonly default?: string
  /** A file holding a secret: its mode must be 0600 or stricter. */
  readonly secret?: boolean
}

export interface AuthMethodSpec {
  readonly method: string
  readonly fields: readonly FieldSpec[]
  readonly credentials: readonly CredentialSpec[]
  /** How the doctor logs in the same way (`static` and `file` are a plain token). */
  readonly login: 'approle' | 'kubernetes' | 'jwt' | 'token'
}

export interface ProviderTypeSpec {
  readonly type: string
  readonly fields: readonly FieldSpec[]
  /** Sub-blocks and their fields (`tls`). */
  readonly blocks?: Readonly<Record<string, readonly FieldSpec[]>>
  readonly auth?: readonly AuthMethodSpec[]
  /** The per-secret lookup fields, when the vendor's page lists them; undefined when not confirmed. */
  readonly secretFields?: readonly FieldSpec[]
  readonly source: string
}

const credential = (
  name: string,
  holds: CredentialSpec['holds'],
  o: { required?: boolean; secret?: boolean; forms?: readonly string[] } = {},
): CredentialSpec => ({
  name,
  holds,
  forms: o.forms ?? [name, `${name}_file`, `${name}_env`],
  required: o.required ?? true,
  secret: o.secret ?? true,
})

/** Where a Kubernetes pod's service-account token is: the kubernetes method's `token_file` default too. */
export const DEFAULT_SA_TOKEN = DEFAULT_JWT_PATH

const VAULT_AUTH: readonly AuthMethodSpec[] = [
  {
    method: 'approle',
    login: 'approle',
    fields: [],
    // "role_id or role_id_file or role_id_env, plus secret_id or …": one source per credential.
    credentials: [credential('role_id', 'roleId', { secret: false }), credential('secret_id', 'secretId')],
  },
  {
    method: 'kubernetes',
    login: 'kubernetes',
    fields: [
      { name: 'role', required: true, kind: 'string' },
      // A projected service-account token is the pod's own (mode 0644 by default): not held to 0600.
      { name: 'token_file', kind: 'file', default: DEFAULT_SA_TOKEN },
    ],
    credentials: [],
  },
  {
    method: 'jwt',
    login: 'jwt',
    fields: [{ name: 'role', required: true, kind: 'string' }],
    credentials: [credential('jwt', 'jwt')],
  },
  {
    method: 'static',
    login: 'token',
    fields: [],
    credentials: [credential('token', 'token', { forms: ['token', 'token_env', 'token_file'] })],
  },
  {
    method: 'file',
    login: 'token',
    // "Reads the token from a file on every refresh."
    fields: [{ name: 'path', required: true, kind: 'file', secret: true }],
    credentials: [],
  },
]

/** The per-secret fields every provider type shares: which provider, and how often to fetch again. */
export const COMMON_SECRET_FIELDS: readonly FieldSpec[] = [
  { name: 'from', required: true, kind: 'string' },
  { name: 'refresh', kind: 'duration' },
]

export const PROVIDER_TYPES: readonly ProviderTypeSpec[] = [
  {
    type: 'hashicorp_vault',
    source: PROVIDER_REFERENCE_PAGE,
    fields: [
      { name: 'provider', required: true, kind: 'string' },
      { name: 'address', required: true, kind: 'url' },
      { name: 'namespace', kind: 'string' },
      { name: 'tls', kind: 'map' },
      // "Authentication is required — Vault has no default credential chain".
      { name: 'auth', required: true, kind: 'map' },
    ],
    blocks: {
      tls: [
        { name: 'ca_cert', kind: 'file' },
        { name: 'client_cert', kind: 'file' },
        { name: 'client_key', kind: 'file', secret: true },
        { name: 'skip_verify', kind: 'bool', default: 'false' },
      ],
    },
    auth: VAULT_AUTH,
    secretFields: [
      ...COMMON_SECRET_FIELDS,
      { name: 'mount', required: true, kind: 'string' },
      { name: 'secret_path', required: true, kind: 'string' },
      { name: 'field', required: true, kind: 'string' },
      // Named among the per-reference lookup fields ("path, field, version, refresh override").
      { name: 'version', kind: 'string' },
    ],
  },
  {
    // Seen in the Secret Providers example with these two fields; its secret fields were not on the page.
    type: 'aws_sts',
    source: SECRET_PROVIDERS_PAGE,
    fields: [
      { name: 'provider', required: true, kind: 'string' },
      { name: 'role_arn', required: true, kind: 'arn' },
      { name: 'region', kind: 'string' },
    ],
  },
]

export const providerType = (type: string): ProviderTypeSpec | undefined =>
  PROVIDER_TYPES.find((p) => p.type === type)

/**
 * Backends the overview names whose identifiers no page the doctor has read confirms: a `provider:` value
 * for one of these is still a type this version does not understand, but the warning can say which backend
 * it probably means.
 */
export const NAMED_BACKENDS: readonly string[] = [
  'AWS Secrets Manager',
  'AWS Parameter Store',
  'GCP Secret Manager',
  'Azure Key Vault',
  'local files',
]

/** A Go duration, the agent's language (`30m`, `1h30m`): what `refresh:` is, by the examples. */
export const REFRESH_EXAMPLE = '30m'
