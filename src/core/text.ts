// Text that a server or a file supplies (a version string, an error message, an object's name) reaches the
// operator's terminal and CI logs. Shown raw, an ESC sequence could rewrite the terminal and a line break
// followed by `::error::` would be a GitHub Actions command. Every such string passes through `oneLine`
// before it becomes part of a finding, an error or a log line.

// C0 controls except tab, DEL, and the C1 block (0x80–0x9f): ESC, BEL, NUL, CSI … never print as themselves.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
// Line and paragraph separators, and the bidi controls that can reorder what a reader sees.
const BREAKS = /[\r\n\u2028\u2029\u0085]+/g
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g

/**
 * One printable line: line breaks become `⏎ ` (the reader still sees that there were several lines),
 * control and bidi characters become `�`, runs of whitespace collapse, and the result is capped. A leading
 * `::` becomes `: :`, since a renderer may put the text at the start of a line, where `::error::` would be
 * a GitHub Actions workflow command.
 */
export function oneLine(text: string, max = 500): string {
  const out = text
    .replace(BREAKS, ' ⏎ ')
    .replace(CONTROL, '\ufffd')
    .replace(/\t/g, ' ')
    .replace(BIDI, '\ufffd')
    .replace(/[ \t]{2,}/g, ' ')
    .trim()
    .replace(/^::/, ': :')
  return out.length > max ? `${out.slice(0, max - 1)}…` : out
}

/** Whether a string would change under `oneLine` (tests, and callers that want to say "sanitised"). */
export const hasControl = (text: string): boolean =>
  new RegExp(CONTROL.source).test(text) ||
  new RegExp(BREAKS.source).test(text) ||
  new RegExp(BIDI.source).test(text)

/** `a=1,b in (x,y),!c` → `['a=1', 'b in (x,y)', '!c']`: split at commas outside parentheses, trimmed, no blanks. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  out.push(cur.trim())
  return out.filter(Boolean)
}
