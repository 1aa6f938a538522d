// Fact: every entry under some paths (type, mode, owner, size, times, link target, checksum) in one find pass.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';
import { octal4, type ChecksumAlgorithm, type FileType } from './file-stat.js';

export interface PathEntry {
  /** The starting path this entry was found under, as given. */
  root: string;
  /** Full path: root joined with rel (the root itself for depth 0). */
  path: string;
  /** Path relative to the root ('' for the root). */
  rel: string;
  depth: number;
  type: FileType;
  /** Permission bits, 4-digit octal. */
  mode: string;
  uid: number;
  gid: number;
  /** Names, or the ids as text when they have none. */
  owner: string;
  group: string;
  size: number;
  mtime: number;
  atime: number;
  ctime: number;
  inode: number;
  dev: number;
  nlink: number;
  /** For a symlink (not followed): what it points to. */
  linkTarget?: string;
  checksum?: string;
}

export interface PathListOptions {
  /** Follow symlinks (find -L): entries describe the targets, and linked directories are descended. */
  follow?: boolean;
  /** Deepest level listed (0: only the roots themselves); unlimited when undefined. */
  maxDepth?: number;
  /** Checksum regular files with this algorithm. */
  checksum?: ChecksumAlgorithm | false;
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

// 18 NUL-terminated fields a record; names can hold anything but NUL, so nothing needs escaping.
const FORMAT =
  '%y\\0%m\\0%U\\0%G\\0%u\\0%g\\0%s\\0%T@\\0%A@\\0%C@\\0%i\\0%D\\0%n\\0%d\\0%l\\0%H\\0%P\\0%p\\0';
const FIELDS = 18;
// Separates the listing from the checksums; a record's first field is one letter, so it cannot clash.
const MARK = '//checksums//';

/**
 * A starting point find cannot mistake for an option or an operator ('-name', '!', '('): relative ones get
 * './' in front (the parser maps them back).
 */
function startPoint(root: string): string {
  return root.startsWith('/') || root.startsWith('./') ? root : `./${root}`;
}

export function pathList(roots: readonly string[], opts: PathListOptions = {}): Fact<PathEntry[]> {
  if (roots.length === 0) return { cmd: ':', parse: () => [] };
  const cmd = `${findListing(roots.map((r) => quote(startPoint(r))).join(' '), opts)}\ntrue`;
  return { cmd, parse: (out) => parsePathList(roots, out.stdout) };
}

/**
 * The listing commands for start points given as shell words (quoted paths, or "$@" in a script that
 * builds its list at run time); parsePathList reads the output.
 */
export function findListing(startWords: string, opts: PathListOptions = {}): string {
  const L = opts.follow ? '-L ' : '';
  const depth = opts.maxDepth === undefined ? '' : ` -maxdepth ${Math.max(0, Math.floor(opts.maxDepth))}`;
  const lines = [`find ${L}${startWords}${depth} -printf '${FORMAT}' 2>/dev/null`];
  if (opts.checksum) {
    lines.push(
      `printf '${MARK}\\0'`,
      // -z: NUL-terminated lines and names printed raw (no backslash escaping of odd characters).
      `find ${L}${startWords}${depth} -type f -exec ${opts.checksum}sum -z -- {} + 2>/dev/null`,
    );
  }
  return lines.join('\n');
}

export function parsePathList(roots: readonly string[], stdout: string): PathEntry[] {
  const byStart = new Map(roots.map((r) => [startPoint(r), r]));
  const parts = stdout.split('\0');
  const entries: PathEntry[] = [];
  const byPath = new Map<string, PathEntry>();
  let i = 0;
  for (; i + FIELDS <= parts.length && parts[i] !== MARK; i += FIELDS) {
    const f = parts.slice(i, i + FIELDS);
    const start = f[15]!;
    const root = byStart.get(start) ?? start;
    const rel = f[16]!;
    const printed = f[17]!;
    const e: PathEntry = {
      root,
      path: rel === '' ? root : root.endsWith('/') ? `${root}${rel}` : `${root}/${rel}`,
      rel,
      depth: Number(f[13]),
      type: TYPES[f[0]!] ?? 'unknown',
      mode: octal4(parseInt(f[1]!, 8)),
      uid: Number(f[2]),
      gid: Number(f[3]),
      owner: f[4]!,
      group: f[5]!,
      size: Number(f[6]),
      mtime: Number(f[7]),
      atime: Number(f[8]),
      ctime: Number(f[9]),
      inode: Number(f[10]),
      dev: Number(f[11]),
      nlink: Number(f[12]),
    };
    if (e.type === 'link') e.linkTarget = f[14]!;
    entries.push(e);
    byPath.set(printed, e);
  }
  for (const line of parts.slice(i + 1)) {
    // "<hex>  <path>" with the path exactly as find printed it.
    const m = /^([0-9a-f]{32,128}) {2}([\s\S]*)$/.exec(line);
    const e = m ? byPath.get(m[2]!) : undefined;
    if (e) e.checksum = m![1]!;
  }
  return entries;
}
