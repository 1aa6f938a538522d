// nunjucks' parser with Jinja2's grammar where they differ: tests with bare arguments, slices, tuples,
// float literals, `x.0`, expressions as dict keys, and raw blocks that honour trim_blocks.
import { mkFloat } from '../py/values.js';
import type { JNode, Token } from './ast.js';
import { node, ParserClass, type ParserBase } from './nunjucks-internals.js';
import { makeTokenizer, type LexOptions } from './tokenizer.js';

const CLOSERS: Record<string, string> = {
  'left-paren': 'right-paren',
  'left-bracket': 'right-bracket',
  'left-curly': 'right-curly',
};
const ARG_START = new Set(['string', 'int', 'float', 'boolean', 'none', 'left-bracket', 'left-curly']);
const NOT_AN_ARG = new Set(['else', 'or', 'and', 'if', 'is', 'in', 'not']);

/** Jinja lets a test take one argument without parentheses: `x is divisibleby 3`, `x is sameas none`. */
function startsBareArgument(tok: Token | null): boolean {
  if (!tok) return false;
  if (ARG_START.has(tok.type)) return true;
  return tok.type === 'symbol' && !NOT_AN_ARG.has(tok.value);
}

class JinjaParser extends (ParserClass as unknown as new (tokens: unknown) => ParserBase) {
  override parsePrimary(noPostfix?: boolean): JNode {
    const tok = this.peekToken();
    if (tok && tok.type === 'float') {
      this.nextToken();
      const lit = node('Literal', tok.lineno, tok.colno, mkFloat(Number(tok.value)));
      return noPostfix ? lit : this.parsePostfix(lit);
    }
    return super.parsePrimary(noPostfix);
  }

  /** nunjucks' argument list plus Jinja's `*args` and `**kwargs`. */
  override parseSignature(tolerant?: boolean, noParens?: boolean): JNode {
    let tok = this.peekToken();
    if (!noParens && tok?.type !== 'left-paren') {
      if (tolerant) return null as unknown as JNode;
      return this.fail('expected arguments', tok?.lineno, tok?.colno);
    }
    if (tok?.type === 'left-paren') tok = this.nextToken();
    const args = node('NodeList', tok!.lineno, tok!.colno, []);
    const kwargs = node('KeywordArgs', tok!.lineno, tok!.colno, []);
    let checkComma = false;
    for (;;) {
      tok = this.peekToken();
      if (!tok) return this.fail('unexpected end of arguments');
      if (!noParens && tok.type === 'right-paren') {
        this.nextToken();
        break;
      }
      if (noParens && tok.type === 'block-end') break;
      if (checkComma && !this.skip('comma'))
        return this.fail('expected comma after expression', tok.lineno, tok.colno);
      const star = this.peekToken();
      let splat: 1 | 2 | undefined;
      if (star?.type === 'operator' && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        splat = star.value === '*' ? 1 : 2;
        // A lexer that splits `**` into two `*` tokens gives a second star here.
        const again = this.peekToken();
        if (splat === 1 && again?.type === 'operator' && again.value === '*') {
          this.nextToken();
          splat = 2;
        }
      }
      const arg = this.parseExpression();
      if (splat) {
        arg.splat = splat;
        (args.children as JNode[]).push(arg);
      } else if (this.skipValue('operator', '=')) {
        (kwargs.children as JNode[]).push(node('Pair', arg.lineno, arg.colno, arg, this.parseExpression()));
      } else {
        (args.children as JNode[]).push(arg);
      }
      checkComma = true;
    }
    if ((kwargs.children as JNode[]).length) (args.children as JNode[]).push(kwargs);
    return args;
  }

  parsePostfix(target: JNode): JNode {
    let n = target;
    for (;;) {
      const tok = this.peekToken();
      if (!tok) return n;
      if (tok.type === 'left-paren') {
        n = node('FunCall', tok.lineno, tok.colno, n, this.parseSignature());
      } else if (tok.type === 'left-bracket') {
        n = this.parseSubscript(n);
      } else if (tok.type === 'operator' && tok.value === '.') {
        this.nextToken();
        n = this.parseDotted(n, tok);
      } else {
        return n;
      }
    }
  }

  private attr(target: JNode, at: Token, key: unknown): JNode {
    const lookup = node('LookupVal', at.lineno, at.colno, target, node('Literal', at.lineno, at.colno, key));
    lookup.dot = true;
    return lookup;
  }

  private parseDotted(target: JNode, at: Token): JNode {
    const name = this.nextToken();
    if (!name) return this.fail('expected name after "."', at.lineno, at.colno);
    if (name.type === 'symbol' || name.type === 'boolean' || name.type === 'none')
      return this.attr(target, at, name.value);
    if (name.type === 'int') return this.attr(target, at, Number(name.value));
    if (name.type === 'float') {
      // `x.0.1` lexes as x . 0.1, and `x.0.y` as x . "0." y
      const [a = '', b = ''] = name.value.split('.');
      let n = this.attr(target, at, Number(a));
      if (b !== '') return this.attr(n, at, Number(b));
      const next = this.nextToken();
      if (!next || next.type !== 'symbol') return this.fail('expected name after "."', at.lineno, at.colno);
      n = this.attr(n, at, next.value);
      return n;
    }
    return this.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
  }

