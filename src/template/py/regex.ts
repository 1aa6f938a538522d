// Python `re` semantics on top of JS RegExp: syntax translation, re.match/search/findall/sub.
import { fail } from '../fault.js';
import { tuple } from './values.js';

export interface PyReFlags {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

const cache = new Map<string, RegExp>();

/** Translate Python pattern syntax that JS spells differently; leading (?imsx) become flags. */
function translate(pattern: string, flags: PyReFlags): { source: string; flags: string } {
  let p = pattern;
  let fl = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(p);
  let verbose = false;
  if (lead) {
    p = p.slice(lead[0].length);
    for (const c of lead[1]!) {
      if (c === 'i') fl += 'i';
      if (c === 'm') fl += 'm';
      if (c === 's') fl += 's';
      if (c === 'x') verbose = true;
    }
  }
  if (flags.ignorecase && !fl.includes('i')) fl += 'i';
  if (flags.multiline && !fl.includes('m')) fl += 'm';
  if (flags.dotall && !fl.includes('s')) fl += 's';
  const multiline = fl.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i++;
      if (!inClass && n === 'A') out += '^(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += `\\${p[++i]}`;
      continue;
    }
    if (verbose && /\s/.test(c)) continue;
    if (verbose && c === '#') {
      while (i < p.length && p[i] !== '\n') i++;
      continue;
    }
    if (c === '(' && p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    if (c === '(' && p.startsWith('(?#', i)) {
      i = p.indexOf(')', i);
      continue;
    }
    // Python's $ also matches just before a final newline.
    if (c === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  return { source: out, flags: fl };
}

/** Compile a Python pattern to a JS RegExp ('g' for scanning; 'y' anchors re.match). */
export function compile(pattern: string, flags: PyReFlags = {}, jsFlags = 'g'): RegExp {
  const key = `${jsFlags}|${flags.ignorecase ? 1 : 0}${flags.multiline ? 1 : 0}${flags.dotall ? 1 : 0}|${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const t = translate(pattern, flags);
  let re: RegExp;
  try {
    re = new RegExp(t.source, t.flags + jsFlags);
  } catch (e) {
    return fail(
      `invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, re);
  return re;
}

/** re.search. */
export function search(pattern: string, s: string, flags?: PyReFlags): RegExpExecArray | null {
  const re = compile(pattern, flags, 'g');
  re.lastIndex = 0;
  return re.exec(s);
}

/** re.match: anchored at the start only. */
export function match(pattern: string, s: string, flags?: PyReFlags): RegExpExecArray | null {
  const re = compile(pattern, flags, 'y');
  re.lastIndex = 0;
  return re.exec(s);
}

function* scan(re: RegExp, s: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    yield m;
    if (m[0] === '') re.lastIndex++;
  }
}

/** re.findall: whole matches, the group if there is one, else tuples of groups. */
export function findall(pattern: string, s: string, flags?: PyReFlags): unknown[] {
  const out: unknown[] = [];
  for (const m of scan(compile(pattern, flags), s)) {
    const groups = m.slice(1).map((g) => g ?? '');
    out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : tuple(groups));
  }
  return out;
}

/** A group reference from a template string: '\\1', '\\g<1>', '\\g<name>'. */
export function groupRef(m: RegExpExecArray, ref: string): string | undefined {
  const r = /^\\(?:(\d+)|g<(\w+)>)$/.exec(ref);
  if (!r) fail(`invalid group reference ${ref}`);
  if (r[1] !== undefined) return m[Number(r[1])];
  const g = r[2]!;
  return /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g];
}

const REPL_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
  b: '\b',
  '\\': '\\',
};

/** Expand a Python re.sub replacement template for one match. */
function expand(repl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c !== '\\' || i + 1 >= repl.length) {
      out += c;
      continue;
    }
    const rest = repl.slice(i + 1);
    const num = /^\d{1,2}/.exec(rest);
    const named = /^g<(\w+)>/.exec(rest);
    if (num) {
      out += m[Number(num[0])] ?? '';
      i += num[0].length;
    } else if (named) {
      const g = named[1]!;
      out += (/^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g]) ?? '';
      i += named[0].length;
    } else {
      const e = REPL_ESCAPES[rest[0]!];
      out += e ?? `\\${rest[0]}`;
      i++;
    }
  }
  return out;
}

/** re.sub(pattern, repl, s, count). */
export function sub(pattern: string, repl: string, s: string, flags?: PyReFlags, count = 0): string {
  let out = '';
  let last = 0;
  let n = 0;
  for (const m of scan(compile(pattern, flags), s)) {
    if (count > 0 && n >= count) break;
    out += s.slice(last, m.index) + expand(repl, m);
    last = m.index + m[0].length;
    n++;
  }
  return out + s.slice(last);
}

/** re.escape (Python 3.7+: only regex-special characters). */
export function escape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
