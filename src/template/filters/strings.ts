// String filters: case, trim/replace/split/join, layout (indent, center, truncate, wordwrap), format, comment, quote.
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { list, optBool, optNum, str } from '../py/coerce.js';
import { percentFormat } from '../py/format.js';
import { pyCapitalize, pySplit, pySplitlines, pyStrip, STR_METHODS } from '../py/str-methods.js';
import { tuple, type Kwargs } from '../py/values.js';
import { attrGetter } from './attr-getter.js';

/** Jinja's title filter: words start after whitespace, '-', and opening brackets. */
function title(s: string): string {
  return s
    .split(/([-\s({[<]+)/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

function indent(s: string, [width, first, blank]: unknown[]): string {
  const ind = typeof width === 'string' ? width : ' '.repeat(optNum(width, 4));
  const lines = pySplitlines(`${s}\n`);
  let rv: string;
  if (optBool(blank, false)) rv = lines.join(`\n${ind}`);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += `\n${lines.map((l) => (l ? ind + l : l)).join('\n')}`;
  }
  return optBool(first, false) ? ind + rv : rv;
}

function truncate(s: string, [length, killwords, end, leeway]: unknown[]): string {
  const len = optNum(length, 255);
  const e = end === undefined ? '...' : str(end);
  const lw = optNum(leeway, 5);
  if (len < e.length) fail(`expected length >= ${e.length}, got ${len}`);
  if (s.length <= len + lw) return s;
  if (optBool(killwords, false)) return s.slice(0, len - e.length) + e;
  const head = s.slice(0, len - e.length);
  const i = head.lastIndexOf(' ');
  return (i < 0 ? head : head.slice(0, i)) + e;
}

function wrapLine(line: string, width: number, breakLong: boolean): string[] {
  const words = line.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  let cur = '';
  for (let w of words) {
    while (breakLong && w.length > width) {
      const room = cur ? width - cur.length - 1 : width;
      if (room <= 0) {
        out.push(cur);
        cur = '';
        continue;
      }
      out.push(cur ? `${cur} ${w.slice(0, room)}` : w.slice(0, room));
      cur = '';
      w = w.slice(room);
    }
    if (!cur) cur = w;
    else if (cur.length + 1 + w.length <= width) cur += ` ${w}`;
    else {
      out.push(cur);
      cur = w;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function wordwrap(s: string, [width, breakLong, wrapstring]: unknown[]): string {
  const sep = wrapstring === undefined || wrapstring === null ? '\n' : str(wrapstring);
  const w = optNum(width, 79);
  return pySplitlines(s)
    .map((line) => wrapLine(line, w, optBool(breakLong, true)).join(sep))
    .join(sep);
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: wrap text in a comment block of the given style. */
function comment(text: string, style: string, kw: Kwargs): string {
  const st =
    (Object.prototype.hasOwnProperty.call(COMMENT_STYLES, style) ? COMMENT_STYLES[style] : undefined) ??
    fail(`unknown comment style '${style}'`);
  const around = (kw.decoration === undefined ? st.decoration! : str(kw.decoration)).trimEnd();
  const p: Record<string, string> = {
    newline: '\n',
    beginning: '',
    prefix: around,
    prefix_count: '1',
    decoration: '',
    postfix: around,
    postfix_count: '1',
    end: '',
    ...st,
    ...Object.fromEntries(Object.entries(kw).map(([k, v]) => [k, str(v)])),
  };
  const nl = p.newline!;
  const deco = p.decoration!;
  const beginning = p.beginning ? p.beginning + nl : '';
  const prefix = p.prefix ? (p.prefix === nl ? nl : p.prefix + nl).repeat(Number(p.prefix_count)) : '';
  const body = (deco + text.split(nl).join(nl + deco)).split(deco + nl).join(deco.trimEnd() + nl);
  const postfix = ['', ...Array.from({ length: Number(p.postfix_count) }, () => p.postfix!)].join(nl);
  const end = p.end ? nl + p.end : '';
  return beginning + prefix + body + postfix + end;
}

/** shlex.quote. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function center(s: string, width: unknown): string {
  return STR_METHODS.center!(s, [optNum(width, 80)], {}) as string;
}

function join(value: unknown, [d, attribute]: unknown[]): string {
  let items = list(value);
  if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
  return items.map((x) => str(x)).join(d === undefined ? '' : str(d));
}

const s = (v: unknown) => str(v);

export const STRING_FILTERS: Record<string, FilterSpec> = {
  lower: filter([], (v) => s(v).toLowerCase()),
  upper: filter([], (v) => s(v).toUpperCase()),
  capitalize: filter([], (v) => pyCapitalize(s(v))),
  title: filter([], (v) => title(s(v))),
  trim: filter(['chars'], (v, [chars]) => pyStrip(s(v), chars)),
  replace: filter(
    ['old', 'new', 'count'],
    (v, [o, n, c]) => STR_METHODS.replace!(s(v), [o, n, c ?? undefined], {}),
    { required: 2 },
  ),
  split: filter(['separator', 'maxsplit'], (v, [sep, max]) => pySplit(s(v), sep, max)),
  join: filter(['d', 'attribute'], join),
  center: filter(['width'], (v, [w]) => center(s(v), w)),
  wordcount: filter([], (v) => (s(v).match(/\w+/gu) ?? []).length),
  truncate: filter(['length', 'killwords', 'end', 'leeway'], (v, a) => truncate(s(v), a)),
  indent: filter(['width', 'first', 'blank'], (v, a) => indent(s(v), a)),
  wordwrap: filter(['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], (v, a) =>
    wordwrap(s(v), a),
  ),
  striptags: filter([], (v) =>
    s(v)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  ),
  format: {
    fn: (_rt, v, args, kw) => percentFormat(s(v), Object.keys(kw).length ? kw : tuple(args)),
  },
  comment: {
    fn: (_rt, v, args, kw) => {
      const { style, ...rest } = kw;
      return comment(s(v), str(style ?? args[0] ?? 'plain'), rest);
    },
  },
  quote: filter([], (v) => shellQuote(v === null ? '' : s(v))),
};
