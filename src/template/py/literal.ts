// A small ast.literal_eval: how Ansible turns rendered text that looks like a list/dict/bool back into data.
// Numbers come back as plain JS numbers (2.0 becomes 2): the result leaves the template engine.
import { decodeEscape } from './strings.js';
import { tuple } from './values.js';
import { pyStr } from './repr.js';

class NotLiteral extends Error {}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): unknown {
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) throw new NotLiteral();
    return v;
  }

  private ws(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.i++;
      else if (c === '#') while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  private peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }

  private eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(ch: string): void {
    if (!this.eat(ch)) throw new NotLiteral();
  }

  private value(): unknown {
    const c = this.peek();
    if (c === '[') return this.seq(']', false);
    if (c === '(') return this.seq(')', true);
    if (c === '{') return this.dict();
    if (c === '-' || c === '+') {
      this.i++;
      const v = this.value();
      if (typeof v === 'number') return c === '-' ? -v : v;
      throw new NotLiteral();
    }
    if (/[0-9.]/.test(c)) return this.number();
    const word = /^[A-Za-z_][A-Za-z_0-9]*/.exec(this.s.slice(this.i))?.[0];
    if (word !== undefined) {
      const q = this.s[this.i + word.length];
      if ((q === "'" || q === '"') && /^[rRbBuU]{1,2}$/.test(word)) {
        this.i += word.length;
        return this.strings(word.toLowerCase().includes('r'));
      }
      this.i += word.length;
      if (word === 'True' || word === 'true') return true;
      if (word === 'False' || word === 'false') return false;
      if (word === 'None' || word === 'null') return null;
      throw new NotLiteral();
    }
    if (c === "'" || c === '"') return this.strings(false);
    throw new NotLiteral();
  }

  private seq(close: string, isTuple: boolean): unknown {
    this.i++;
    const items: unknown[] = [];
    let sawComma = false;
    while (!this.eat(close)) {
      if (items.length > 0) {
        this.expect(',');
        sawComma = true;
        if (this.eat(close)) break;
      }
      items.push(this.value());
    }
    if (!isTuple) return items;
    if (items.length === 1 && !sawComma) return items[0];
    return tuple(items);
  }

  private dict(): unknown {
    this.i++;
    const obj: Record<string, unknown> = {};
    const set: unknown[] = [];
    let isSet = false;
    let first = true;
    while (!this.eat('}')) {
      if (!first) {
        this.expect(',');
        if (this.eat('}')) break;
      }
      const key = this.value();
      if (first && this.peek() !== ':') isSet = true;
      first = false;
      if (isSet) {
        set.push(key);
        continue;
      }
      this.expect(':');
      if (typeof key === 'object' && key !== null && !Array.isArray(key)) throw new NotLiteral();
      obj[pyStr(key)] = this.value();
    }
    return isSet ? set : obj;
  }

  private number(): unknown {
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX][0-9a-fA-F_]+|^0[oO][0-7_]+|^0[bB][01_]+|^(?:\d[\d_]*)?(?:\.\d[\d_]*|\.)?(?:[eE][-+]?\d+)?/.exec(
        rest,
      );
    const text = m?.[0] ?? '';
    if (text === '' || text === '.') throw new NotLiteral();
    this.i += text.length;
    if (/[jJ]/.test(this.s[this.i] ?? '')) throw new NotLiteral();
    const clean = text.replace(/_/g, '');
    if (/^0[xX]/.test(clean)) return parseInt(clean.slice(2), 16);
    if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
    if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
    if (/[.eE]/.test(clean)) return Number(clean);
    if (/^0\d/.test(clean)) throw new NotLiteral();
    return Number(clean);
  }

  /** One or more adjacent string literals ('a' 'b' concatenates). */
  private strings(raw: boolean): string {
    let out = this.string(raw);
    for (;;) {
      const c = this.peek();
      const prefix = /^[rRbBuU]{0,2}(?=['"])/.exec(this.s.slice(this.i))?.[0];
      if (prefix === undefined || (prefix === '' && c !== "'" && c !== '"')) return out;
      this.i += prefix.length;
      out += this.string(prefix.toLowerCase().includes('r'));
    }
  }

  private string(raw: boolean): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw new NotLiteral();
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const ch = this.s[this.i]!;
      if (ch === '\n' && !triple) throw new NotLiteral();
      if (ch === '\\') {
        if (raw) {
          out += ch + (this.s[this.i + 1] ?? '');
          this.i += 2;
          continue;
        }
        const [text, used] = decodeEscape(this.s, this.i + 1);
        out += text;
        this.i += 1 + used;
        continue;
      }
      out += ch;
      this.i++;
    }
  }
}

/** Parse a Python literal; undefined when the text is not one. */
export function literalEval(text: string): { value: unknown } | undefined {
  try {
    return { value: new LiteralParser(text).parseAll() };
  } catch (e) {
    if (e instanceof NotLiteral || e instanceof RangeError) return undefined;
    throw e;
  }
}
