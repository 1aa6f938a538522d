// The inventory: hosts and groups from every -i source, host patterns, and each host's inventory variables.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { InventoryData, LOCALHOST_NAMES, type InventoryGroup, type InventoryHost } from './inventory-data.js';
import type { VaultDecrypt } from './load-data.js';
import { evaluatePatterns, splitHostPattern, type PatternTarget } from './patterns.js';
import { expandUser, parseSource } from './sources.js';
import { VarsFiles } from './vars-files.js';

export type { InventoryGroup, InventoryHost } from './inventory-data.js';

export interface InventoryLoadOptions {
  /** Directory that relative sources, limit files and displayed paths are relative to (default: process.cwd()). */
  cwd?: string;
  /** Environment for inventory scripts (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Decrypts whole-file vault inventories and vars files; without it such files are an error. */
  vaultDecrypt?: VaultDecrypt;
}

/** One source of variables for a host, lowest precedence first (levels 3..10 of the precedence table). */
export interface VarLayer {
  level: number;
  /** Where the vars came from, e.g. `inventory.ini [web:vars]` or `group_vars/web.yml`. */
  source: string;
  vars: Vars;
}

export interface PatternOptions {
  /** A --limit pattern to apply to the result (terms may be @file). */
  limit?: string;
  /** Reads an @file of a limit (default: the file relative to the inventory's cwd). */
  readFile?: (path: string) => string;
}

export class Inventory {
  /** Warnings for the caller to print, each once, in the order they arose. */
  readonly warnings: string[];
  private readonly varsFiles: VarsFiles;
  private readonly target: PatternTarget;

  private constructor(
    private readonly data: InventoryData,
    /** Directories whose group_vars/host_vars belong to the inventory, one per source, in -i order. */
    private readonly inventoryDirs: string[],
    private readonly cwd: string,
    decrypt: VaultDecrypt | undefined,
  ) {
    this.warnings = data.warnings;
    this.varsFiles = new VarsFiles({
      display: (p) => displayPath(p, cwd),
      decrypt,
      warn: (m) => data.warn(m),
    });
    this.target = {
      groupNames: () => [...data.groups.keys()],
      groupHosts: (g) => data.groupHosts(g),
      hostNames: () => [...data.hosts.keys()],
      hasHost: (n) => data.hosts.has(n),
      implicitLocalhost: (n) => data.implicitLocalhost(n)?.name,
      warn: (m) => data.warn(m),
    };
  }

  /**
   * Read every source (as given to -i, repeatable) and merge them: INI, YAML or JSON files, directories,
   * executable scripts, and comma-separated host lists. Sources that do not exist only give a warning, as in
   * Ansible; sources that exist but cannot be parsed throw a TsibleError with file and line.
   */
  static async load(sources: string[], opts: InventoryLoadOptions = {}): Promise<Inventory> {
    const cwd = opts.cwd ?? process.cwd();
    const data = new InventoryData();
    const display = (p: string): string => displayPath(p, cwd);
    let parsed = false;
    for (const source of sources) {
      if (!source) continue;
      if (await parseSource(data, source, { cwd, env: opts.env, decrypt: opts.vaultDecrypt, display }))
        parsed = true;
    }
    if (parsed) data.reconcile();
    else data.warn('No inventory was parsed, only implicit localhost is available');
    return new Inventory(data, inventoryDirs(sources, cwd), cwd, opts.vaultDecrypt);
  }

  /** Every inventory host, in inventory order (the implicit localhost is not one of them). */
  hosts(): InventoryHost[] {
    return [...this.data.hosts.values()];
  }

  /** A host by name; a localhost-like name that is not in the inventory gives the implicit localhost. */
  host(name: string): InventoryHost | undefined {
    return this.data.hosts.get(name) ?? this.data.implicitLocalhost(name);
  }

  group(name: string): InventoryGroup | undefined {
    return this.data.groups.get(name);
  }

  /** Every group name in inventory order, starting with `all` and `ungrouped`. */
  groupNames(): string[] {
    return [...this.data.groups.keys()];
  }

  /**
   * Host names matching a pattern (a string with , or legacy : separators, or a list of terms), in inventory
   * order, deduplicated. Terms that match nothing add the warning `Could not match supplied host pattern,
   * ignoring: X`. A localhost-like term that is not in the inventory gives the implicit localhost.
   */
  resolve(pattern: string | string[], opts: PatternOptions = {}): string[] {
    const hosts = evaluatePatterns(this.target, splitHostPattern(pattern));
    return opts.limit === undefined ? hosts : this.limit(hosts, opts.limit, opts);
  }

  /** The hosts of `hosts` that also match `pattern`, like --limit (terms may be `@file`, one pattern a line). */
  limit(hosts: string[], pattern: string, opts: Pick<PatternOptions, 'readFile'> = {}): string[] {
    const terms: string[] = [];
    for (const term of splitHostPattern(pattern)) {
      if (!term.startsWith('@')) terms.push(term);
      else terms.push(...this.readLimitFile(term.slice(1), opts.readFile).map((l) => l.trim()));
    }
    const allowed = new Set(evaluatePatterns(this.target, terms));
    return hosts.filter((h) => allowed.has(h));
  }

