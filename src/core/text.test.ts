import { describe, expect, it } from 'vitest'
import { hasControl, oneLine } from './text.js'

describe('oneLine: server and file text cannot forge a terminal or a CI log line', () => {
  it.each([
    ['ESC sequences', 'vault \u001b[2J\u001b[31mv1.15\u0007', 'vault �[2J�[31mv1.15�'],
    ['NUL and DEL', 'a\u0000b\u007fc', 'a�b�c'],
    ['C1 controls (CSI)', 'x\u009b31my', 'x�31my'],
    [
      'a line break followed by a workflow command',
      'denied\n::error::injected',
      'denied ⏎ ::error::injected',
    ],
    ['CR LF and Unicode separators', 'a\r\nb\u2028c\u0085d', 'a ⏎ b ⏎ c ⏎ d'],
    ['bidi overrides', 'ab\u202ecd', 'ab�cd'],
    ['a workflow command at the start', '::warning::x', ': :warning::x'],
    ['tabs and runs of spaces', 'a\t\tb    c', 'a b c'],
  ])('%s', (_name, input, out) => {
    expect(oneLine(input)).toBe(out)
    expect(hasControl(oneLine(input))).toBe(false)
  })
  it('caps very long text', () => {
    expect(oneLine('x'.repeat(1000), 10)).toBe(`${'x'.repeat(9)}…`)
  })
  it('leaves ordinary text, ARNs and IPv6 alone', () => {
    for (const s of ['arn:aws:iam::123456789012:role/edge', 'http://[::1]:8200', 'p95 12 ms'])
      expect(oneLine(s)).toBe(s)
  })
})
