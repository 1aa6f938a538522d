// Python glob.glob for the controller: *, ? and [...] in any path segment; dotfiles only when asked for.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const MAGIC = /[*?[]/;

/** fnmatch-style pattern for one path segment. */
export function segmentRegex(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pat.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Paths matching `pattern`, sorted (Python leaves the order to the filesystem). */
export function glob(pattern: string): string[] {
  const abs = isAbsolute(pattern);
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let current = [abs ? '/' : ''];
  for (const part of abs ? parts.slice(1) : parts) {
    const next: string[] = [];
    for (const dir of current) {
      if (!MAGIC.test(part)) {
        next.push(dir === '' ? part : join(dir, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir === '' ? '.' : dir);
      } catch {
        continue;
      }
      const re = segmentRegex(part);
      for (const n of names)
        if (re.test(n) && (part.startsWith('.') || !n.startsWith('.')))
          next.push(dir === '' ? n : join(dir, n));
    }
    current = next;
  }
  return current
    .filter((p) => {
      try {
        statSync(p);
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}
