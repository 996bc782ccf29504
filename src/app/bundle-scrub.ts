// What leaves a customer's node in a support bundle is structure, never a value. The doctor's own output is
// already secret-free (values are never reported, and every value it read is registered with the redactor);
// the bundle also carries files the doctor did not write — the agent HCL, its templates, the effective
// config — so those are scrubbed here by shape: every literal value an agent or a template could hold a
// secret in is replaced, keys, template actions and paths are kept (they are what a responder reads), and
// everything then passes through the redactor as a backstop.
import { redact } from '../core/redact.js'

export const REMOVED = '[removed]'

/** Config and HCL keys whose value is a credential (a `*_file` / `*_path` naming where one is, is kept). */
const SECRET_KEY =
  /^(?:[a-z0-9]*[_-])*(token|secret|secretid|secret_id|roleid|role_id|password|passwd|passphrase|clientsecret|client_secret|privatekey|private_key|apikey|api_key|accesskey|access_key|secretkey|secret_key|secret_access_key|session_token|sessiontoken|credentials?)$/i

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key)

/** A JSON-like value with credential-named keys emptied and every string redacted. */
export function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map(scrubValue)
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (isSecretKey(k) && typeof v === 'string' && v !== '') out[k] = REMOVED
      else if (
        isSecretKey(k) &&
        v !== undefined &&
        v !== null &&
        typeof v !== 'object' &&
        typeof v !== 'boolean'
      )
        out[k] = REMOVED
      else out[k] = scrubValue(v)
    }
    return out
  }
  return value
}

// `KEY=value`, `export KEY="value"` (env files, rendered templates), `key: value` (YAML), `"key": "value"`.
const ENV_LINE = /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=)(.*)$/
const YAML_LINE = /^(\s*(?:-\s+)?["']?[A-Za-z_][\w.-]*["']?\s*:)(\s+.*|)$/
const ACTION = /\{\{|\$\{/

/**
 * A template (or a rendered file) with every literal value removed: a line that assigns a literal keeps its
 * key; a line with a template action (`{{ with secret … }}`, `${VAR}`) is kept whole, since the action names
 * where the value comes from and is not itself a value.
 */
export function scrubTemplate(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (ACTION.test(line)) return redact(line)
      const env = ENV_LINE.exec(line) ?? YAML_LINE.exec(line)
      if (env)
        return (env[2] as string).trim() === ''
          ? line
          : `${env[1]}${env[1]?.endsWith('=') ? '' : ' '}${REMOVED}`
      return redact(line)
    })
    .join('\n')
}

const HCL_ATTR = /^(\s*)("?)([A-Za-z_][\w-]*)\2(\s*=\s*)(.*)$/
const HEREDOC = /<<-?\s*([A-Za-z_]\w*)\s*$/

/**
 * Agent HCL with credential-named attributes (`token = "…"`, `secret_id = "…"`) emptied and inline template
 * `contents` heredocs scrubbed like a template; paths, addresses, roles and the structure are kept.
 */
export function scrubHcl(text: string): string {
  const out: string[] = []
  let heredoc: string | undefined
  for (const line of text.split('\n')) {
    if (heredoc) {
      if (line.trim() === heredoc) {
        heredoc = undefined
        out.push(line)
      } else out.push(scrubTemplate(line))
      continue
    }
    const m = HCL_ATTR.exec(line)
    if (m) {
      const [, indent, quote, key, eq, value] = m as unknown as [
        string,
        string,
        string,
        string,
        string,
        string,
      ]
      const doc = HEREDOC.exec(value)
      if (doc) heredoc = doc[1]
      if (isSecretKey(key) && !doc) {
        out.push(`${indent}${quote}${key}${quote}${eq}"${REMOVED}"`)
        continue
      }
      if (key === 'contents' && !doc && !ACTION.test(value)) {
        out.push(`${indent}${quote}${key}${quote}${eq}"${REMOVED}"`)
        continue
      }
    }
    out.push(redact(line))
  }
  return out.join('\n')
}
