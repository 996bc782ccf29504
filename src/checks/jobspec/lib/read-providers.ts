// `secret_providers` read against what this version knows of the format (src/providers/jobspec/format.ts):
// each entry becomes a typed provider entry, and everything the file alone shows to be wrong or not
// understood becomes an issue naming the entry and its line. Files and variables the entries name are
// collected for the checks that look at them on the node.
import { isAbsolute, join } from 'node:path'
import { distance } from 'fastest-levenshtein'
import { registerSecret } from '../../../core/redact.js'
import { suggest } from '../../../core/suggest.js'
import type { CredentialSource } from '../../../providers/jobspec/api.js'
import {
  NAMED_BACKENDS,
  PROVIDER_TYPES,
  providerType,
  type AuthMethodSpec,
  type CredentialSpec,
  type FieldSpec,
} from '../../../providers/jobspec/format.js'
import { fieldOf, type YamlField, type YamlValue } from '../../node/lib/jobspec.js'
import type {
  CredentialRef,
  EnvRef,
  FileRef,
  Issue,
  OtherProviderEntry,
  ProviderEntry,
  ProviderIssueKey,
  StsProviderEntry,
  VaultAuth,
  VaultProviderEntry,
} from './model.js'

const CREDENTIAL_KEY = /token|secret|jwt|password/
const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d+:role\/.+/

/** `(did you mean address?)` or nothing. */
export const hint = (input: string, candidates: readonly string[]): string => {
  const s = suggest(input, candidates, 2)
  return s.length ? ` (did you mean ${s.join(' or ')}?)` : ''
}

/** What `readProviders` collects while it walks. */
export class Collector<K extends string> {
  readonly issues: Issue<K>[] = []
  readonly files: FileRef[] = []
  readonly envs: EnvRef[] = []
  add(key: K, entry: string, field: YamlField | { at: YamlField['at'] }, detail: string): void {
    this.issues.push({ key, entry, at: field.at, detail })
  }
}

/** A scalar's text, or undefined for a mapping, a list or null. */
export const text = (v: YamlValue | undefined): string | undefined =>
  v?.kind === 'scalar' && v.value !== null && typeof v.value !== 'boolean' ? String(v.value) : undefined

/** Relative paths are read relative to the pipeline config's folder (where else the agent starts is unknown). */
const pathOf = (p: string, base: string) => (isAbsolute(p) ? p : join(base, p))

type C = Collector<ProviderIssueKey>

/** Unknown fields, wrong kinds and missing required ones of one mapping, against its field list. */
function checkFields(
  c: C,
  entry: string,
  owner: YamlField,
  fields: readonly FieldSpec[],
  extra: readonly string[] = [],
): void {
  const value = owner.value
  if (value.kind !== 'map') return
  const known = [...fields.map((f) => f.name), ...extra]
  for (const f of value.fields)
    if (!known.includes(f.key))
      c.add('unknown-field', `${entry}.${f.key}`, f, `${f.key}${hint(f.key, known)}`)
  for (const spec of fields) {
    const f = fieldOf(value, spec.name)
    if (!f) {
      if (spec.required) c.add('missing-field', entry, owner, spec.name)
      continue
    }
    const bad = badKind(spec, f.value)
    if (bad) c.add('bad-value', `${entry}.${spec.name}`, f, bad)
  }
}

/** Why a value is not of its field's kind, or undefined. */
function badKind(spec: FieldSpec, v: YamlValue): string | undefined {
  const t = text(v)
  switch (spec.kind) {
    case 'map':
      return v.kind === 'map' ? undefined : `${spec.name} is not a mapping`
    case 'bool':
      return v.kind === 'scalar' && typeof v.value === 'boolean'
        ? undefined
        : `${spec.name} is not true or false`
    case 'url': {
      if (!t) return `${spec.name} is not a URL`
      try {
        const u = new URL(t)
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `${t} is not an http(s) URL`
      } catch {
        return `${t} is not a URL`
      }
    }
    case 'arn':
      return t && ROLE_ARN.test(t)
        ? undefined
        : `${t ?? spec.name} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`
    default:
      return t === undefined || t === '' ? `${spec.name} is empty or not a string` : undefined
  }
}

