// Matching host and group names: shell globs (Python fnmatch) and `~` regexes (Python re.match).
import { TsibleError } from '../core/errors.js';

/** A predicate for `pattern`: `~regex` matches at the start of a name, anything else is a whole-name glob. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  let re: RegExp;
  try {
    re = pattern.startsWith('~') ? pythonRegex(pattern.slice(1)) : globRegex(pattern);
  } catch {
    throw new TsibleError('inventory', `Invalid host list pattern: ${pattern}`, {
      hint: pattern.startsWith('~') ? 'the text after ~ must be a valid regular expression' : undefined,
    });
  }
  return (name) => {
    re.lastIndex = 0;
    return re.test(name);
  };
}

/** fnmatch.translate: * any run, ? one character, [seq] / [!seq] a class; everything else literal. */
export function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, j);
      i = j;
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      // Inside a class only \ ] [ ^ need escaping for JavaScript; ranges like a-z are kept.
      body = body.replace(/[\\\][^]/g, '\\$&');
      out += body === '' ? (negate ? '[\\s\\S]' : '(?!)') : `[${negate ? '^' : ''}${body}]`;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${out})$`);
}

/**
 * A Python regex as a JavaScript one anchored at the start (re.match). Converts the syntax that differs:
 * named groups (?P<n>..) / (?P=n), \A and \Z, and leading inline flags such as (?i).
 */
export function pythonRegex(source: string): RegExp {
  let flags = '';
  let src = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    src = src.slice(inline[0].length);
  }
  src = src
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  return new RegExp(src, `${flags}y`);
}
