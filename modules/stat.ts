// stat: report what is at a path on the host (never changes anything).
import { defineModule, type Fact, type StepOutput } from '../src/core/module.js';
import { quote } from '../src/core/sh.js';
import { fileStat, type ChecksumAlgorithm, type StatInfo } from '../src/facts/file-stat.js';
import { unused } from './_shared/facts.js';

const params = {
  path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to look at.' },
  follow: { type: 'bool', default: false, description: 'Report on the target of a symlink.' },
  get_checksum: { type: 'bool', default: true, description: 'Checksum a regular file.' },
  checksum_algorithm: {
    type: 'str',
    default: 'sha1',
    choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
    aliases: ['checksum', 'checksum_algo'],
    description: 'Checksum algorithm.',
  },
  get_mime: {
    type: 'bool',
    default: true,
    aliases: ['mime', 'mime_type', 'mime-type'],
    description: 'Report mimetype and charset (when the `file` tool is installed).',
  },
  get_attributes: {
    type: 'bool',
    default: true,
    aliases: ['attr', 'attributes'],
    description: 'Accepted; chattr attributes are not reported.',
  },
} as const;

/** `file -b -i` gives "text/plain; charset=us-ascii"; silently nothing when `file` is not installed. */
function mimeFact(path: string, follow: boolean): Fact<{ mimetype?: string; charset?: string }> {
  const cmd = `if command -v file >/dev/null 2>&1; then file -b -i ${follow ? '-L ' : ''}-- ${quote(path)}; fi`;
  return {
    cmd,
    parse: (out: StepOutput) => {
      const m = /^([^;\s]+)(?:;\s*charset=(\S+))?/.exec(out.stdout.trim());
      return m ? { mimetype: m[1], ...(m[2] ? { charset: m[2] } : {}) } : {};
    },
  };
}

/** Ansible's stat dictionary from a StatInfo. */
export function statResult(s: StatInfo): Record<string, unknown> {
  if (!s.exists) return { exists: false };
  const mode = parseInt(s.mode ?? '0', 8);
  const bit = (b: number) => (mode & b) !== 0;
  const out: Record<string, unknown> = {
    exists: true,
    path: s.path,
    mode: s.mode,
    isdir: s.type === 'directory',
    ischr: s.type === 'chr',
    isblk: s.type === 'blk',
    isreg: s.type === 'file',
    isfifo: s.type === 'fifo',
    islnk: s.type === 'link',
    issock: s.type === 'socket',
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    inode: s.inode,
    dev: s.dev,
    nlink: s.nlink,
    atime: s.atime,
    mtime: s.mtime,
    ctime: s.ctime,
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: s.blocks,
    block_size: s.blockSize,
    // glibc's makedev() layout, what Python's st_rdev holds.
    device_type:
      s.major === undefined || s.minor === undefined
        ? 0
        : ((s.major & 0xfff) << 8) | (s.minor & 0xff) | ((s.minor & ~0xff) << 12),
    readable: s.readable,
    writeable: s.writeable,
    executable: s.executable,
  };
  // Ansible leaves the names out when the id has none (stat printed the number instead).
  if (s.owner !== undefined && s.owner !== String(s.uid)) out.pw_name = s.owner;
  if (s.group !== undefined && s.group !== String(s.gid)) out.gr_name = s.group;
  if (s.checksum !== undefined) out.checksum = s.checksum;
  if (s.type === 'link') {
    out.lnk_source = s.realPath;
    out.lnk_target = s.linkTarget;
  }
  return out;
}

export const stat = defineModule({
  name: 'stat',
  doc: {
    short: 'Retrieve file or file system status',
    description:
      'Like Ansible stat: exists, type flags, mode, owner, size, times and a checksum. Never changed.',
    examples: [
      '- stat: path=/etc/nginx/nginx.conf',
      '  register: conf',
      '- debug: msg="present"',
      '  when: conf.stat.exists and conf.stat.isreg',
    ].join('\n'),
    returns: {
      stat: 'Dictionary of exists, isdir, isreg, islnk, mode, uid, gid, pw_name, size, mtime, checksum, ...',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      stat: fileStat([p.path], {
        follow: p.follow,
        checksum: p.get_checksum ? (p.checksum_algorithm as ChecksumAlgorithm) : false,
      }),
      mime: p.get_mime ? mimeFact(p.path, p.follow) : unused<{ mimetype?: string; charset?: string }>(),
    };
  },
  plan(p, f) {
    const s = f.stat[0] ?? { path: p.path, exists: false };
    const result = statResult(s);
    if (s.exists && f.mime?.mimetype) Object.assign(result, f.mime);
    return { changed: false, steps: [], result: { changed: false, stat: result } };
  },
});
