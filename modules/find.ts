// find: list files on the host by name pattern, type, age, size and content (read-only, never changed).
import { posix } from 'node:path';
import { defineModule, type Fact, type Plan } from '../src/core/module.js';
import { quote } from '../src/core/sh.js';
import { pathList, type PathEntry } from '../src/facts/path-list.js';
import { failed } from './_shared/files-common.js';
import { statResult } from './stat.js';
import { compilePy, pySearch, translatePy } from './_shared/files-pyre.js';
import { fnmatchRegExp } from './_shared/fnmatch.js';

const params = {
  paths: {
    type: 'list',
    elements: 'path',
    required: true,
    aliases: ['name', 'path'],
    description: 'Directories to search.',
  },
  patterns: {
    type: 'list',
    elements: 'str',
    default: [],
    aliases: ['pattern'],
    description: 'Basename patterns (shell globs, or Python regexes with use_regex); any may match.',
  },
  excludes: {
    type: 'list',
    elements: 'str',
    aliases: ['exclude'],
    description: 'Basename patterns to leave out (only used together with patterns).',
  },
  contains: {
    type: 'str',
    description:
      'A Python regex some line of a regular file must match from its start (read_whole_file: anywhere).',
  },
  read_whole_file: {
    type: 'bool',
    default: false,
    description: 'Search contains in the whole file instead of line by line.',
  },
  file_type: {
    type: 'str',
    default: 'file',
    choices: ['any', 'directory', 'file', 'link'],
    description: 'Type of entries to return.',
  },
  age: {
    type: 'str',
    description: 'At least this old (2d, 3h, 10m, 1w, seconds); negative: at most this old.',
  },
  age_stamp: {
    type: 'str',
    default: 'mtime',
    choices: ['atime', 'ctime', 'mtime'],
    description: 'Which time age compares.',
  },
  size: {
    type: 'str',
    description: 'At least this large (b, k, m, g, t units); negative: at most this large.',
  },
  recurse: { type: 'bool', default: false, description: 'Descend into subdirectories.' },
  hidden: { type: 'bool', default: false, description: "Include names starting with '.'." },
  follow: { type: 'bool', default: false, description: 'Follow symlinks to directories.' },
  get_checksum: { type: 'bool', default: false, description: 'Add the sha1 of regular files.' },
  use_regex: { type: 'bool', default: false, description: 'patterns and excludes are Python regexes.' },
  depth: { type: 'int', description: 'With recurse, how many levels deep to go (1: the paths themselves).' },
} as const;

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function parseAmount(value: string | undefined, units: Record<string, number>): number | undefined | 'bad' {
  if (value === undefined) return undefined;
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(value.toLowerCase());
  if (!m) return 'bad';
  return Number(m[1]) * (m[2] ? units[m[2]]! : 1);
}

/** Ansible's pfilter: patterns select, excludes veto; regexes use re.match (anchored at the start). */
export function nameFilter(
  patterns: string[],
  excludes: string[] | undefined,
  useRegex: boolean,
): (name: string) => boolean {
  const compile = (p: string) => {
    if (!useRegex) {
      const re = fnmatchRegExp(p);
      return (n: string) => re.test(n);
    }
    // re.match: anchored at the start only.
    const re = compilePy(`(?:${p})`);
    return (n: string) => {
      const m = pySearch(re, n);
      return m !== null && m.index === 0;
    };
  };
  const pats = patterns.map(compile);
  const excl = (excludes ?? []).map(compile);
  return (name) => pats.some((t) => t(name)) && !excl.some((t) => t(name));
}

/**
 * Python's pattern for `contains` as PCRE, which grep -P speaks: the JavaScript translation is valid PCRE
 * too, and it pins down what differs ($ before a final newline only, \Z, . and \r).
 */
function pcre(pattern: string): string {
  const t = translatePy(pattern);
  return (t.jsFlags.includes('i') ? '(?i)' : '') + t.source;
}

interface FindFacts {
  [k: string]: Fact<unknown>;
  list: Fact<PathEntry[]>;
  /** Paths of regular files whose content matches `contains`, and the host's clock. */
  extra: Fact<{ matches: Set<string>; now: number }>;
}

function extraFact(
  roots: string[],
  maxDepth: number | undefined,
  follow: boolean,
  contains?: string,
  whole = false,
): Fact<{ matches: Set<string>; now: number }> {
  const lines = ['date +%s.%N'];
  if (contains !== undefined) {
    const starts = roots.map((r) => quote(r.startsWith('/') ? r : `./${r}`)).join(' ');
    const depth = maxDepth === undefined ? '' : ` -maxdepth ${maxDepth}`;
    // Line by line Python uses re.match: anchor at the line start. -z reads the whole file as one record.
    let re: string;
    try {
      re = whole ? pcre(contains) : `^(?:${pcre(contains)})`;
    } catch {
      // plan() reports the bad pattern; match nothing meanwhile.
      re = '(?!)';
    }
    lines.push(
      `find ${follow ? '-L ' : ''}${starts} -mindepth 1${depth} -type f -exec grep -l -Z -s -P${whole ? ' -z' : ''} -e ${quote(re)} -- {} + 2>/dev/null`,
    );
  }
  lines.push('true');
  return {
    cmd: lines.join('\n'),
    parse: (out) => {
      const nl = out.stdout.indexOf('\n');
      const now = Number(out.stdout.slice(0, nl));
      const names = out.stdout
        .slice(nl + 1)
        .split('\0')
        .filter((n) => n !== '');
      // grep prints the names as find gave them: './x' for a relative root.
      return { matches: new Set(names.map((n) => (n.startsWith('./') ? n.slice(2) : n))), now };
    },
  };
}

