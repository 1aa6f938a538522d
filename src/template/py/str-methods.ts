// Python str methods callable from templates ('a,b'.split(','), name.startswith('web')).
import { fail } from '../fault.js';
import { iterate } from './ops.js';
import { strFormat } from './format.js';
import { pyStr } from './repr.js';
import { defined, num, tuple, type Kwargs } from './values.js';

const WS =
  ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function charSet(chars: unknown): string {
  return chars === null || chars === undefined ? WS : String(defined(chars));
}

export function pyStrip(s: string, chars?: unknown, left = true, right = true): string {
  const set = charSet(chars);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** str.split(sep=None, maxsplit=-1). */
export function pySplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  let max = maxsplit === undefined || maxsplit === null ? -1 : num(maxsplit);
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = pyStrip(s, undefined, true, false);
    while (rest !== '') {
      if (max === 0) {
        out.push(pyStrip(rest, undefined, false, true));
        break;
      }
      const m = /[\s\x1c-\x1f\x85]+/.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
      max--;
    }
    return out;
  }
  const sp = String(sep);
  if (sp === '') fail('empty separator');
  const parts = s.split(sp);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(sp)];
}

function pyRsplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : num(maxsplit);
  if (max < 0) return pySplit(s, sep);
  if (sep === undefined || sep === null) {
    const words = pySplit(s);
    if (words.length <= max + 1) return words;
    const tail = words.slice(words.length - max);
    let head = pyStrip(s, undefined, false, true);
    for (let i = tail.length - 1; i >= 0; i--)
      head = pyStrip(head.slice(0, head.lastIndexOf(tail[i]!)), undefined, false, true);
    return [head, ...tail];
  }
  const sp = String(sep);
  const parts = s.split(sp);
  if (parts.length <= max + 1) return parts;
  return [parts.slice(0, parts.length - max).join(sp), ...parts.slice(parts.length - max)];
}

function affix(s: string, x: unknown, start: boolean): boolean {
  const options = Array.isArray(x) ? x : [x];
  return options.some((o) => (start ? s.startsWith(String(defined(o))) : s.endsWith(String(defined(o)))));
}

function index(s: string, sub: unknown, from: boolean): number {
  const i = from ? s.indexOf(String(sub)) : s.lastIndexOf(String(sub));
  if (i < 0) fail('substring not found');
  return i;
}

function pad(s: string, width: unknown, fill: unknown, where: 'l' | 'r' | 'c'): string {
  const w = num(width);
  const f = fill === undefined ? ' ' : String(fill);
  if (s.length >= w) return s;
  const gap = w - s.length;
  if (where === 'l') return s + f.repeat(gap);
  if (where === 'r') return f.repeat(gap) + s;
  const left = Math.floor(gap / 2) + (gap % 2 && w % 2 ? 1 : 0);
  return f.repeat(left) + s + f.repeat(gap - left);
}

/** Python's str.title(): every run of letters starts upper-case. */
export function pyTitle(s: string): string {
  return s
    .toLowerCase()
    .replace(
      /(^|[^A-Za-z\u00C0-\uFFFF])([a-z\u00DF-\uFFFF])/g,
      (_, pre: string, c: string) => pre + c.toUpperCase(),
    );
}

export function pyCapitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

export function pySplitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

type Method = (s: string, args: unknown[], kw: Kwargs) => unknown;

export const STR_METHODS: Record<string, Method> = {
  split: (s, [sep, max], kw) => pySplit(s, kw.sep ?? sep, kw.maxsplit ?? max),
  rsplit: (s, [sep, max], kw) => pyRsplit(s, kw.sep ?? sep, kw.maxsplit ?? max),
  strip: (s, [chars]) => pyStrip(s, chars),
  lstrip: (s, [chars]) => pyStrip(s, chars, true, false),
  rstrip: (s, [chars]) => pyStrip(s, chars, false, true),
  startswith: (s, [x]) => affix(s, x, true),
  endswith: (s, [x]) => affix(s, x, false),
  replace: (s, [old, nw, count]) => {
    const o = pyStr(defined(old));
    const n = pyStr(defined(nw));
    let c = count === undefined ? -1 : num(count);
    if (c < 0) return s.split(o).join(n);
    let out = '';
    let rest = s;
    while (c-- > 0) {
      const i = rest.indexOf(o);
      if (i < 0) break;
      out += rest.slice(0, i) + n;
      rest = rest.slice(i + o.length);
      if (o === '') {
        out += rest.charAt(0);
        rest = rest.slice(1);
      }
    }
    return out + rest;
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  format: (s, args, kw) => strFormat(s, args, kw),
  join: (s, [items]) =>
    iterate(defined(items))
      .map((x) =>
        typeof x === 'string' ? x : fail(`sequence item: expected str instance, ${typeof x} found`),
      )
      .join(s),
  find: (s, [sub]) => s.indexOf(String(sub)),
  rfind: (s, [sub]) => s.lastIndexOf(String(sub)),
  index: (s, [sub]) => index(s, sub, true),
  rindex: (s, [sub]) => index(s, sub, false),
  count: (s, [sub]) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  splitlines: (s, [keep], kw) => pySplitlines(s, Boolean(kw.keepends ?? keep)),
  isdigit: (s) => /^\d+$/.test(s),
  isdecimal: (s) => /^\d+$/.test(s),
  isnumeric: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  istitle: (s) => /\p{L}/u.test(s) && s === pyTitle(s),
  center: (s, [w, f]) => pad(s, w, f, 'c'),
  ljust: (s, [w, f]) => pad(s, w, f, 'l'),
  rjust: (s, [w, f]) => pad(s, w, f, 'r'),
  zfill: (s, [w]) => {
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(num(w) - sign.length, '0');
  },
  partition: (s, [sep]) => {
    const i = s.indexOf(String(sep));
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
  rpartition: (s, [sep]) => {
    const i = s.lastIndexOf(String(sep));
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
  encode: (s) => s,
  decode: (s) => s,
};
