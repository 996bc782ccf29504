// `secrets` read against the provider entries it names: each entry picks a provider with `from:` and gives
// the per-secret lookup that provider's type asks for (for hashicorp_vault: mount, secret_path, field), plus
// an optional `refresh` override. Types whose secret fields no page confirms are named, not guessed.
import { parseDuration, parseGoDuration } from '../../../core/duration.js'
import { COMMON_SECRET_FIELDS, providerType, REFRESH_EXAMPLE } from '../../../providers/jobspec/format.js'
import { fieldOf, type YamlField } from '../../node/lib/jobspec.js'
import type { ProviderEntry, Refresh, SecretEntry, SecretIssueKey } from './model.js'
import { hint, text, type Collector } from './read-providers.js'

type C = Collector<SecretIssueKey>

/** Issue keys that are a `fail` of jobspec.secret-refs (the rest warn). */
export const FAILING_SECRET_ISSUES: ReadonlySet<SecretIssueKey> = new Set<SecretIssueKey>([
  'not-a-mapping',
  'no-providers',
  'missing-field',
  'unknown-provider',
  'bad-refresh',
])

function readRefresh(c: C, entry: string, f: YamlField | undefined): Refresh | undefined {
  if (!f) return undefined
  const t = text(f.value)
  const ms = t === undefined ? undefined : parseGoDuration(t)
  if (t !== undefined && ms !== undefined && ms > 0) return { text: t, at: f.at, ms }
  // `1d` is a duration to the doctor but not to Go's time.ParseDuration, which the agent most likely uses.
  const why =
    t === undefined
      ? 'refresh is not a duration'
      : ms !== undefined
        ? `${t} would never refresh`
        : parseDuration(t) !== undefined
          ? `${t} is not a Go duration (use h, m or s: ${REFRESH_EXAMPLE})`
          : `${t} is not a duration (e.g. ${REFRESH_EXAMPLE})`
  c.add('bad-refresh', `${entry}.refresh`, f, why)
  return { text: t ?? '', at: f.at }
}

function readEntry(c: C, f: YamlField, providers: readonly ProviderEntry[], hasBlock: boolean): SecretEntry {
  const entry = `secrets.${f.key}`
  const before = c.issues.length
  const base = { name: f.key, entry, at: f.at }
  if (f.value.kind !== 'map') {
    c.add('not-a-mapping', entry, f, 'the entry is not a mapping')
    return { ...base, broken: true }
  }
  const v = f.value
  const fromField = fieldOf(v, 'from')
  const from = text(fromField?.value)
  const provider = from ? providers.find((p) => p.name === from) : undefined
  if (from && !provider && hasBlock)
    c.add(
      'unknown-provider',
      `${entry}.from`,
      fromField!,
      `${from}${hint(
        from,
        providers.map((p) => p.name),
      )}`,
    )
  const spec = provider?.type ? providerType(provider.type) : undefined
  const fields = spec?.secretFields ?? COMMON_SECRET_FIELDS
  const known = fields.map((x) => x.name)
  for (const x of v.fields)
    if (!known.includes(x.key)) {
      // Without the provider type's field list, a field is not wrong, only not understood.
      if (spec?.secretFields) c.add('unknown-field', `${entry}.${x.key}`, x, `${x.key}${hint(x.key, known)}`)
      else if (provider && !('unknown' in provider))
        c.add('fields-unchecked', `${entry}.${x.key}`, x, `${x.key} (${provider.type})`)
    }
  for (const spec2 of fields)
    if (spec2.required && !text(fieldOf(v, spec2.name)?.value)) c.add('missing-field', entry, f, spec2.name)
  const versionField = fieldOf(v, 'version')
  return {
    ...base,
    from,
    provider,
    mount: text(fieldOf(v, 'mount')?.value)?.replace(/^\/+|\/+$/g, ''),
    secretPath: text(fieldOf(v, 'secret_path')?.value)?.replace(/^\/+/, ''),
    field: text(fieldOf(v, 'field')?.value),
    version: text(versionField?.value),
    versionAt: versionField?.at,
    refresh: readRefresh(c, entry, fieldOf(v, 'refresh')),
    broken: c.issues.slice(before).some((i) => FAILING_SECRET_ISSUES.has(i.key)),
  }
}

/** Every entry of `secrets`, resolved against the provider entries. */
export function readSecrets(
  c: C,
  block: YamlField | undefined,
  providers: readonly ProviderEntry[],
  providersBlock: YamlField | undefined,
): SecretEntry[] {
  if (!block) return []
  if (block.value.kind !== 'map') {
    c.add('not-a-mapping', 'secrets', block, 'secrets is not a mapping of variable names')
    return []
  }
  if (!providersBlock && block.value.fields.length)
    c.add('no-providers', 'secrets', block, 'secrets without a secret_providers block')
  return block.value.fields.map((f) => readEntry(c, f, providers, !!providersBlock))
}
