// nunjucks' tokenizer adjusted per instance to lex like Jinja2 as Ansible configures it.
import { unescapePython } from '../py/strings.js';
import { lexer, type Tokenizer } from './nunjucks-internals.js';

export interface LexOptions {
  /**
   * Ansible doubles backslashes inside `{{ }}` before Jinja sees a task string, so there string literals
   * keep backslashes verbatim ('\d' stays \d); elsewhere Python escapes apply.
   */
  rawVariableStrings: boolean;
}

function readString(tok: Tokenizer, delim: string, raw: boolean): string {
  tok.forward();
  let body = '';
  while (!tok.isFinished() && tok.current() !== delim) {
    const c = tok.current();
    body += c;
    tok.forward();
    if (c === '\\' && !raw && !tok.isFinished()) {
      body += tok.current();
      tok.forward();
    }
  }
  if (tok.isFinished()) throw new Error('unexpected end of template, expected the end of a string literal');
  tok.forward();
  return raw ? body : unescapePython(body);
}

/** A nunjucks tokenizer with trim_blocks on, Python string escapes, and Jinja's comment trimming. */
export function makeTokenizer(src: string, opts: LexOptions): Tokenizer {
  const tok = lexer.lex(src, { trimBlocks: true, lstripBlocks: false });
  const next = tok.nextToken.bind(tok);
  let inVariable = false;
  let curlies = 0;
  tok._parseString = (delim: string) => readString(tok, delim, opts.rawVariableStrings && inVariable);
  tok.nextToken = () => {
    // Like Jinja, a `}` that closes a dict literal is not the start of `}}`.
    if (curlies > 0 && tok.in_code && tok.current() === '}') {
      const at = { lineno: tok.lineno, colno: tok.colno };
      tok.forward();
      curlies--;
      return { type: 'right-curly', value: '}', ...at };
    }
    // `+%}` keeps the newline that trim_blocks would eat.
    if (tok.in_code && tok.str.startsWith('+%}', tok.index)) {
      const at = { lineno: tok.lineno, colno: tok.colno };
      for (let i = 0; i < 3; i++) tok.forward();
      tok.in_code = false;
      return { type: 'block-end', value: '%}', ...at };
    }
    const t = next();
    if (!t) return t;
    // `{%+` only matters with lstrip_blocks, which Ansible leaves off.
    if (t.type === 'block-start' && tok.current() === '+') tok.forward();
    if (t.type === 'left-curly') curlies++;
    else if (t.type === 'right-curly') curlies--;
    else if (t.type === 'variable-start') inVariable = true;
    else if (t.type === 'block-start') inVariable = false;
    else if (t.type === 'comment') {
      // Jinja's trim_blocks also eats the newline after a comment.
      if (tok.current() === '\n') tok.forward();
    } else if (t.type === 'symbol' && /^\d+[eE]\d*$/.test(t.value)) {
      // nunjucks has no exponent floats: 1e3 lexes as a symbol, 1e-3 as symbol + operator.
      let value = t.value;
      if (/[eE]$/.test(value)) {
        const m = /^[-+]\d+/.exec(tok.str.slice(tok.index));
        if (!m) return t;
        for (let i = 0; i < m[0].length; i++) tok.forward();
        value += m[0];
      }
      return { ...t, type: 'float', value };
    }
    return t;
  };
  return tok;
}
