// Python literal parsing with the semantics of ast.literal_eval, used to type INI inventory values.

/** The outcome of evaluating a Python literal: ok with a value, or not a literal at all. */
export type LiteralResult = { ok: true; value: unknown } | { ok: false };

/** Thrown inside the parser when the text is not a literal; never escapes literalEval. */
class NotLiteral extends Error {}

/** What an atom was, because literal_eval's rules depend on it (only bare numbers take a sign, ...). */
type Kind = 'number' | 'signed' | 'bool' | 'none' | 'str' | 'bytes' | 'tuple' | 'list' | 'dict' | 'set';

interface Node {
  kind: Kind;
  value: unknown;
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;
const DIGITS = /\d(?:_?\d)*/y;
const EXPONENT = /[eE][+-]?\d(?:_?\d)*/y;
const PREFIX_DIGITS: Record<string, RegExp> = {
  x: /(?:_?[0-9a-fA-F])+/y,
  o: /(?:_?[0-7])+/y,
  b: /(?:_?[01])+/y,
};
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb']);
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Evaluate `text` as a Python literal (numbers, strings, bytes, True/False/None, tuples, lists, dicts, sets).
 * Tuples and sets become arrays, bytes become text. Complex numbers and `...` are reported as not-a-literal
 * because they have no JSON-like representation.
 */
export function literalEval(text: string): LiteralResult {
  // literal_eval strips leading spaces and tabs before parsing (Python >= 3.10).
  const src = text.replace(/^[ \t]+/, '');
  if (src.includes('\0')) return { ok: false };
  try {
    return { ok: true, value: new Parser(src).parseAll() };
  } catch (e) {
    if (e instanceof NotLiteral) return { ok: false };
    throw e;
  }
}

/** Like ansible's INI `_parse_value`: the literal's value, or the text unchanged when it is not a literal. */
export function pythonValue(text: string): unknown {
  const r = literalEval(text);
  return r.ok ? r.value : text;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parseAll(): unknown {
    this.skip();
    if (this.eof()) this.fail();
    const node = this.exprList();
    this.skip();
    if (!this.eof()) this.fail();
    return node.value;
  }

  private fail(): never {
    throw new NotLiteral();
  }

  private eof(): boolean {
    return this.pos >= this.src.length;
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  /** Skip blanks and comments; newlines only count as blanks inside brackets, as in Python. */
  private skip(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if ((c === '\n' || c === '\r') && this.depth > 0) this.pos++;
      else if (c === '\\' && (this.peek(1) === '\n' || this.peek(1) === '\r')) this.pos += 2;
      else if (c === '#') {
        while (!this.eof() && this.peek() !== '\n' && this.peek() !== '\r') this.pos++;
      } else return;
    }
  }

  /** expr (',' expr)* [','] — a bare comma makes a tuple. */
  private exprList(closer?: string): Node {
    const first = this.expr();
    this.skip();
    if (this.peek() !== ',') return first;
    const items = [first.value];
    while (this.peek() === ',') {
      this.pos++;
      this.skip();
      if (this.eof() || this.peek() === closer) break;
      items.push(this.expr().value);
      this.skip();
    }
    return { kind: 'tuple', value: items };
  }

  private expr(): Node {
    this.skip();
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.pos++;
      this.skip();
      const operand = this.atom();
      // literal_eval accepts a sign only directly on an int/float constant (not on bools or another sign).
      if (operand.kind !== 'number') this.fail();
      const n = operand.value as number;
      return { kind: 'signed', value: c === '-' ? (n === 0 && Number.isInteger(n) ? 0 : -n) : n };
    }
    return this.atom();
  }

  private atom(): Node {
    this.skip();
    const c = this.peek();
    if (c === '') this.fail();
    if (/\d/.test(c) || (c === '.' && /\d/.test(this.peek(1)))) return this.number();
    if (c === '"' || c === "'") return this.strings();
    if (c === '(') return this.parens();
    if (c === '[') return this.list();
    if (c === '{') return this.braces();
    if (IDENT_START.test(c)) return this.name();
    return this.fail();
  }

