// Path filters on the controller: basename/dirname/splitext/path_join, expanduser/expandvars, realpath/relpath, fileglob.
import { realpathSync, statSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { str } from '../py/coerce.js';
import { list } from '../py/coerce.js';
import { tuple } from '../py/values.js';
import { glob } from '../glob.js';
import { expandHome } from '../search-path.js';

/** posixpath.dirname: keeps a lone root, strips trailing slashes otherwise. */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  const head = p.slice(0, i);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** posixpath.splitext: a leading dot of the file name is not an extension. */
export function splitext(p: string): [string, string] {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
  const cut = p.length - (base.length - dot);
  return [p.slice(0, cut), p.slice(cut)];
}

/** posixpath.join: an absolute component restarts the path. */
export function pathJoin(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p.startsWith('/')) out = p;
    else if (out === '' || out.endsWith('/')) out += p;
    else out += `/${p}`;
  }
  return out;
}

function expandvars(s: string): string {
  return s.replace(
    /\$(\w+)|\$\{([^}]*)\}/g,
    (whole, a: string | undefined, b: string | undefined) => process.env[a ?? b ?? ''] ?? whole,
  );
}

/** os.path.realpath: resolve symlinks as far as the path exists. */
export function realpath(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = posix.dirname(abs);
    return parent === abs ? abs : posix.join(realpath(parent), posix.basename(abs));
  }
}

export const PATH_FILTERS: Record<string, FilterSpec> = {
  basename: filter([], (v) => basename(str(v))),
  dirname: filter([], (v) => dirname(str(v))),
  splitext: filter([], (v) => tuple(splitext(str(v)))),
  path_join: filter([], (v) => (typeof v === 'string' ? v : pathJoin(list(v).map((x) => str(x))))),
  expanduser: filter([], (v) => expandHome(str(v))),
  expandvars: filter([], (v) => expandvars(str(v))),
  realpath: filter([], (v) => realpath(str(v))),
  relpath: filter(
    ['start'],
    (v, [start]) =>
      relative(start === undefined ? process.cwd() : resolve(str(start)), resolve(str(v))) || '.',
  ),
  fileglob: filter([], (v) =>
    glob(str(v)).filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    }),
  ),
  win_basename: filter([], (v) => str(v).split(/[\\/]/).pop() ?? ''),
  win_dirname: filter([], (v) => str(v).replace(/[\\/][^\\/]*$/, '')),
};
