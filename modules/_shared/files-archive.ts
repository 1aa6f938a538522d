// Archives for unarchive: read tar (plain, gzip, bzip2, xz, zstd) and zip on the controller, list an archive on
// the host by extracting it to a scratch directory, compare either listing with dest, and build extract commands.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import type { Fact } from '../../src/core/module.js';
import { quote, sh } from '../../src/core/sh.js';
import { findListing, parsePathList, type PathEntry } from '../../src/facts/path-list.js';
import { fnmatchRegExp } from './fnmatch.js';

export type Handler =
  'ZipArchive' | 'TarArchive' | 'TgzArchive' | 'TarBzipArchive' | 'TarXzArchive' | 'TarZstdArchive';

export interface ArchiveEntry {
  /** Member path without a leading './' or '/', and without a trailing '/'. */
  rel: string;
  type: 'file' | 'directory' | 'link' | 'hard' | 'other';
  size: number;
  mode: number;
  sha1?: string;
  /** Symlink target, or (hard) the member it links to. */
  linkTarget?: string;
}

export interface Archive {
  handler: Handler;
  entries: ArchiveEntry[];
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** Decompress with a controller tool (node has no xz/bzip2/zstd). */
function decompressWith(tool: string, data: Buffer): Buffer {
  const r = spawnSync(tool, ['-dc'], { input: data, maxBuffer: 4 * 1024 ** 3 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `could not decompress the archive with ${tool} on the controller: ${r.error?.message ?? r.stderr.toString().trim()}`,
    );
  }
  return r.stdout;
}

function startsWith(b: Buffer, bytes: number[]): boolean {
  return bytes.every((x, i) => b[i] === x);
}

/** Read an archive file on the controller: its format (Ansible's handler name) and members. */
export function readArchive(data: Buffer): Archive {
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04]) || startsWith(data, [0x50, 0x4b, 0x05, 0x06])) {
    return { handler: 'ZipArchive', entries: readZip(data) };
  }
  if (startsWith(data, [0x1f, 0x8b])) return { handler: 'TgzArchive', entries: readTar(gunzipSync(data)) };
  if (startsWith(data, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
    return { handler: 'TarXzArchive', entries: readTar(decompressWith('xz', data)) };
  if (startsWith(data, [0x42, 0x5a, 0x68]))
    return { handler: 'TarBzipArchive', entries: readTar(decompressWith('bzip2', data)) };
  if (startsWith(data, [0x28, 0xb5, 0x2f, 0xfd]))
    return { handler: 'TarZstdArchive', entries: readTar(decompressWith('zstd', data)) };
  return { handler: 'TarArchive', entries: readTar(data) };
}

function cleanName(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
}

function octalField(b: Buffer): number {
  // GNU base-256 for large numbers: the high bit of the first byte is set.
  if ((b[0]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = cstr(b).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/** Parse pax extended header records ("<len> key=value\n"). */
function paxRecords(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < b.length) {
    const sp = b.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(b.subarray(i, sp).toString());
    if (!len) break;
    const rec = b.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** ustar/GNU/pax tar members. */
export function readTar(data: Buffer): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const contents = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let off = 0;
  while (off + 512 <= data.length) {
    const h = data.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    let size = octalField(h.subarray(124, 136));
    if (pax.size !== undefined) size = Number(pax.size);
    const type = String.fromCharCode(h[156]!);
    const body = data.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstr(body);
      continue;
    }
    if (type === 'K') {
      longLink = cstr(body);
      continue;
    }
    if (type === 'x') {
      pax = paxRecords(body);
      continue;
    }
    if (type === 'g') continue;
    const magic = h.subarray(257, 263).toString('latin1');
    const prefix = magic.startsWith('ustar') ? cstr(h.subarray(345, 500)) : '';
    const raw =
      pax.path ?? longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
    const link = pax.linkpath ?? longLink ?? cstr(h.subarray(157, 257));
    longName = undefined;
    longLink = undefined;
    pax = {};
    const rel = cleanName(raw);
    if (rel === '' || rel === '.') continue;
    const mode = octalField(h.subarray(100, 108)) & 0o7777;
    if (type === '0' || type === '\0' || type === '7') {
      contents.set(rel, body);
      entries.push({ rel, type: 'file', size, mode, sha1: sha1(body) });
    } else if (type === '5') entries.push({ rel, type: 'directory', size: 0, mode });
    else if (type === '2') entries.push({ rel, type: 'link', size: 0, mode, linkTarget: link });
    else if (type === '1') {
      const target = cleanName(link);
      const c = contents.get(target);
      entries.push({
        rel,
        type: 'hard',
        size: c?.length ?? 0,
        mode,
        linkTarget: target,
        ...(c ? { sha1: sha1(c) } : {}),
      });
    } else entries.push({ rel, type: 'other', size: 0, mode });
  }
  return entries;
}

/** zip members from the central directory; stored and deflated data are read for checksums. */
export function readZip(data: Buffer): ArchiveEntry[] {
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = data.readUInt16LE(eocd + 10);
  let off = data.readUInt32LE(eocd + 16);
  const entries: ArchiveEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(off) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const madeBy = data.readUInt16LE(off + 4) >> 8;
    const method = data.readUInt16LE(off + 10);
    const csize = data.readUInt32LE(off + 20);
    const usize = data.readUInt32LE(off + 24);
    const nameLen = data.readUInt16LE(off + 28);
    const extraLen = data.readUInt16LE(off + 30);
    const commentLen = data.readUInt16LE(off + 32);
    const external = data.readUInt32LE(off + 38);
    const local = data.readUInt32LE(off + 42);
    const name = data.subarray(off + 46, off + 46 + nameLen).toString('utf8');
    off += 46 + nameLen + extraLen + commentLen;
    const unixMode = madeBy === 3 ? external >>> 16 : 0;
    const isDir = name.endsWith('/') || (unixMode & 0o170000) === 0o040000;
    const rel = cleanName(name);
    if (rel === '') continue;
    if (isDir) {
      entries.push({ rel, type: 'directory', size: 0, mode: unixMode & 0o7777 });
      continue;
    }
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + csize);
    let body: Buffer | undefined;
    if (method === 0) body = raw;
    else if (method === 8) body = inflateRawSync(raw);
    if ((unixMode & 0o170000) === 0o120000) {
      entries.push({ rel, type: 'link', size: 0, mode: 0o777, linkTarget: body?.toString('utf8') });
    } else {
      entries.push({
        rel,
        type: 'file',
        size: usize,
        mode: unixMode & 0o7777,
        ...(body ? { sha1: sha1(body) } : {}),
      });
    }
  }
  return entries;
}

/** exclude/include as unarchive applies them: fnmatch on the member path (or any leading part of it). */
export function memberFilter(include: string[], exclude: string[]): (rel: string) => boolean {
  const inc = include.map((p) => fnmatchRegExp(p.replace(/\/+$/, '')));
  const exc = exclude.map((p) => fnmatchRegExp(p.replace(/\/+$/, '')));
  const prefixes = (rel: string) => rel.split('/').map((_, i, a) => a.slice(0, i + 1).join('/'));
  return (rel) => {
    const parts = prefixes(rel);
    if (inc.length > 0 && !parts.some((p) => inc.some((r) => r.test(p)))) return false;
    const base = rel.split('/').pop() ?? rel;
    return !exc.some((r) => r.test(base) || parts.some((p) => r.test(p)));
  };
}

/** Top-level names of members (what to list under dest). */
export function topLevel(entries: { rel: string }[]): string[] {
  return [...new Set(entries.map((e) => e.rel.split('/')[0]!))].sort();
}

export interface RemoteArchive {
  state: 'ok' | 'nosrc' | 'unknown' | 'error';
  handler?: Handler;
  entries: ArchiveEntry[];
  /** What is under dest at the archive's top-level names. */
  dest: PathEntry[];
  error?: string;
}

const DEST_MARK = '//dest//';

function destWord(dest: string): string {
  const d = dest.length > 1 ? dest.replace(/\/+$/, '') : dest;
  const start = d === '/' ? '' : d.startsWith('/') ? d : `./${d}`;
  return quote(start);
}

/** The commands that extract `archive` (a shell word) into `into` (a shell word). */
export function extractCmd(
  handler: Handler,
  archive: string,
  into: string,
  o: { include: string[]; exclude: string[]; extraOpts: string[]; keepNewer?: boolean },
): string {
  if (handler === 'ZipArchive') {
    const x = o.exclude.length > 0 ? sh` -x ${o.exclude}` : '';
    return `unzip -q -o ${sh`${o.extraOpts}`} ${archive} ${sh`${o.include}`}${x} -d ${into}`.replace(
      / {2,}/g,
      ' ',
    );
  }
  const excl = o.exclude.map((e) => sh`${`--exclude=${e}`}`).join(' ');
  // GNU tar recognises gzip, bzip2, xz and zstd by itself when reading a file.
  return `tar -x -f ${archive} -C ${into} ${o.keepNewer ? '--keep-newer-files ' : ''}${excl} ${sh`${o.extraOpts}`} ${sh`${o.include}`}`
    .replace(/ {2,}/g, ' ')
    .trimEnd();
}

/**
 * An archive on the host: extract it into a scratch directory (never into dest), list what came out with
 * sha1s, then list dest at the same top-level names. All of it in the fact's one round trip.
 */
export function remoteArchive(
  src: string,
  dest: string,
  o: { include: string[]; exclude: string[]; extraOpts: string[] },
): Fact<RemoteArchive> {
  const detect = [
    'if unzip -Z1 "$s" >/dev/null 2>&1; then h=ZipArchive',
    'elif tar -tf "$s" >/dev/null 2>&1; then',
    // The compression, from the magic bytes, only names the handler (tar itself detects it).
    '  m=$(head -c 6 "$s" | od -An -tx1 | tr -d " \\n")',
    '  case "$m" in 1f8b*) h=TgzArchive ;; fd377a585a00) h=TarXzArchive ;; 425a68*) h=TarBzipArchive ;; 28b52ffd*) h=TarZstdArchive ;; *) h=TarArchive ;; esac',
    'else echo unknown; exit 0; fi',
  ];
  const cmd = [
    '(',
    sh`s=${src}`,
    `d=${destWord(dest)}`,
    '[ -f "$s" ] || { echo nosrc; exit 0; }',
    ...detect,
    "t=$(mktemp -d) || { echo 'error=cannot create a scratch directory'; exit 0; }",
    `trap 'rm -rf "$t"' EXIT`,
    'if [ "$h" = ZipArchive ]; then',
    `  ${extractCmd('ZipArchive', '"$s"', '"$t"', o)} >/dev/null 2>"$t.err" || { printf 'error=%s\\n' "$(head -c 2000 "$t.err" | tr '\\n' ' ')"; rm -f "$t.err"; exit 0; }`,
    'else',
    `  ${extractCmd('TarArchive', '"$s"', '"$t"', o)} >/dev/null 2>"$t.err" || { printf 'error=%s\\n' "$(head -c 2000 "$t.err" | tr '\\n' ' ')"; rm -f "$t.err"; exit 0; }`,
    'fi',
    'rm -f "$t.err"',
    'echo "handler=$h"',
    findListing('"$t"/', { checksum: 'sha1' }),
    `printf '${DEST_MARK}\\0'`,
    'set --',
    'for n in "$t"/* "$t"/.[!.]* "$t"/..?*; do',
    '  if [ -e "$n" ] || [ -L "$n" ]; then set -- "$@" "$d/${n##*/}"; fi',
    'done',
    `if [ $# -gt 0 ]; then ${findListing('"$@"', { checksum: 'sha1' }).split('\n').join('; ')}; fi`,
    ')',
  ].join('\n');
  return { cmd, parse: (out) => parseRemoteArchive(out.stdout, dest) };
}

export function parseRemoteArchive(stdout: string, dest: string): RemoteArchive {
  const nl = stdout.indexOf('\n');
  const first = nl < 0 ? stdout : stdout.slice(0, nl);
  if (first === 'nosrc' || first === 'unknown') return { state: first, entries: [], dest: [] };
  if (first.startsWith('error='))
    return { state: 'error', error: first.slice(6).trim(), entries: [], dest: [] };
  const handler = /^handler=(\w+)$/.exec(first)?.[1] as Handler | undefined;
  const rest = stdout.slice(nl + 1);
  const cut = rest.indexOf(`${DEST_MARK}\0`);
  const inArchive = parsePathList([], cut < 0 ? rest : rest.slice(0, cut)).filter((e) => e.depth > 0);
  const entries: ArchiveEntry[] = inArchive.map((e) => ({
    rel: e.rel,
    type:
      e.type === 'file'
        ? 'file'
        : e.type === 'directory'
          ? 'directory'
          : e.type === 'link'
            ? 'link'
            : 'other',
    size: e.size,
    mode: parseInt(e.mode, 8),
    ...(e.checksum ? { sha1: e.checksum } : {}),
    ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
  }));
  const destEntries = cut < 0 ? [] : parsePathList([], rest.slice(cut + DEST_MARK.length + 1));
  return { state: 'ok', handler, entries, dest: relativeTo(dest, destEntries) };
}

/** Re-root listing entries of dest/<top>/... as paths relative to dest. */
export function relativeTo(dest: string, list: PathEntry[]): PathEntry[] {
  const d = dest.length > 1 ? dest.replace(/\/+$/, '') : dest;
  const prefix = d === '/' ? '/' : `${d}/`;
  return list.map((e) => {
    const p = e.path.startsWith('./') && !prefix.startsWith('./') ? e.path.slice(2) : e.path;
    return { ...e, rel: p.startsWith(prefix) ? p.slice(prefix.length) : p };
  });
}

/** Members whose content, type or link target differ from what dest has (missing ones included). */
export function differing(entries: ArchiveEntry[], dest: PathEntry[]): ArchiveEntry[] {
  const byRel = new Map(dest.map((e) => [e.rel, e]));
  return entries.filter((a) => {
    const d = byRel.get(a.rel);
    if (!d) return true;
    switch (a.type) {
      case 'directory':
        return d.type !== 'directory';
      case 'link':
        return d.type !== 'link' || d.linkTarget !== a.linkTarget;
      case 'file':
      case 'hard':
        return d.type !== 'file' || d.size !== a.size || (a.sha1 !== undefined && d.checksum !== a.sha1);
      default:
        return false;
    }
  });
}
