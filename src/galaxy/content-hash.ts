// The content hash of an installed role: sha256 over its files' sorted paths, git-style modes and bytes.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Files tsible-galaxy itself writes into a role: not part of its content. */
export const INSTALL_RECORD = '.tsible_install.json';
export const GALAXY_INSTALL_INFO = 'meta/.galaxy_install_info';
const EXCLUDED = new Set([INSTALL_RECORD, GALAXY_INSTALL_INFO]);

export interface TreeDigest {
  /** `sha256:<hex>` over every file entry below. */
  contentHash: string;
  /** Relative path (with '/') → `<mode> <sha256 hex>`; mode is 100644, 100755 or 120000 (symlink). */
  files: Record<string, string>;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function walk(root: string, rel: string, out: Record<string, string>): void {
  const dir = rel ? join(root, rel) : root;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const path = rel ? `${rel}/${ent.name}` : ent.name;
    if (EXCLUDED.has(path)) continue;
    const st = lstatSync(join(root, path));
    if (st.isDirectory()) walk(root, path, out);
    else if (st.isSymbolicLink()) out[path] = `120000 ${sha256(readlinkSync(join(root, path)))}`;
    else if (st.isFile()) {
      // Only the executable bit, as git records it: the umask of the machine that installed must not matter.
      const mode = st.mode & 0o111 ? '100755' : '100644';
      out[path] = `${mode} ${sha256(readFileSync(join(root, path)))}`;
    }
  }
}

/** Plain code-unit order: the same on every machine and in every locale. */
function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Hash of a file map: each entry as "<mode> <sha256> <path>\0", in path order. */
export function hashManifest(files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const path of Object.keys(files).sort(byPath)) h.update(`${files[path]!} ${path}\0`);
  return `sha256:${h.digest('hex')}`;
}

/** Hash a role directory (synchronously: the playbook runner calls this while loading). */
export function digestTree(dir: string): TreeDigest {
  const files: Record<string, string> = {};
  walk(dir, '', files);
  const sorted: Record<string, string> = {};
  for (const path of Object.keys(files).sort(byPath)) sorted[path] = files[path]!;
  return { contentHash: hashManifest(sorted), files: sorted };
}

export interface ManifestDiff {
  modified: string[];
  added: string[];
  removed: string[];
}

/** Which files differ between the manifest recorded at install time and the tree now. */
export function diffManifests(before: Record<string, string>, after: Record<string, string>): ManifestDiff {
  const d: ManifestDiff = { modified: [], added: [], removed: [] };
  for (const [path, v] of Object.entries(before)) {
    if (!(path in after)) d.removed.push(path);
    else if (after[path] !== v) d.modified.push(path);
  }
  for (const path of Object.keys(after)) if (!(path in before)) d.added.push(path);
  for (const list of [d.modified, d.added, d.removed]) list.sort(byPath);
  return d;
}

/** "modified: a, b; added: c" (at most a few names per kind), or '' when nothing differs. */
export function describeDiff(d: ManifestDiff, max = 5): string {
  const parts: string[] = [];
  for (const [kind, list] of [
    ['modified', d.modified],
    ['added', d.added],
    ['removed', d.removed],
  ] as const) {
    if (!list.length) continue;
    const shown = list.slice(0, max).join(', ');
    parts.push(`${kind}: ${shown}${list.length > max ? ` (+${list.length - max} more)` : ''}`);
  }
  return parts.join('; ');
}