  private name(): Node {
    const start = this.pos;
    while (IDENT_CHAR.test(this.peek())) this.pos++;
    const word = this.src.slice(start, this.pos);
    const q = this.peek();
    if ((q === '"' || q === "'") && STRING_PREFIXES.has(word.toLowerCase())) {
      this.pos = start;
      return this.strings();
    }
    if (word === 'True') return { kind: 'bool', value: true };
    if (word === 'False') return { kind: 'bool', value: false };
    if (word === 'None') return { kind: 'none', value: null };
    if (word === 'set') {
      // literal_eval special-cases the empty call set().
      this.skip();
      if (this.peek() === '(') {
        this.pos++;
        this.depth++;
        this.skip();
        this.depth--;
        if (this.peek() === ')') {
          this.pos++;
          return { kind: 'set', value: [] };
        }
      }
    }
    return this.fail();
  }

  private number(): Node {
    const start = this.pos;
    const c1 = this.peek(1).toLowerCase();
    if (this.peek() === '0' && (c1 === 'x' || c1 === 'o' || c1 === 'b')) {
      this.pos += 2;
      const digits = this.sticky(PREFIX_DIGITS[c1]!);
      if (digits === undefined) this.fail();
      this.checkNumberEnd();
      const base = c1 === 'x' ? 16 : c1 === 'o' ? 8 : 2;
      return { kind: 'number', value: parseInt(digits.replace(/_/g, ''), base) };
    }
    const intPart = this.sticky(DIGITS);
    let isFloat = false;
    if (this.peek() === '.') {
      this.pos++;
      isFloat = true;
      this.sticky(DIGITS);
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      if (this.sticky(EXPONENT) === undefined) this.fail();
      isFloat = true;
    }
    this.checkNumberEnd();
    const text = this.src.slice(start, this.pos).replace(/_/g, '');
    // Python rejects leading zeros in decimal integers ("01"), but "00" and "01.5" are fine.
    if (!isFloat && intPart !== undefined && /^0+[1-9]/.test(intPart.replace(/_/g, ''))) this.fail();
    return { kind: 'number', value: Number(text) };
  }