/** The one source a credential comes from; two at once, or none when required, is an issue. */
function credentialOf(
  c: C,
  entry: string,
  owner: YamlField,
  spec: CredentialSpec,
  base: string,
): CredentialRef | undefined {
  const auth = owner.value
  const given = spec.forms.flatMap((form) => {
    const f = fieldOf(auth, form)
    return f ? [{ form, f }] : []
  })
  if (given.length > 1) {
    c.add('two-sources', `${entry}.${spec.name}`, given[1]!.f, given.map((g) => g.form).join(' and '))
    return undefined
  }
  const one = given[0]
  if (!one) {
    if (spec.required) c.add('missing-credential', entry, owner, spec.forms.join(', '))
    return undefined
  }
  const value = text(one.f.value)
  const where = `${entry}.${one.form}`
  if (!value) {
    c.add('bad-value', where, one.f, `${one.form} is empty or not a string`)
    return undefined
  }
  let source: CredentialSource
  if (one.form.endsWith('_file')) {
    source = { kind: 'file', path: pathOf(value, base) }
    c.files.push({ entry: where, path: source.path, at: one.f.at, secret: spec.secret })
  } else if (one.form.endsWith('_env')) {
    source = { kind: 'env', name: value }
    c.envs.push({ entry: where, name: value, at: one.f.at })
  } else {
    source = { kind: 'value', value }
    if (spec.secret) c.add('inline-credential', where, one.f, one.form)
  }
  return { spec, form: one.form, source, at: one.f.at }
}

function readAuth(c: C, entry: string, auth: YamlField, specs: readonly AuthMethodSpec[], base: string) {
  const where = `${entry}.auth`
  const v = auth.value
  if (v.kind !== 'map') return undefined
  // A credential written inline is a secret whatever the method: registered before any message is built.
  for (const f of v.fields)
    if (CREDENTIAL_KEY.test(f.key) && !/_(file|env)$/.test(f.key)) registerSecret(text(f.value))
  const methodField = fieldOf(v, 'method')
  const method = text(methodField?.value)
  if (!method) {
    c.add('missing-field', where, auth, 'method')
    return undefined
  }
  const spec = specs.find((s) => s.method === method)
  if (!spec) {
    const names = specs.map((s) => s.method)
    c.add('unknown-auth-method', `${where}.method`, methodField!, `${method}${hint(method, names)}`)
    return { method, credentials: [], at: auth.at } satisfies VaultAuth
  }
  checkFields(c, where, auth, spec.fields, ['method', ...spec.credentials.flatMap((k) => k.forms)])
  const credentials = spec.credentials.flatMap((k) => credentialOf(c, where, auth, k, base) ?? [])
  const fileSpec = spec.fields.find((f) => f.kind === 'file')
  const fileText = fileSpec ? (text(fieldOf(v, fileSpec.name)?.value) ?? fileSpec.default) : undefined
  const file = fileText ? pathOf(fileText, base) : undefined
  if (fileSpec && file)
    c.files.push({
      entry: `${where}.${fileSpec.name}`,
      path: file,
      at: fieldOf(v, fileSpec.name)?.at ?? auth.at,
      secret: fileSpec.secret ?? false,
    })
  return {
    method,
    spec,
    role: text(fieldOf(v, 'role')?.value),
    file,
    credentials,
    at: auth.at,
  } satisfies VaultAuth
}

function readTls(
  c: C,
  entry: string,
  tls: YamlField | undefined,
  fields: readonly FieldSpec[],
  base: string,
) {
  const out: { caCert?: string; clientCert?: string; clientKey?: string; skipVerify: boolean } = {
    skipVerify: false,
  }
  if (!tls || tls.value.kind !== 'map') return out
  const where = `${entry}.tls`
  checkFields(c, where, tls, fields)
  for (const [key, prop] of [
    ['ca_cert', 'caCert'],
    ['client_cert', 'clientCert'],
    ['client_key', 'clientKey'],
  ] as const) {
    const f = fieldOf(tls.value, key)
    const t = text(f?.value)
    if (!f || !t) continue
    out[prop] = pathOf(t, base)
    c.files.push({ entry: `${where}.${key}`, path: out[prop], at: f.at, secret: key === 'client_key' })
  }
  const skip = fieldOf(tls.value, 'skip_verify')
  if (skip?.value.kind === 'scalar' && skip.value.value === true) {
    out.skipVerify = true
    c.add('skip-verify', `${where}.skip_verify`, skip, 'skip_verify: true')
  }
  if (!!out.clientCert !== !!out.clientKey)
    c.add(
      'cert-without-key',
      where,
      tls,
      out.clientCert ? 'client_cert without client_key' : 'client_key without client_cert',
    )
  return out
}