  /** The `group_names` magic var: the host's groups and their ancestors, sorted, without `all`. */
  groupNamesOf(host: string): string[] {
    return this.data
      .hostGroups(host)
      .filter((g) => g !== 'all')
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The `groups` magic var: every group (all and ungrouped included) with its hosts and its children's. */
  groupsMap(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of this.data.groups.keys()) {
      Object.defineProperty(out, g, { value: this.data.groupHosts(g), enumerable: true, writable: true });
    }
    return out;
  }

  /**
   * The inventory variable layers for a host, lowest precedence first:
   * 3 inventory-file group vars (`all` first, then groups by depth, priority, name),
   * 4 inventory group_vars/all, 5 playbook group_vars/all, 6 inventory group_vars/<group>,
   * 7 playbook group_vars/<group>, 8 inventory-file host vars (with inventory_file/inventory_dir),
   * 9 inventory host_vars, 10 playbook host_vars. Later layers override earlier ones key by key.
   */
  varLayers(host: string, playbookDirs: string[] = []): VarLayer[] {
    const h = this.data.getHost(host) ?? this.data.implicitLocalhost(host);
    if (!h) throw new TsibleError('inventory', `Unknown host: ${host}`);
    const groups = this.data.sortGroups(this.data.hostGroups(h.name).filter((g) => g !== 'all'));
    const all = this.data.groups.get('all')!;
    const layers: VarLayer[] = [];
    const push = (level: number, source: string, vars: Vars): void => {
      layers.push({ level, source, vars: { ...vars } });
    };
    const files = (
      level: number,
      dirs: string[],
      kind: 'group_vars' | 'host_vars',
      names: string[],
    ): void => {
      for (const dir of dirs) {
        for (const name of names)
          for (const f of this.varsFiles.forEntity(dir, kind, name)) push(level, f.label, f.vars);
      }
    };
    const pbDirs = playbookDirs.map((d) => resolvePath(this.cwd, d));

    for (const c of all.contributions) push(3, c.label, c.vars);
    for (const g of groups) for (const c of this.data.groups.get(g)!.contributions) push(3, c.label, c.vars);
    files(4, this.inventoryDirs, 'group_vars', ['all']);
    files(5, pbDirs, 'group_vars', ['all']);
    files(6, this.inventoryDirs, 'group_vars', groups);
    files(7, pbDirs, 'group_vars', groups);
    if (!h.implicit) {
      push(8, 'inventory_file/inventory_dir', {
        inventory_file: h.inventoryFile,
        inventory_dir: h.inventoryDir,
      });
    }
    for (const c of h.contributions) push(8, c.label, c.vars);
    files(9, this.inventoryDirs, 'host_vars', [h.name]);
    files(10, pbDirs, 'host_vars', [h.name]);
    return layers;
  }

  /**
   * add_host: add (or update) a host, put it in `groups` (created when missing) and merge `vars` into its
   * inventory host vars. Returns whether anything changed.
   */
  addHost(name: string, groups: string[] = [], vars: Vars = {}): boolean {
    const d = this.data;
    let changed = false;
    if (!d.hosts.has(name)) {
      d.currentSource = undefined;
      d.addHost(name, 'all');
      changed = true;
    }
    const h = d.hosts.get(name)!;
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in h.vars) || !isDeepStrictEqual(h.vars[k], v)) {
        d.setHostVar(name, k, v, 'add_host');
        changed = true;
      }
    }
    for (const g of groups) {
      if (!d.groups.has(g)) {
        d.addGroup(g);
        changed = true;
      }
      if (d.addHostToGroup(name, g)) changed = true;
    }
    if (changed) d.reconcile();
    return changed;
  }

  /**
   * group_by: make sure group `name` exists (with `parents` as its parents) and, when given, put `host` in
   * it. Returns whether a host or a parent link was added.
   */
  addGroup(name: string, opts: { parents?: string[]; host?: string } = {}): boolean {
    const d = this.data;
    let changed = false;
    d.addGroup(name);
    for (const p of opts.parents ?? []) {
      if (!d.groups.has(p)) {
        d.addGroup(p);
        changed = true;
      }
      if (d.addChild(p, name)) changed = true;
    }
    if (opts.host !== undefined) {
      if (!d.getHost(opts.host))
        throw new TsibleError('inventory', `${opts.host} cannot be matched in inventory`);
      if (d.addHostToGroup(opts.host, name)) changed = true;
    }
    d.reconcile();
    return changed;
  }

  private readLimitFile(path: string, readFile?: (path: string) => string): string[] {
    if (readFile) return readFile(path).split('\n');
    const full = resolvePath(this.cwd, expandUser(path));
    if (!existsSync(full)) throw new TsibleError('options', `Unable to find limit file ${path}`);
    if (statSync(full).isDirectory()) {
      throw new TsibleError('options', `Limit starting with "@" must be a file, not a directory: ${path}`);
    }
    return readFileSync(full, 'utf8').split('\n');
  }
}

/** The directories whose group_vars/host_vars go with the inventory: each source dir, or a file's dir. */
function inventoryDirs(sources: string[], cwd: string): string[] {
  const dirs: string[] = [];
  for (const source of sources) {
    if (!source) continue;
    const full = resolvePath(cwd, expandUser(source));
    if (!existsSync(full)) continue; // host lists, and sources that did not exist
    dirs.push(statSync(full).isDirectory() ? full : dirname(full));
  }
  return dirs;
}

/** A path relative to `cwd` when it is inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export { LOCALHOST_NAMES };