// The keys of Ansible's find statinfo(): a subset of stat's dictionary.
const FIND_KEYS = [
  'path',
  'mode',
  'isdir',
  'ischr',
  'isblk',
  'isreg',
  'isfifo',
  'islnk',
  'issock',
  'uid',
  'gid',
  'size',
  'inode',
  'dev',
  'nlink',
  'atime',
  'mtime',
  'ctime',
  'wusr',
  'rusr',
  'xusr',
  'wgrp',
  'rgrp',
  'xgrp',
  'woth',
  'roth',
  'xoth',
  'isuid',
  'isgid',
];

/** The per-file dict Ansible's find returns (statinfo of an lstat): stat's, with '' for unknown names. */
export function findInfo(e: PathEntry, checksum?: string): Record<string, unknown> {
  const s = statResult({ ...e, exists: true, linkTarget: undefined, checksum: undefined });
  const out: Record<string, unknown> = Object.fromEntries(FIND_KEYS.map((k) => [k, s[k]]));
  out.gr_name = s.gr_name ?? '';
  out.pw_name = s.pw_name ?? '';
  if (checksum !== undefined) out.checksum = checksum;
  return out;
}

function maxDepthOf(p: { recurse: boolean; depth?: number }): number | undefined {
  if (!p.recurse) return 1;
  return p.depth !== undefined && p.depth > 0 ? p.depth : undefined;
}

export const find = defineModule({
  name: 'find',
  doc: {
    short: 'Return a list of files based on specific criteria',
    description:
      'Like Ansible find: basename patterns (fnmatch or Python regex), type, age, size and content ' +
      'filters, recursion with depth. Never changed.',
    examples: [
      '- find: paths=/var/log patterns="*.gz" age=2w recurse=true',
      '  register: old_logs',
      '- file: path="{{ item.path }}" state=absent',
      '  loop: "{{ old_logs.files }}"',
    ].join('\n'),
    returns: {
      files: 'One dict per match: path, mode, isdir, isreg, islnk, size, uid, gid, pw_name, mtime, ...',
      matched: 'How many matched.',
      examined: 'How many entries were looked at.',
      msg: "'All paths examined', or a note when some were skipped.",
      skipped_paths: 'Paths that could not be searched, with the reason.',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p): FindFacts {
    const maxDepth = maxDepthOf(p);
    return {
      list: pathList(p.paths, { follow: p.follow, maxDepth, checksum: p.get_checksum ? 'sha1' : false }),
      extra: extraFact(
        p.paths,
        maxDepth,
        p.follow,
        p.file_type === 'file' ? p.contains : undefined,
        p.read_whole_file,
      ),
    };
  },
  plan(p, f, ctx): Plan {
    const age = parseAmount(p.age, AGE_UNITS);
    if (age === 'bad') return failed('failed to process age', { age: p.age });
    const size = parseAmount(p.size, SIZE_UNITS);
    if (size === 'bad') return failed('failed to process size', { size: p.size });
    let select: (name: string) => boolean;
    try {
      const patterns = p.patterns.length > 0 ? p.patterns : [p.use_regex ? '.*' : '*'];
      select = nameFilter(patterns, p.excludes, p.use_regex);
      if (p.contains !== undefined) pcre(p.contains);
    } catch (e) {
      return failed((e as Error).message);
    }
    const { now, matches } = f.extra;
    const ageOk = (e: PathEntry) => {
      if (age === undefined) return true;
      const t = p.age_stamp === 'atime' ? e.atime : p.age_stamp === 'ctime' ? e.ctime : e.mtime;
      return age >= 0 ? now - t >= Math.abs(age) : now - t <= Math.abs(age);
    };
    const sizeOk = (e: PathEntry) =>
      size === undefined || (size >= 0 ? e.size >= Math.abs(size) : e.size <= Math.abs(size));
    const files: Record<string, unknown>[] = [];
    const skipped: Record<string, string> = {};
    let examined = 0;
    const rootsOk = new Set(f.list.filter((e) => e.depth === 0 && e.type === 'directory').map((e) => e.root));
    for (const root of p.paths) {
      if (!rootsOk.has(root)) {
        skipped[root] =
          `${root} was skipped as it does not seem to be a valid directory or it cannot be accessed\n`;
        ctx.warn(skipped[root]);
      }
    }
    for (const e of f.list) {
      if (e.depth === 0 || !rootsOk.has(e.root)) continue;
      examined++;
      const name = posix.basename(e.rel);
      if (name.startsWith('.') && !p.hidden) continue;
      if (!select(name) || !ageOk(e)) continue;
      const t = p.file_type;
      if (t === 'any') {
        if (e.type !== 'file' || sizeOk(e)) files.push(findInfo(e, p.get_checksum ? e.checksum : undefined));
      } else if (t === 'directory' && e.type === 'directory') files.push(findInfo(e));
      else if (t === 'file' && e.type === 'file') {
        if (sizeOk(e) && (p.contains === undefined || matches.has(e.path))) {
          files.push(findInfo(e, p.get_checksum ? e.checksum : undefined));
        }
      } else if (t === 'link' && e.type === 'link') files.push(findInfo(e));
    }
    const warned = Object.keys(skipped).length > 0;
    return {
      changed: false,
      steps: [],
      result: {
        files,
        matched: files.length,
        examined,
        msg: warned ? 'Not all paths examined, check warnings for details' : 'All paths examined',
        skipped_paths: skipped,
      },
    };
  },
});