function readVault(c: C, name: string, f: YamlField, base: string): VaultProviderEntry {
  const entry = `secret_providers.${name}`
  const spec = providerType('hashicorp_vault')!
  const before = c.issues.length
  checkFields(c, entry, f, spec.fields)
  const address = text(fieldOf(f.value, 'address')?.value)
  const addressField = fieldOf(f.value, 'address')
  if (address && addressField) {
    try {
      const u = new URL(address)
      if (u.protocol === 'http:' && !LOOPBACK.test(u.hostname))
        c.add('plaintext', `${entry}.address`, addressField, address)
    } catch {
      // reported by checkFields as bad-value
    }
  }
  const tls = readTls(c, entry, fieldOf(f.value, 'tls'), spec.blocks?.tls ?? [], base)
  const authField = fieldOf(f.value, 'auth')
  const auth = authField ? readAuth(c, entry, authField, spec.auth ?? [], base) : undefined
  return {
    type: 'hashicorp_vault',
    name,
    entry,
    at: f.at,
    address,
    namespace: text(fieldOf(f.value, 'namespace')?.value),
    tls,
    auth,
    broken: failsAmong(c.issues.slice(before)),
  }
}

function readSts(c: C, name: string, f: YamlField): StsProviderEntry {
  const entry = `secret_providers.${name}`
  const before = c.issues.length
  checkFields(c, entry, f, providerType('aws_sts')!.fields)
  return {
    type: 'aws_sts',
    name,
    entry,
    at: f.at,
    roleArn: text(fieldOf(f.value, 'role_arn')?.value),
    region: text(fieldOf(f.value, 'region')?.value),
    broken: failsAmong(c.issues.slice(before)),
  }
}

/** Issue keys that are a `fail` of jobspec.providers (the rest warn). */
export const FAILING_PROVIDER_ISSUES: ReadonlySet<ProviderIssueKey> = new Set<ProviderIssueKey>([
  'not-a-mapping',
  'no-type',
  'missing-field',
  'bad-value',
  'missing-credential',
  'two-sources',
  'cert-without-key',
])

const failsAmong = (issues: readonly Issue<ProviderIssueKey>[]) =>
  issues.some((i) => FAILING_PROVIDER_ISSUES.has(i.key))

function readEntry(c: C, f: YamlField, base: string): ProviderEntry {
  const entry = `secret_providers.${f.key}`
  const unknown = (type: string | undefined): OtherProviderEntry => ({
    type,
    name: f.key,
    entry,
    at: f.at,
    broken: true,
    unknown: true,
  })
  if (f.value.kind !== 'map') {
    c.add('not-a-mapping', entry, f, 'the entry is not a mapping')
    return unknown(undefined)
  }
  const typeField = fieldOf(f.value, 'provider')
  const type = text(typeField?.value)
  if (!type) {
    c.add('no-type', entry, f, 'no provider:')
    return unknown(undefined)
  }
  if (type === 'hashicorp_vault') return readVault(c, f.key, f, base)
  if (type === 'aws_sts') return readSts(c, f.key, f)
  // Only a near spelling is a typo: `azure_key_vault` shares `_vault` with hashicorp_vault and is no typo of it.
  const near = PROVIDER_TYPES.map((p) => p.type).filter((k) => distance(k, type) <= 3)
  const named = near.length
    ? ` (did you mean ${near.join(' or ')}?)`
    : ` (the overview also names ${NAMED_BACKENDS.join(', ')}, with no identifier the doctor could confirm)`
  c.add('unknown-type', `${entry}.provider`, typeField!, `${type}${named}`)
  return { ...unknown(type), broken: false }
}

/** Every entry of `secret_providers`; `base` is the pipeline config's folder. */
export function readProviders(c: C, block: YamlField | undefined, base: string): ProviderEntry[] {
  if (!block) return []
  if (block.value.kind !== 'map') {
    c.add('not-a-mapping', 'secret_providers', block, 'secret_providers is not a mapping of named entries')
    return []
  }
  return block.value.fields.map((f) => readEntry(c, f, base))
}
