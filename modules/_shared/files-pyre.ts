// Python `re` semantics on JavaScript RegExp: pattern translation, search, sub and match.expand templates.

export interface PyFlags {
  /** re.MULTILINE: ^ and $ at every line (only \n separates lines, unlike JS's m flag). */
  multiline?: boolean;
  /** re.DOTALL: . matches \n too. */
  dotall?: boolean;
  ignorecase?: boolean;
}

/** A compiled Python pattern: `re` has no g flag; `global` is the same pattern for scanning. */
export interface PyRegex {
  source: string;
  re: RegExp;
  global: RegExp;
}

export class PyRegexError extends Error {}

/**
 * Translate a Python pattern to a JavaScript one. What differs: `(?P<n>…)`/`(?P=n)`, `\A` `\Z`, global
 * inline flags `(?imsx)`, `.` (JS also stops at \r and U+2028/9), `^`/`$` (Python's `$` also matches
 * before a final newline; with MULTILINE only \n ends a line), `[]…]` (a literal ] first in a class),
 * `\U0001F600`. Constructs JS cannot express (scoped flags, conditionals, possessive quantifiers, atomic
 * groups) are an error rather than a silent mismatch.
 */
export function translatePy(pattern: string, flags: PyFlags = {}): { source: string; jsFlags: string } {
  const f = { ...flags, verbose: false };
  let i = 0;
  // Global inline flags: Python only allows them at the start of the pattern.
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i));
    if (!m) break;
    for (const c of m[1]!) {
      if (c === 'i') f.ignorecase = true;
      else if (c === 'm') f.multiline = true;
      else if (c === 's') f.dotall = true;
      else if (c === 'x') f.verbose = true;
      else if (c === 'L') throw new PyRegexError('the (?L) locale flag is not supported');
    }
    i += m[0].length;
  }
  let out = '';
  const unsupported = (what: string) => {
    throw new PyRegexError(`${what} in regular expression ${JSON.stringify(pattern)} is not supported`);
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (f.verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (f.verbose && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined)
        throw new PyRegexError(`bad escape (end of pattern) in ${JSON.stringify(pattern)}`);
      if (n === 'A') out += '(?<![\\s\\S])';
      else if (n === 'Z') out += '(?![\\s\\S])';
      else if (n === 'U') {
        const hex = pattern.slice(i + 2, i + 10);
        if (!/^[0-9a-fA-F]{8}$/.test(hex))
          throw new PyRegexError(`bad escape \\U in ${JSON.stringify(pattern)}`);
        out += escapeLiteral(String.fromCodePoint(parseInt(hex, 16)));
        i += 10;
        continue;
      } else if (n === 'N') unsupported('\\N{...}');
      else out += `\\${n}`;
      i += 2;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) throw new PyRegexError(`unterminated character set in ${JSON.stringify(pattern)}`);
      out += translateClass(pattern.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      const named = /^P<([A-Za-z_]\w*)>/.exec(rest);
      const ref = /^P=([A-Za-z_]\w*)\)/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += 2 + named[0].length;
      } else if (ref) {
        out += `\\k<${ref[1]}>`;
        i += 2 + ref[0].length;
      } else if (rest.startsWith('#')) {
        const close = pattern.indexOf(')', i);
        if (close < 0)
          throw new PyRegexError(`missing ), unterminated comment in ${JSON.stringify(pattern)}`);
        i = close + 1;
      } else if (/^(?::|=|!|<=|<!|<[A-Za-z_])/.test(rest)) {
        out += '(?';
        i += 2;
      } else if (rest.startsWith('>')) unsupported('an atomic group (?>...)');
      else if (rest.startsWith('(')) unsupported('a conditional group (?(...)...)');
      else unsupported('the inline flag group (?' + rest.slice(0, 3) + ')');
      continue;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      // A '}' only counts when it closes a quantifier; `a{2}+` is possessive in Python 3.11.
      if (c !== '}' || /\{\d*,?\d*\}$/.test(pattern.slice(0, i + 1))) unsupported('a possessive quantifier');
    }
    if (c === '.') out += f.dotall ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^') out += f.multiline ? '(?<![^\\n])' : '(?<![\\s\\S])';
    else if (c === '$') out += f.multiline ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
    else out += c;
    i++;
  }
  return { source: out, jsFlags: f.ignorecase ? 'i' : '' };
}

