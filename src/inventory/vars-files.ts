// group_vars/ and host_vars/ files for a group or host under any directory (inventory- or playbook-adjacent).
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { loadDataText, readDataFile, type VaultDecrypt } from './load-data.js';
import { isMapping, pyType } from './yaml-inventory.js';

export type VarsKind = 'group_vars' | 'host_vars';

export interface VarsFile {
  /** Absolute path. */
  path: string;
  /** The path as shown to users (relative to the working directory when inside it). */
  label: string;
  /** The file's top-level mapping, values untouched (no templating). */
  vars: Vars;
}

export interface VarsFilesOptions {
  display: (path: string) => string;
  decrypt?: VaultDecrypt;
  warn: (message: string) => void;
}

// Looked for in this order; the first that exists is used (a plain name first, so a directory wins).
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

function kindOf(path: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** Finds and loads vars files, reading each file and directory once. */
export class VarsFiles {
  private readonly found = new Map<string, string[]>();
  private readonly loaded = new Map<string, Vars>();

  constructor(private readonly opts: VarsFilesOptions) {}

  /**
   * The vars files for group or host `name` in `dir/group_vars` (or `host_vars`), in the order they apply:
   * `<name>`, `<name>.yml`, `<name>.yaml` or `<name>.json` (the first that exists), or every file of the
   * directory `<name>/` in lexical order. Empty files are left out.
   */
  forEntity(dir: string, kind: VarsKind, name: string): VarsFile[] {
    // Like Ansible, names that look like absolute paths (chroot hosts) have no vars files.
    if (name.startsWith('/')) return [];
    return this.find(dir, kind, name)
      .map((path) => ({ path, label: this.opts.display(path), vars: this.load(path) }))
      .filter((f) => Object.keys(f.vars).length > 0);
  }

  private find(dir: string, kind: VarsKind, name: string): string[] {
    const key = `${dir}\0${kind}\0${name}`;
    const cached = this.found.get(key);
    if (cached) return cached;
    let files: string[] = [];
    const base = join(dir, kind);
    const baseKind = kindOf(base);
    if (baseKind === 'file')
      this.opts.warn(`Found ${kind} that is not a directory, skipping: ${this.opts.display(base)}`);
    if (baseKind === 'dir') {
      const real = realpathSync(base);
      for (const ext of EXTENSIONS) {
        const full = join(real, name) + ext;
        const k = kindOf(full);
        if (k === 'dir') files = dirFiles(full);
        else if (k === 'file') files = [full];
        else continue;
        break;
      }
    }
    this.found.set(key, files);
    return files;
  }

  private load(path: string): Vars {
    const cached = this.loaded.get(path);
    if (cached) return cached;
    const file = this.opts.display(path);
    const data = loadDataText(readDataFile(path, file, this.opts.decrypt), file);
    let vars: Vars = {};
    if (isMapping(data)) vars = data;
    else if (!falsy(data)) {
      throw new TsibleError(
        'inventory',
        `Invalid vars file ${file}: the top level must be a mapping, got ${pyType(data)}`,
        {
          pos: { file, line: 1 },
          hint: 'write one "name: value" per line at the top level of the file',
        },
      );
    }
    this.loaded.set(path, vars);
    return vars;
  }
}

/** Files of a vars directory, sorted, recursing into sub-directories without an extension. */
function dirFiles(dir: string): string[] {
  const out: string[] = [];
  const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = extname(name);
    const full = join(dir, name);
    const k = kindOf(full);
    if (k === 'dir' && !ext) out.push(...dirFiles(full));
    else if (k === 'file' && EXTENSIONS.includes(ext)) out.push(full);
  }
  return out;
}

/** Python falsiness: Ansible ignores a vars file that loads to None, 0, '', [] or False. */
function falsy(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0)
  );
}