  /** A number directly followed by a letter, digit, `_` or `j` (complex) is not a literal we accept. */
  private checkNumberEnd(): void {
    if (IDENT_CHAR.test(this.peek()) || this.peek() === '.') this.fail();
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** One or more adjacent string literals, concatenated; str and bytes cannot be mixed. */
  private strings(): Node {
    let kind: Kind | undefined;
    let out = '';
    for (;;) {
      const part = this.stringLiteral();
      if (kind !== undefined && kind !== part.kind) this.fail();
      kind = part.kind;
      out += part.value;
      const save = this.pos;
      this.skip();
      const c = this.peek();
      if (c === '"' || c === "'") continue;
      if (IDENT_START.test(c)) {
        let end = this.pos;
        while (IDENT_CHAR.test(this.src[end] ?? '')) end++;
        const q = this.src[end];
        if ((q === '"' || q === "'") && STRING_PREFIXES.has(this.src.slice(this.pos, end).toLowerCase()))
          continue;
      }
      this.pos = save;
      return { kind, value: out };
    }
  }

  private stringLiteral(): { kind: 'str' | 'bytes'; value: string } {
    let prefix = '';
    while (/[A-Za-z]/.test(this.peek())) prefix += this.src[this.pos++];
    const p = prefix.toLowerCase();
    if (!STRING_PREFIXES.has(p)) this.fail();
    const raw = p.includes('r');
    const bytes = p.includes('b');
    const q = this.peek();
    const triple = this.src.startsWith(q.repeat(3), this.pos);
    const delim = triple ? q.repeat(3) : q;
    this.pos += delim.length;
    const units: number[] = []; // code points for str, byte values for bytes
    const push = (s: string): void => {
      for (const ch of s) units.push(ch.codePointAt(0)!);
    };
    for (;;) {
      if (this.eof()) this.fail();
      if (this.src.startsWith(delim, this.pos)) {
        this.pos += delim.length;
        break;
      }
      const c = this.src[this.pos]!;
      if (!triple && (c === '\n' || c === '\r')) this.fail();
      if (bytes && c.charCodeAt(0) > 0x7f) this.fail();
      if (c !== '\\') {
        push(c);
        this.pos++;
        continue;
      }
      const n = this.peek(1);
      if (n === '') this.fail();
      if (raw) {
        // In raw strings a backslash stays, but still stops the next character from closing the string.
        push(c + n);
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      if (n === '\n') continue;
      if (n === '\r') {
        if (this.peek() === '\n') this.pos++;
        continue;
      }
      const simple = SIMPLE_ESCAPES[n];
      if (simple !== undefined) {
        push(simple);
      } else if (/[0-7]/.test(n)) {
        let oct = n;
        while (oct.length < 3 && /[0-7]/.test(this.peek())) oct += this.src[this.pos++];
        const v = parseInt(oct, 8);
        if (bytes && v > 0xff) this.fail();
        units.push(v);
      } else if (n === 'x') {
        units.push(this.hexEscape(2));
      } else if (!bytes && n === 'u') {
        units.push(this.hexEscape(4));
      } else if (!bytes && n === 'U') {
        const v = this.hexEscape(8);
        if (v > 0x10ffff) this.fail();
        units.push(v);
      } else if (!bytes && n === 'N') {
        // \N{NAME} needs the Unicode name database; treat as not a literal (the raw text is kept).
        this.fail();
      } else {
        push('\\' + n);
      }
    }
    if (bytes) return { kind: 'bytes', value: Buffer.from(units).toString('utf8') };
    return { kind: 'str', value: units.map((u) => String.fromCodePoint(u)).join('') };
  }

  private hexEscape(len: number): number {
    const hex = this.src.slice(this.pos, this.pos + len);
    if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) this.fail();
    this.pos += len;
    return parseInt(hex, 16);
  }

  private parens(): Node {
    this.pos++;
    this.depth++;
    this.skip();
    if (this.peek() === ')') {
      this.pos++;
      this.depth--;
      return { kind: 'tuple', value: [] };
    }
    const inner = this.exprList(')');
    this.skip();
    if (this.peek() !== ')') this.fail();
    this.pos++;
    this.depth--;
    return inner;
  }

  private list(): Node {
    this.pos++;
    this.depth++;
    const items = this.items(']');
    this.depth--;
    return { kind: 'list', value: items.map((n) => n.value) };
  }

  /** Comma-separated expressions up to `closer`, with an optional trailing comma. */
  private items(closer: string): Node[] {
    const items: Node[] = [];
    for (;;) {
      this.skip();
      if (this.peek() === closer) {
        this.pos++;
        return items;
      }
      items.push(this.expr());
      this.skip();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== closer) this.fail();
    }
  }

  private braces(): Node {
    this.pos++;
    this.depth++;
    this.skip();
    if (this.peek() === '}') {
      this.pos++;
      this.depth--;
      return { kind: 'dict', value: {} };
    }
    const first = this.expr();
    this.skip();
    if (this.peek() !== ':') {
      // A set: keep it as a list of unique members.
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail();
      const members = [first, ...this.items('}')];
      this.depth--;
      const unique = new Map<string, unknown>();
      for (const m of members) {
        const k = `${typeof m.value}:${hashKey(m)}`;
        if (!unique.has(k)) unique.set(k, m.value);
      }
      return { kind: 'set', value: [...unique.values()] };
    }
    const dict: Record<string, unknown> = {};
    let key: Node = first;
    for (;;) {
      this.pos++; // the ':'
      defineKey(dict, hashKey(key), this.expr().value);
      this.skip();
      if (this.peek() === ',') {
        this.pos++;
        this.skip();
      } else if (this.peek() !== '}') this.fail();
      if (this.peek() === '}') {
        this.pos++;
        this.depth--;
        return { kind: 'dict', value: dict };
      }
      key = this.expr();
      this.skip();
      if (this.peek() !== ':') this.fail();
    }
  }
}

/** The string a dict key becomes (Python keys can be numbers, bools, None or tuples); unhashables fail. */
function hashKey(node: Node): string {
  switch (node.kind) {
    case 'str':
    case 'bytes':
      return node.value as string;
    case 'number':
    case 'signed':
      return String(node.value);
    case 'bool':
      return node.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return `(${(node.value as unknown[]).map((v) => reprScalar(v)).join(', ')})`;
    default:
      throw new NotLiteral();
  }
}

function reprScalar(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  // Lists and dicts inside a tuple key make it unhashable in Python.
  throw new NotLiteral();
}

/** Set a key without ever touching Object.prototype (a key may be "__proto__"). */
function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
