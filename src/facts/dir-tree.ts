// Fact: every entry under a remote directory (type, mode, owner, size, sha1) in one find pass.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';
import type { FileType } from './file-stat.js';

export interface TreeEntry {
  /** Path relative to the root ('' for the root itself). */
  rel: string;
  type: FileType;
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  sha1?: string;
}

export interface DirTree {
  /** The root exists and is a directory. */
  exists: boolean;
  /** The root's type when it exists but is not a directory. */
  rootType?: FileType;
  entries: Map<string, TreeEntry>;
}

const TYPES: Record<string, FileType> = {
  f: 'file',
  d: 'directory',
  l: 'link',
  p: 'fifo',
  s: 'socket',
  c: 'chr',
  b: 'blk',
};

// Separates the listing from the checksums; %P never starts with '/', so no entry can look like it.
const MARK = '//sha1//';

/** A root path without trailing slashes, as find prints its start point back. */
function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
}

/**
 * Records are NUL-terminated (the only byte a file name cannot hold): `type:mode:uid:gid:size:user:group`
 * then the relative path; after MARK, `sha1sum -z` lines `<hash>  <path>` (with -z names are not escaped).
 */
export function dirTree(root: string): Fact<DirTree> {
  const r = quote(trimSlash(root));
  const cmd = [
    `if [ -d ${r} ]; then`,
    // Names last: ':' cannot occur in user or group names.
    `  find ${r} -printf '%y:%m:%U:%G:%s:%u:%g\\0%P\\0'`,
    `  printf '${MARK}\\0'`,
    `  find ${r} -type f -exec sha1sum -z -- {} + 2>/dev/null`,
    `elif [ -e ${r} ] || [ -L ${r} ]; then stat -c 'notdir:%f' -- ${r}; fi`,
  ].join('\n');
  return { cmd, parse: (out) => parseDirTree(root, out.stdout) };
}

export function parseDirTree(root: string, stdout: string): DirTree {
  const entries = new Map<string, TreeEntry>();
  const notDir = /^notdir:([0-9a-f]+)/.exec(stdout);
  if (notDir) {
    const raw = parseInt(notDir[1]!, 16) & 0o170000;
    const rootType: FileType = raw === 0o100000 ? 'file' : raw === 0o120000 ? 'link' : 'unknown';
    return { exists: false, rootType, entries };
  }
  if (stdout === '') return { exists: false, entries };
  const parts = stdout.split('\0');
  let i = 0;
  for (; i + 1 < parts.length && parts[i] !== MARK; i += 2) {
    const f = parts[i]!.split(':');
    const rel = parts[i + 1]!;
    entries.set(rel, {
      rel,
      type: TYPES[f[0] ?? ''] ?? 'unknown',
      mode: (f[1] ?? '0').padStart(4, '0'),
      uid: Number(f[2]),
      gid: Number(f[3]),
      size: Number(f[4]),
      owner: f[5] ?? '',
      group: f.slice(6).join(':'),
    });
  }
  const prefix = trimSlash(root) === '/' ? '/' : `${trimSlash(root)}/`;
  for (const line of parts.slice(i + 1)) {
    // "<40 hex>  <path>": the two spaces are fixed, the path may contain anything but NUL.
    const m = /^([0-9a-f]{40}) {2}([\s\S]*)$/.exec(line);
    if (!m || !m[2]!.startsWith(prefix)) continue;
    const e = entries.get(m[2]!.slice(prefix.length));
    if (e) e.sha1 = m[1]!;
  }
  return { exists: true, entries };
}
