// Fact: stat (type, mode, owner, size, times, checksum, link target) of several paths in one pass.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export type FileType = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'chr' | 'blk' | 'unknown';
export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface StatInfo {
  path: string;
  exists: boolean;
  type?: FileType;
  /** Permission bits as a 4-digit octal string ('0644', '4755'). */
  mode?: string;
  uid?: number;
  gid?: number;
  /** Name, or the number as text when the id has no name. */
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  atime?: number;
  ctime?: number;
  inode?: number;
  dev?: number;
  nlink?: number;
  blocks?: number;
  blockSize?: number;
  /** Device numbers of a character/block special file. */
  major?: number;
  minor?: number;
  /** Checksum of a regular file (with the requested algorithm), when readable. */
  checksum?: string;
  /** For a symlink: what it points to, as written, and the fully resolved path. */
  linkTarget?: string;
  realPath?: string;
  /** Access for the user the fact runs as (the become user). */
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
}

export interface FileStatOptions {
  /** Stat what a symlink points to instead of the link (stat -L). */
  follow?: boolean;
  /** Checksum regular files with this algorithm (default sha1); false skips it. */
  checksum?: ChecksumAlgorithm | false;
}

// %f is the raw st_mode in hex (type and permission bits in one number, no spaces to parse); owner and
// group names come last because ':' is the one character /etc/passwd and /etc/group forbid in names.
const FORMAT = '%f:%u:%g:%s:%.9Y:%.9X:%.9Z:%i:%d:%h:%b:%B:%t:%T:%U:%G';

/**
 * One record line per path, in order: `-` when missing, else `+|access|checksum|link|realpath|stat`.
 * File names are never printed raw: link targets travel as base64, so spaces and newlines are safe.
 */
export function fileStat(paths: readonly string[], opts: FileStatOptions = {}): Fact<StatInfo[]> {
  const algo = opts.checksum === undefined ? 'sha1' : opts.checksum;
  const L = opts.follow ? '-L ' : '';
  // Without follow, a symlink to a file is not a regular file here, as with lstat in Ansible.
  const isReg = opts.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && ! [ -L "$p" ]';
  const sum = algo
    ? // Reading through stdin makes the tool print "<hash>  -", never an escaped file name.
      `c=; if ${isReg} && [ -r "$p" ]; then c=$(${algo}sum < "$p" 2>/dev/null); c=\${c%% *}; fi`
    : 'c=';
  const cmd = [
    `for p in ${paths.length > 0 ? paths.map((p) => quote(p)).join(' ') : "''"}; do`,
    // -L as well as -e: a dangling symlink still exists as a link.
    '  if [ -e "$p" ] || [ -L "$p" ]; then',
    `    s=$(stat ${L}-c '${FORMAT}' -- "$p" 2>/dev/null)`,
    `    ${sum}`,
    // readlink's output keeps its trailing newline inside the base64, so a target ending in one survives.
    '    l=; r=; if [ -L "$p" ]; then l=$(readlink -- "$p" | base64 -w0); r=$(readlink -f -- "$p" | base64 -w0); fi',
    '    a=; [ -r "$p" ] && a=r; [ -w "$p" ] && a=${a}w; [ -x "$p" ] && a=${a}x',
    '    printf \'+|%s|%s|%s|%s|%s\\n\' "$a" "$c" "$l" "$r" "$s"',
    '  else echo -; fi',
    'done',
  ].join('\n');
  return {
    cmd,
    parse: (out) => parseFileStat(paths, out.stdout),
  };
}

/** Parse fileStat output (exported for tests). */
export function parseFileStat(paths: readonly string[], stdout: string): StatInfo[] {
  const lines = stdout.split('\n');
  return paths.map((path, i) => parseRecord(path, lines[i] ?? '-'));
}

function parseRecord(path: string, line: string): StatInfo {
  if (!line.startsWith('+|')) return { path, exists: false };
  const [, access = '', checksum = '', link = '', real = '', ...statParts] = line.split('|');
  const info: StatInfo = {
    path,
    exists: true,
    readable: access.includes('r'),
    writeable: access.includes('w'),
    executable: access.includes('x'),
  };
  if (checksum) info.checksum = checksum;
  if (link) info.linkTarget = decodeLine(link);
  if (real) info.realPath = decodeLine(real);
  const f = statParts.join('|').split(':');
  // stat fails only in races or on unreadable parents; keep what is known.
  if (f.length < 16) return info;
  const rawMode = parseInt(f[0]!, 16);
  info.type = typeOf(rawMode);
  info.mode = octal4(rawMode & 0o7777);
  info.uid = Number(f[1]);
  info.gid = Number(f[2]);
  info.size = Number(f[3]);
  info.mtime = Number(f[4]);
  info.atime = Number(f[5]);
  info.ctime = Number(f[6]);
  info.inode = Number(f[7]);
  info.dev = Number(f[8]);
  info.nlink = Number(f[9]);
  info.blocks = Number(f[10]);
  info.blockSize = Number(f[11]);
  if (info.type === 'chr' || info.type === 'blk') {
    info.major = parseInt(f[12]!, 16);
    info.minor = parseInt(f[13]!, 16);
  }
  info.owner = f[14]!;
  info.group = f.slice(15).join(':');
  // stat prints UNKNOWN for an id without a name; Ansible shows the number then.
  if (info.owner === 'UNKNOWN') info.owner = String(info.uid);
  if (info.group === 'UNKNOWN') info.group = String(info.gid);
  return info;
}

function decodeLine(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8').replace(/\n$/, '');
}

/** The file type from st_mode's S_IFMT bits. */
export function typeOf(rawMode: number): FileType {
  switch (rawMode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'link';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    case 0o020000:
      return 'chr';
    case 0o060000:
      return 'blk';
    default:
      return 'unknown';
  }
}

/** Permission bits as Ansible prints them: '0644'. */
export function octal4(bits: number): string {
  return bits.toString(8).padStart(4, '0');
}
