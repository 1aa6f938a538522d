// Controller-side path tests: file, directory, link, exists, abs, same_file, mount.
import { lstatSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { test, type TestSpec } from '../engine/runtime.js';
import { str } from '../py/coerce.js';
import { expandHome } from '../search-path.js';

function stat(p: unknown, follow = true) {
  try {
    return follow ? statSync(str(p)) : lstatSync(str(p));
  } catch {
    return undefined;
  }
}

function isMount(p: string): boolean {
  const here = stat(p, false);
  if (!here || here.isSymbolicLink()) return false;
  const parent = stat(resolve(p, '..'), false);
  if (!parent) return false;
  return here.dev !== parent.dev || here.ino === parent.ino;
}

export const PATH_TESTS: Record<string, TestSpec> = {
  file: test([], (v) => stat(v)?.isFile() ?? false),
  directory: test([], (v) => stat(v)?.isDirectory() ?? false),
  is_file: test([], (v) => stat(v)?.isFile() ?? false),
  is_dir: test([], (v) => stat(v)?.isDirectory() ?? false),
  link: test([], (v) => stat(v, false)?.isSymbolicLink() ?? false),
  is_link: test([], (v) => stat(v, false)?.isSymbolicLink() ?? false),
  exists: test([], (v) => stat(expandHome(str(v))) !== undefined),
  link_exists: test([], (v) => stat(v, false) !== undefined),
  abs: test([], (v) => isAbsolute(str(v))),
  is_abs: test([], (v) => isAbsolute(str(v))),
  same_file: test(['other'], (v, [o]) => {
    const [a, b] = [stat(v), stat(o)];
    return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
  }),
  mount: test([], (v) => isMount(str(v))),
  is_mount: test([], (v) => isMount(str(v))),
};
