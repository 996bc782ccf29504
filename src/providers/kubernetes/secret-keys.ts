// A Secret's values go to the redactor and no further: whether it came from the API or from a manifest
// file, what remains of it is its key names, each `set` or `empty`.
import { registerPayload, renderedValueState } from '../../core/payload.js'
import { registerSecret } from '../../core/redact.js'
import type { KeyState } from './api.js'

/** Key states of a Secret's `data` (base64) and `stringData` (plain), registering every value. */
export function secretKeyStates(data: unknown, stringData: unknown): Readonly<Record<string, KeyState>> {
  const keys: Record<string, KeyState> = {}
  for (const [field, encoded] of [
    [data, true],
    [stringData, false],
  ] as const) {
    if (!field || typeof field !== 'object' || Array.isArray(field)) continue
    for (const [key, raw] of Object.entries(field as Record<string, unknown>)) {
      const text = raw === null || raw === undefined ? '' : String(raw)
      const value = encoded ? Buffer.from(text, 'base64').toString('utf8') : text
      registerPayload([text, value])
      keys[key] = renderedValueState(value)
    }
  }
  return keys
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** Metadata without kubectl's copy of the applied object, which holds a Secret's values again, in clear. */
export function withoutAppliedCopy<M extends { annotations?: Readonly<Record<string, string>> }>(meta: M): M {
  const copy = meta.annotations?.[LAST_APPLIED]
  if (copy === undefined) return meta
  registerSecret(copy)
  const { [LAST_APPLIED]: _drop, ...rest } = meta.annotations ?? {}
  return { ...meta, annotations: rest }
}
