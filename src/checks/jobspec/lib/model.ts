// The JobSpec's secret blocks as the jobspec checks work from them: provider entries and secret entries with
// their positions, and the problems a reading of the file alone can tell (issues), each naming the entry as
// `secret_providers.corp_vault` or `secrets.KAFKA_PASSWORD` and the line it is on.
import type { Position } from '../../node/lib/jobspec.js'
import type { CredentialSource } from '../../../providers/jobspec/api.js'
import type { AuthMethodSpec, CredentialSpec } from '../../../providers/jobspec/format.js'

export type { Position } from '../../node/lib/jobspec.js'

export type ProviderIssueKey =
  | 'not-a-mapping'
  | 'no-type'
  | 'unknown-type'
  | 'unknown-field'
  | 'missing-field'
  | 'bad-value'
  | 'unknown-auth-method'
  | 'missing-credential'
  | 'two-sources'
  | 'inline-credential'
  | 'skip-verify'
  | 'cert-without-key'
  | 'plaintext'
  | 'unused-provider'

export type SecretIssueKey =
  | 'not-a-mapping'
  | 'no-providers'
  | 'missing-field'
  | 'unknown-provider'
  | 'unknown-field'
  | 'bad-refresh'
  | 'fields-unchecked'

/** One problem with one entry: what, where, and in one line. */
export interface Issue<K extends string> {
  readonly key: K
  /** `secret_providers.corp_vault.auth.secret_id_file` — the entry, down to the field when there is one. */
  readonly entry: string
  readonly at: Position
  readonly detail: string
}

/** A credential as the entry gives it: which form (`secret_id_file`), and where the value comes from. */
export interface CredentialRef {
  readonly spec: CredentialSpec
  readonly form: string
  readonly source: CredentialSource
  readonly at: Position
}

/** A file an entry names, for the checks that look at it on the node. */
export interface FileRef {
  readonly entry: string
  readonly path: string
  readonly at: Position
  /** Holds a secret: mode 0600 or stricter, like every secret file of the documentation. */
  readonly secret: boolean
}

export interface EnvRef {
  readonly entry: string
  readonly name: string
  readonly at: Position
}

export interface VaultAuth {
  readonly method: string
  readonly spec?: AuthMethodSpec
  readonly role?: string
  /** kubernetes: `token_file` (or its default); file: `path`. */
  readonly file?: string
  readonly credentials: readonly CredentialRef[]
  readonly at: Position
}

interface EntryBase {
  /** The key under `secret_providers`. */
  readonly name: string
  /** `secret_providers.<name>`. */
  readonly entry: string
  readonly at: Position
  /** A fail-level issue of its own: the live checks leave it alone. */
  readonly broken: boolean
}

export interface VaultProviderEntry extends EntryBase {
  readonly type: 'hashicorp_vault'
  readonly address?: string
  readonly namespace?: string
  readonly tls: {
    readonly caCert?: string
    readonly clientCert?: string
    readonly clientKey?: string
    readonly skipVerify: boolean
  }
  readonly auth?: VaultAuth
}

export interface StsProviderEntry extends EntryBase {
  readonly type: 'aws_sts'
  readonly roleArn?: string
  readonly region?: string
}

export interface OtherProviderEntry extends EntryBase {
  /** The `provider:` value as written, or undefined when there is none. */
  readonly type: string | undefined
  readonly unknown: true
}

export type ProviderEntry = VaultProviderEntry | StsProviderEntry | OtherProviderEntry

export const isVault = (p: ProviderEntry | undefined): p is VaultProviderEntry =>
  p?.type === 'hashicorp_vault'
export const isSts = (p: ProviderEntry | undefined): p is StsProviderEntry => p?.type === 'aws_sts'

export interface Refresh {
  readonly text: string
  readonly at: Position
  /** Milliseconds when the text is a Go duration (what the agent, written in Go, reads). */
  readonly ms?: number
}

export interface SecretEntry {
  /** The variable name: the key under `secrets`. */
  readonly name: string
  /** `secrets.<name>`. */
  readonly entry: string
  readonly at: Position
  readonly from?: string
  readonly provider?: ProviderEntry
  readonly mount?: string
  readonly secretPath?: string
  readonly field?: string
  readonly version?: string
  readonly versionAt?: Position
  readonly refresh?: Refresh
  readonly broken: boolean
}

export interface JobspecModel {
  readonly under: 'top' | 'spec'
  readonly providersAt?: Position
  readonly secretsAt?: Position
  readonly providers: readonly ProviderEntry[]
  readonly secrets: readonly SecretEntry[]
  readonly providerIssues: readonly Issue<ProviderIssueKey>[]
  readonly secretIssues: readonly Issue<SecretIssueKey>[]
  readonly files: readonly FileRef[]
  readonly envs: readonly EnvRef[]
}

/** `line 12` / `line 12, column 5`, for details. */
export const lineOf = (at: Position): string => `line ${at.line}`