  private parseSubscript(target: JNode): JNode {
    const open = this.nextToken()!;
    let start: JNode | null = null;
    if (this.peekToken()?.type !== 'colon') start = this.parseExpression();
    let val: JNode | null = start;
    if (this.skip('colon')) {
      let stop: JNode | null = null;
      let step: JNode | null = null;
      const t = this.peekToken()?.type;
      if (t !== 'colon' && t !== 'right-bracket') stop = this.parseExpression();
      if (this.skip('colon') && this.peekToken()?.type !== 'right-bracket') step = this.parseExpression();
      val = { typename: 'Slice', lineno: open.lineno, colno: open.colno, start, stop, step };
    }
    if (!this.skip('right-bracket') || !val) return this.fail('expected "]"', open.lineno, open.colno);
    return node('LookupVal', open.lineno, open.colno, target, val);
  }

  parseAggregate(): JNode | null {
    const tok = this.nextToken();
    const closer = tok ? CLOSERS[tok.type] : undefined;
    if (!tok || !closer) return null;
    const kind = tok.type === 'left-paren' ? 'Group' : tok.type === 'left-bracket' ? 'Array' : 'Dict';
    const items: JNode[] = [];
    let sawComma = false;
    for (;;) {
      if (this.skip(closer)) break;
      if (items.length > 0) {
        if (!this.skip('comma')) this.fail('expected comma after expression', tok.lineno, tok.colno);
        sawComma = true;
        if (this.skip(closer)) break;
      }
      if (kind === 'Dict') {
        const key = this.parseExpression();
        if (!this.skip('colon')) this.fail('expected colon after dict key', tok.lineno, tok.colno);
        items.push(node('Pair', key.lineno, key.colno, key, this.parseExpression()));
      } else {
        items.push(this.parseExpression());
      }
    }
    const agg = node(kind, tok.lineno, tok.colno, items);
    if (kind === 'Group' && (items.length !== 1 || sawComma)) agg.tuple = true;
    return agg;
  }

  parseIs(): JNode {
    let n = this.parseCompare();
    if (!this.skipSymbol('is')) return n;
    const negate = this.skipSymbol('not');
    const nameTok = this.nextToken();
    if (!nameTok || !['symbol', 'boolean', 'none'].includes(nameTok.type)) {
      return this.fail(
        `expected a test name after "is", got ${nameTok?.value ?? 'end of template'}`,
        n.lineno,
        n.colno,
      );
    }
    let name = nameTok.value;
    while (this.skipValue('operator', '.')) name += `.${this.expect('symbol').value}`;
    const sym = node('Symbol', nameTok.lineno, nameTok.colno, name);
    let test: JNode = sym;
    const next = this.peekToken();
    if (next?.type === 'left-paren') {
      test = node('FunCall', nameTok.lineno, nameTok.colno, sym, this.parseSignature());
    } else if (startsBareArgument(next)) {
      const arg = this.parsePrimary();
      test = node(
        'FunCall',
        nameTok.lineno,
        nameTok.colno,
        sym,
        node('NodeList', arg.lineno, arg.colno, [arg]),
      );
    }
    n = node('Is', n.lineno, n.colno, n, test);
    return negate ? node('Not', n.lineno, n.colno, n) : n;
  }

  parseFilterArgs(): JNode[] {
    if (this.peekToken()?.type !== 'left-paren') return [];
    return this.parseSignature().children ?? [];
  }

  parseRaw(tagName = 'raw'): JNode {
    const endTag = `end${tagName}`;
    const begun = this.advanceAfterBlockEnd();
    const re = new RegExp(`^([\\s\\S]*?)\\{%(-?)\\s*(${tagName}|${endTag})\\s*(-?)%\\}`);
    let level = 1;
    let text = '';
    for (;;) {
      const m = this.tokens._extractRegex(re);
      if (!m) return this.fail(`unexpected end of template, expected '${endTag}'`, begun.lineno, begun.colno);
      const [all = '', pre = '', leftTrim, name, rightTrim] = m;
      if (name === tagName) level++;
      else level--;
      if (level > 0) {
        text += all;
        continue;
      }
      text += leftTrim ? pre.replace(/\s+$/, '') : pre;
      if (rightTrim) while (/\s/.test(this.tokens.current())) this.tokens.forward();
      else if (this.tokens.current() === '\n') this.tokens.forward();
      break;
    }
    if (this.dropLeadingWhitespace) {
      text = text.replace(/^\s*/, '');
      this.dropLeadingWhitespace = false;
    }
    return node('Output', begun.lineno, begun.colno, [node('TemplateData', begun.lineno, begun.colno, text)]);
  }
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, JNode>();

/** Parse a template text to its AST, memoised by text and lexing mode. */
export function parseTemplate(src: string, opts: LexOptions): JNode {
  const key = (opts.rawVariableStrings ? 'r' : 'p') + src;
  const hit = cache.get(key);
  if (hit) return hit;
  const parser = new JinjaParser(makeTokenizer(src, opts));
  const root = parser.parseAsRoot();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, root);
  return root;
}
