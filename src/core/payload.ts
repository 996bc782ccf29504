// The one way a secret payload is looked at: its shape and the state of each key, never its values — and
// every value is registered with the redactor the moment it is seen, so no later error, debug line or report
// can print it. Vault KV data, AWS SecretString, Google payloads and Azure secret values all pass here.
import { registerSecret } from './redact.js'

/** What a key holds, without saying what: a rendered `<no value>` (Vault template) or `null` (jq -r) is evidence. */
export type ValueState = 'set' | 'empty' | 'no-value' | 'null' | 'not-string'

/** A JSON value's state. */
export function valueState(v: unknown): ValueState {
  if (v === null || v === undefined) return 'null'
  if (typeof v !== 'string') return 'not-string'
  const t = v.trim()
  if (t === '') return 'empty'
  if (t === '<no value>') return 'no-value'
  return 'set'
}

/** A rendered text value's state (env files, template output): the text `null` is what `jq -r` leaves. */
export function renderedValueState(text: string): Exclude<ValueState, 'not-string'> {
  const s = valueState(text)
  if (s === 'set' && text.trim() === 'null') return 'null'
  return s === 'not-string' ? 'set' : s
}

/** Registers every string and number inside a value with the redactor (keys are names, not secrets). */
export function registerPayload(v: unknown): void {
  if (typeof v === 'string') registerSecret(v)
  else if (typeof v === 'number' || typeof v === 'bigint') registerSecret(String(v))
  else if (Array.isArray(v)) v.forEach(registerPayload)
  else if (v && typeof v === 'object') Object.values(v).forEach(registerPayload)
}

export type PayloadShape =
  | { readonly kind: 'object'; readonly keys: Readonly<Record<string, ValueState>> }
  /** Valid JSON but not an object (an array, a number, a quoted string). */
  | { readonly kind: 'json-other'; readonly type: string }
  | { readonly kind: 'text' }
  | { readonly kind: 'empty' }

/** The key states of an object payload (Vault KV data), registering its values. */
export function describeObject(
  data: Readonly<Record<string, unknown>>,
): Readonly<Record<string, ValueState>> {
  registerPayload(data)
  const keys: Record<string, ValueState> = {}
  for (const [k, v] of Object.entries(data)) keys[k] = valueState(v)
  return keys
}

/** A secret string (AWS SecretString, a Google or Azure payload): JSON object with keys, or opaque text. */
export function describeSecretText(text: string | undefined): PayloadShape {
  if (text === undefined || text.trim() === '') return { kind: 'empty' }
  registerSecret(text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { kind: 'text' }
  }
  registerPayload(parsed)
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
    return { kind: 'object', keys: describeObject(parsed as Record<string, unknown>) }
  return {
    kind: 'json-other',
    type: Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed,
  }
}
