// The simulated API server's own reading of `?labelSelector=`, after apimachinery's labels.Parse: a lexer
// and a parser of comma-separated requirements (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`,
// `!k`). Written for the server, apart from the doctor's own selector matching, so that a bug there shows
// up as a disagreement here rather than being copied. A selector that does not parse is the API server's
// 400, which the caller turns into a Status.

type Token =
  | { readonly t: 'word'; readonly v: string }
  | { readonly t: 'op'; readonly v: '=' | '==' | '!=' | '!' | '(' | ')' | ',' }

type Requirement = (labels: Readonly<Record<string, string>>) => boolean

export class SelectorSyntaxError extends Error {}

function lex(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i] as string
    if (/\s/.test(ch)) {
      i++
      continue
    }
    const two = text.slice(i, i + 2)
    if (two === '==' || two === '!=') {
      out.push({ t: 'op', v: two })
      i += 2
    } else if ('=!(),'.includes(ch)) {
      out.push({ t: 'op', v: ch as '=' | '!' | '(' | ')' | ',' })
      i++
    } else {
      const word = /^[A-Za-z0-9._/-]+/.exec(text.slice(i))?.[0]
      if (!word) throw new SelectorSyntaxError(`unexpected character "${ch}" at ${i}`)
      out.push({ t: 'word', v: word })
      i += word.length
    }
  }
  return out
}

class Parser {
  private at = 0
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at]
  }
  private take(): Token {
    const tok = this.tokens[this.at++]
    if (!tok) throw new SelectorSyntaxError('unexpected end of selector')
    return tok
  }
  private word(): string {
    const tok = this.take()
    if (tok.t !== 'word') throw new SelectorSyntaxError(`expected a label key or value, found "${tok.v}"`)
    return tok.v
  }

  all(): Requirement[] {
    const reqs: Requirement[] = []
    while (this.peek()) {
      reqs.push(this.requirement())
      const next = this.peek()
      if (next && !(next.t === 'op' && next.v === ','))
        throw new SelectorSyntaxError(`expected "," before "${next.v}"`)
      if (next) this.take()
    }
    return reqs
  }

  private requirement(): Requirement {
    const first = this.peek()
    if (first?.t === 'op' && first.v === '!') {
      this.take()
      const key = this.word()
      return (labels) => !Object.hasOwn(labels, key)
    }
    const key = this.word()
    const op = this.peek()
    if (!op || (op.t === 'op' && op.v === ',')) return (labels) => Object.hasOwn(labels, key)
    if (op.t === 'op' && (op.v === '=' || op.v === '==' || op.v === '!=')) {
      this.take()
      const value = this.peek()?.t === 'word' ? this.word() : ''
      return op.v === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value
    }
    if (op.t === 'word' && (op.v === 'in' || op.v === 'notin')) {
      this.take()
      const values = this.set()
      return op.v === 'in'
        ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key] as string)
        : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key] as string)
    }
    throw new SelectorSyntaxError(`unexpected "${op.v}" after "${key}"`)
  }

  private set(): Set<string> {
    const open = this.take()
    if (!(open.t === 'op' && open.v === '(')) throw new SelectorSyntaxError('expected "(" after in/notin')
    const values = new Set<string>()
    for (;;) {
      const tok = this.take()
      if (tok.t === 'word') values.add(tok.v)
      else if (tok.v === ')') return values
      else if (tok.v !== ',') throw new SelectorSyntaxError(`unexpected "${tok.v}" in a value set`)
    }
  }
}

/** A predicate over an object's labels; throws SelectorSyntaxError for what the API server would reject. */
export function parseLabelSelector(text: string): (labels: Readonly<Record<string, string>>) => boolean {
  const reqs = new Parser(lex(text)).all()
  return (labels) => reqs.every((r) => r(labels))
}
