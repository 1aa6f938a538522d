// Python's json.dumps: separators, ensure_ascii escaping, sort_keys, float repr.
import { fail } from '../fault.js';
import { floatRepr, pyStr } from './repr.js';
import { isDict, PyFloat, Undef } from './values.js';

export interface DumpOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

function quote(s: string, ascii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || (ascii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function keyStr(k: string): string {
  return k;
}

/** json.dumps(value, ...) with Python's defaults. */
export function pyJsonDumps(value: unknown, opts: DumpOptions = {}): string {
  const ascii = opts.ensureAscii ?? true;
  const indent =
    opts.indent === null || opts.indent === undefined
      ? undefined
      : typeof opts.indent === 'number'
        ? ' '.repeat(opts.indent)
        : opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
  const enc = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return quote(v, ascii);
    if (typeof v === 'number' || v instanceof PyFloat) {
      const n = Number(v);
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
      return v instanceof PyFloat || !Number.isInteger(n) ? floatRepr(n) : String(n);
    }
    if (v instanceof Undef) v.fail();
    const nl = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    const close = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${nl}${v.map((x) => enc(x, depth + 1)).join(itemSep + nl)}${close}]`;
    }
    if (isDict(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) return '{}';
      if (opts.sortKeys) keys.sort();
      return `{${nl}${keys.map((k) => `${quote(keyStr(k), ascii)}${keySep}${enc(v[k], depth + 1)}`).join(itemSep + nl)}${close}}`;
    }
    if (v instanceof Date) return quote(v.toISOString(), ascii);
    if (typeof v === 'object' && v !== null && 'text' in v) return quote(pyStr(v), ascii);
    return fail(`Object of type ${typeof v} is not JSON serializable`);
  };
  return enc(value, 0);
}
