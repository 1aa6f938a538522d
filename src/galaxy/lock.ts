// requirements.lock: the commit and content hash each role resolved to, so later installs get the same bytes.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { itemPos, keyPos, loadYaml } from '../core/yaml.js';
import { galaxyError } from './requirements.js';

export const LOCK_FORMAT_VERSION = 1;

export interface LockEntry {
  name: string;
  /** As in the requirement, without an `scm+` prefix. */
  src: string;
  /** The requested version ('' for the remote's HEAD). */
  version: string;
  /** The commit it resolved to. */
  commit: string;
  /** digestTree() of the installed role. */
  contentHash: string;
  /** Set for roles installed as a meta/main.yml dependency of another role. */
  dependencyOf?: string;
}

/** `requirements.yml` → `requirements.lock`, in the same directory. */
export function lockPathFor(requirementsFile: string): string {
  const ext = extname(requirementsFile);
  const base = basename(requirementsFile, ext === '.yml' || ext === '.yaml' ? ext : '');
  return join(dirname(requirementsFile), `${base}.lock`);
}

function field(e: Record<string, unknown>, key: string, file: string, required: boolean): string | undefined {
  const v = e[key];
  if (v === undefined || v === null) {
    if (required) throw galaxyError(`lock entry is missing '${key}'`, keyPos(e, key) ?? { file });
    return undefined;
  }
  if (typeof v === 'object')
    throw galaxyError(`lock entry '${key}' must be a string`, keyPos(e, key) ?? { file });
  return String(v);
}

/** Parse lock file text. */
export function parseLock(text: string, file: string): LockEntry[] {
  const data = loadYaml(text, file, { kind: 'command' });
  if (data === null) return [];
  const roles =
    typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).roles : undefined;
  if (roles === undefined || roles === null) return [];
  if (!Array.isArray(roles)) throw galaxyError('`roles:` in a lock file must be a list', { file });
  return roles.map((r, i) => {
    const pos = itemPos(roles, i) ?? { file };
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw galaxyError('a lock entry must be a mapping', pos);
    const e = r as Record<string, unknown>;
    const entry: LockEntry = {
      name: field(e, 'name', file, true)!,
      src: field(e, 'src', file, true)!,
      version: field(e, 'version', file, false) ?? '',
      commit: field(e, 'commit', file, true)!,
      contentHash: field(e, 'content_hash', file, false) ?? '',
    };
    const dep = field(e, 'dependency_of', file, false);
    if (dep !== undefined) entry.dependencyOf = dep;
    return entry;
  });
}

/** The lock's entries, or undefined when there is no lock file. */
export function readLock(path: string): LockEntry[] | undefined {
  if (!existsSync(path)) return undefined;
  return parseLock(readFileSync(path, 'utf8'), path);
}

/** Lock file text: entries sorted by name, so that it diffs well under version control. */
export function formatLock(entries: LockEntry[]): string {
  const roles = [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => ({
      name: e.name,
      src: e.src,
      version: e.version,
      commit: e.commit,
      content_hash: e.contentHash,
      ...(e.dependencyOf !== undefined ? { dependency_of: e.dependencyOf } : {}),
    }));
  const header =
    '# Written by tsible-galaxy install: the commit each role resolved to. Keep it under version control.\n' +
    '# `tsible-galaxy install --upgrade` re-resolves branches and tags; `tsible-galaxy verify` checks the roles.\n';
  // Quoted the YAML 1.1 way, as it is read back (a version like 1.10 must stay a string).
  return (
    header + stringify({ lock_version: LOCK_FORMAT_VERSION, roles }, { version: '1.1', singleQuote: true })
  );
}

/** Write the lock if its text changes (through a temporary file and a rename). Returns whether it changed. */
export function writeLock(path: string, entries: LockEntry[]): boolean {
  const text = formatLock(entries);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}