/** Index of the ']' that closes the class opened at `start` (a ']' right after '[' or '[^' is literal). */
function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ']') return i;
  }
  return -1;
}

function translateClass(cls: string): string {
  let head = '[';
  let i = 1;
  if (cls[i] === '^') {
    head += '^';
    i++;
  }
  // JS reads `[]` as an empty class; Python reads a leading ] as a literal.
  if (cls[i] === ']') {
    head += '\\]';
    i++;
  }
  return head + cls.slice(i);
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Compile a Python pattern. Throws PyRegexError with a message naming the pattern. */
export function compilePy(pattern: string, flags: PyFlags = {}): PyRegex {
  const { source, jsFlags } = translatePy(pattern, flags);
  try {
    return {
      source: pattern,
      re: new RegExp(source, `${jsFlags}d`),
      global: new RegExp(source, `${jsFlags}dg`),
    };
  } catch (e) {
    throw new PyRegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** re.search: the first match anywhere, or null. */
export function pySearch(r: PyRegex, text: string): RegExpExecArray | null {
  r.re.lastIndex = 0;
  return r.re.exec(text);
}

/** Every non-overlapping match, as re.finditer yields them (empty matches included). */
export function pyFindAll(r: PyRegex, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  r.global.lastIndex = 0;
  for (let m = r.global.exec(text); m; m = r.global.exec(text)) {
    out.push(m);
    if (m[0] === '') r.global.lastIndex++;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
  b: '\b',
  '\\': '\\',
};

/**
 * match.expand / re.sub's template: \1..\99, \g<n>, \g<name>, and the escapes \n \t \r \f \v \a \b \\.
 * A group that did not take part in the match gives '' (Python 3.5+). Unknown letter escapes are errors,
 * as in Python; any other escaped character stays as backslash plus character.
 */
export function pyExpand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new PyRegexError('bad escape (end of pattern) in replacement');
    if (n === 'g') {
      const g = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!g) throw new PyRegexError('missing < or > in \\g<...> of the replacement');
      out += group(m, g[1]!);
      i += 1 + g[0].length;
    } else if (/[0-9]/.test(n)) {
      const digits = /^[0-9]{1,2}/.exec(template.slice(i + 1))![0];
      if (n === '0') {
        // \0 is an octal escape (NUL) in Python templates, not group 0.
        const oct = /^[0-7]{1,3}/.exec(template.slice(i + 1))![0];
        out += String.fromCharCode(parseInt(oct, 8));
        i += oct.length;
      } else {
        out += group(m, digits);
        i += digits.length;
      }
    } else if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) {
      throw new PyRegexError(`bad escape \\${n} in replacement ${JSON.stringify(template)}`);
    } else {
      out += `\\${n}`;
      i++;
    }
  }
  return out;
}

function group(m: RegExpExecArray, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n >= m.length) throw new PyRegexError(`invalid group reference ${n} in replacement`);
    return m[n] ?? '';
  }
  if (!m.groups || !(ref in m.groups)) throw new PyRegexError(`unknown group name '${ref}' in replacement`);
  return m.groups[ref] ?? '';
}

/** re.subn: replace every match (Python 3.7 rules for empty matches) and count the replacements. */
export function pySubn(r: PyRegex, template: string, text: string): { text: string; count: number } {
  let out = '';
  let last = 0;
  let count = 0;
  for (const m of pyFindAll(r, text)) {
    out += text.slice(last, m.index) + pyExpand(template, m);
    last = m.index + m[0].length;
    count++;
  }
  return { text: out + text.slice(last), count };
}
