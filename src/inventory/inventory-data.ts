// The in-memory host/group graph that inventory parsers fill in, with Ansible's rules for all/ungrouped.
import { TsibleError, type SourcePos } from '../core/errors.js';
import type { Vars } from '../core/types.js';

/** A host as the inventory defines it. */
export interface InventoryHost {
  name: string;
  /** Inline inventory host vars (INI `h a=1`, YAML host mapping, script hostvars), merged across sources. */
  vars: Vars;
  /** Groups the host was put in directly (not their ancestors). */
  groups: string[];
  /** The inventory file (or comma list) the host was first seen in; '' for hosts added at run time. */
  source: string;
  /** The `inventory_file` magic var: absolute path of that file, or the comma list; null when none. */
  inventoryFile: string | null;
  /** The `inventory_dir` magic var: the directory of `inventoryFile`; null for comma lists and run time. */
  inventoryDir: string | null;
  /** True only for the implicit localhost, which is in no group and does not match `all`. */
  implicit: boolean;
}

export interface InventoryGroup {
  name: string;
  /** Vars from inventory files ([g:vars], YAML/script `vars:`); `ansible_group_priority` is not kept here. */
  vars: Vars;
  /** Direct member hosts, in the order they were added. */
  hosts: string[];
  children: string[];
  parents: string[];
  /** `ansible_group_priority` as set in inventory files (default 1). */
  priority: number;
}

/** Vars set by one source, kept apart so a host's variables can be explained layer by layer. */
export interface VarContribution {
  label: string;
  vars: Vars;
}

export interface HostRecord extends InventoryHost {
  contributions: VarContribution[];
}

export interface GroupRecord extends InventoryGroup {
  contributions: VarContribution[];
}

/** The names that get the implicit localhost when they are not in the inventory. */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

// Ansible's INVALID_VARIABLE_NAMES: a leading digit or non-word character, or any non-word character.
const INVALID_GROUP_CHARS = /^[^\p{L}_]|[^\p{L}\p{N}_]/gu;

export class InventoryData {
  readonly groups = new Map<string, GroupRecord>();
  readonly hosts = new Map<string, HostRecord>();
  readonly warnings: string[] = [];
  /** The first localhost-like host: an inventory host, or the implicit one once created. */
  localhost: HostRecord | undefined;
  /** The file being parsed, recorded on the hosts it creates. */
  currentSource: { file: string | null; dir: string | null; label: string } | undefined;

  /** Host names of each group, for fast membership checks on large inventories. */
  private readonly members = new Map<string, Set<string>>();
  private structureVersion = 0;
  private hostsCache = new Map<string, string[]>();
  private depthCache = new Map<string, number>();
  private cacheVersion = -1;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** Record a warning once (Ansible's display also drops repeats). */
  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  addGroup(name: string): GroupRecord {
    const existing = this.groups.get(name);
    if (existing) return existing;
    if (!name) throw new TsibleError('inventory', 'Invalid empty group name');
    const bad = name.match(INVALID_GROUP_CHARS);
    if (bad) {
      const chars = [...new Set(bad)].map((c) => `"${c}"`).join(', ');
      this.warn(
        `Invalid characters were found in group names but not replaced: ${chars} in group name (${name})`,
      );
    }
    const g: GroupRecord = {
      name,
      vars: {},
      hosts: [],
      children: [],
      parents: [],
      priority: 1,
      contributions: [],
    };
    this.groups.set(name, g);
    this.changed();
    return g;
  }

  /** Add a host (once) and put it in `group`; a port only counts when the host is new, as in Ansible. */
  addHost(name: string, group?: string, port?: number, label?: string): HostRecord {
    if (!name) throw new TsibleError('inventory', 'Invalid empty host name');
    let h = this.hosts.get(name);
    if (!h) {
      const src = this.currentSource;
      h = {
        name,
        vars: {},
        groups: [],
        source: src?.file ?? '',
        inventoryFile: src?.file ?? null,
        inventoryDir: src?.dir ?? null,
        implicit: false,
        contributions: [],
      };
      this.hosts.set(name, h);
      if (port) this.setHostVar(name, 'ansible_port', Math.trunc(port), label ?? src?.label ?? 'inventory');
      if (LOCALHOST_NAMES.includes(name)) {
        if (!this.localhost) this.localhost = h;
        else {
          this.warn(
            `A duplicate localhost-like entry was found (${name}). First found localhost was ${this.localhost.name}`,
          );
        }
      }
      this.changed();
    }
    if (group !== undefined) this.addHostToGroup(name, group);
    return h;
  }

  /** An inventory host, or the implicit localhost once it exists. */
  getHost(name: string): HostRecord | undefined {
    return this.hosts.get(name) ?? (this.localhost?.name === name ? this.localhost : undefined);
  }

  addHostToGroup(host: string, group: string): boolean {
    const g = this.groups.get(group);
    const h = this.getHost(host);
    if (!g) throw new TsibleError('inventory', `Could not find group ${group} in inventory`);
    if (!h) throw new TsibleError('inventory', `${host} is not a known host`);
    let set = this.members.get(group);
    if (!set) this.members.set(group, (set = new Set(g.hosts)));
    if (set.has(host)) return false;
    set.add(host);
    g.hosts.push(host);
    if (!h.groups.includes(group)) h.groups.push(group);
    this.changed();
    return true;
  }

  /** Make `child` (a group, or else a host) a member of `parent`, refusing cycles. */
  addChild(parent: string, child: string, pos?: SourcePos): boolean {
    const p = this.groups.get(parent);
    if (!p) throw new TsibleError('inventory', `${parent} is not a known group`, { pos });
    const c = this.groups.get(child);
    if (!c) {
      if (this.hosts.has(child)) return this.addHostToGroup(child, parent);
      throw new TsibleError('inventory', `${child} is not a known host nor group`, { pos });
    }
    if (p.children.includes(child)) return false;
    if (parent === child) {
      throw new TsibleError('inventory', `Group '${child}' cannot be a child of itself`, { pos });
    }
    if (this.ancestors(parent).has(child)) {
      throw new TsibleError(
        'inventory',
        `Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`,
        {
          pos,
          hint: `'${child}' is already an ancestor of '${parent}'; group children must not form a cycle`,
        },
      );
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    this.changed();
    return true;
  }

  setGroupVar(group: string, key: string, value: unknown, label: string): void {
    const g = this.groups.get(group);
    if (!g) throw new TsibleError('inventory', `Could not identify group or host named ${group}`);
    if (key === 'ansible_group_priority') {
      // Like Ansible, the priority is an attribute of the group, not a variable.
      const p = toPriority(value);
      if (p !== undefined) g.priority = p;
      return;
    }
    setVar(g.vars, key, value);
    contribute(g.contributions, label, key, value);
  }

  setHostVar(host: string, key: string, value: unknown, label: string): void {
    const h = this.getHost(host);
    if (!h) throw new TsibleError('inventory', `Could not identify group or host named ${host}`);
    setVar(h.vars, key, value);
    contribute(h.contributions, label, key, value);
  }

  /** The implicit localhost for a localhost-like name not in the inventory (created once, then reused). */
  implicitLocalhost(name: string): HostRecord | undefined {
    const found = this.hosts.get(name);
    if (found) return found;
    if (!LOCALHOST_NAMES.includes(name)) return undefined;
    if (!this.localhost) {
      this.localhost = {
        name,
        vars: { ansible_connection: 'local' },
        groups: [],
        source: '',
        inventoryFile: null,
        inventoryDir: null,
        implicit: true,
        contributions: [{ label: 'implicit localhost', vars: { ansible_connection: 'local' } }],
      };
    }
    return this.localhost;
  }

  /** After parsing or run-time changes: top-level groups go under all; hosts with no group go to ungrouped. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const leaving = new Set<string>();
    for (const h of this.hosts.values()) {
      const others = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      if (h.groups.includes('ungrouped')) {
        if (others.length > 0) {
          leaving.add(h.name);
          h.groups = h.groups.filter((g) => g !== 'ungrouped');
        }
      } else if (others.length === 0) {
        this.addHostToGroup(h.name, 'ungrouped');
      }
    }
    if (leaving.size > 0) {
      const ungrouped = this.groups.get('ungrouped')!;
      ungrouped.hosts = ungrouped.hosts.filter((n) => !leaving.has(n));
      this.members.delete('ungrouped');
      this.changed();
    }
    for (const name of this.hosts.keys()) {
      if (this.groups.has(name)) this.warn(`Found both group and host with same name: ${name}`);
    }
  }

  /**
   * Every host of a group and its descendants, in Ansible's order: the group's own hosts, then its children
   * level by level (breadth first). The implicit localhost is never included.
   */
  groupHosts(name: string): string[] {
    this.freshCaches();
    const cached = this.hostsCache.get(name);
    if (cached) return cached;
    const order = this.descendants(name, true);
    const seen = new Set<string>();
    for (const g of order) for (const h of this.groups.get(g)?.hosts ?? []) seen.add(h);
    const result = [...seen].filter((h) => name !== 'all' || !this.getHost(h)?.implicit);
    this.hostsCache.set(name, result);
    return result;
  }

  /** Group names from `name` downwards, breadth first, each once. */
  descendants(name: string, includeSelf: boolean): string[] {
    const order = [name];
    const seen = new Set(order);
    for (let i = 0; i < order.length; i++) {
      for (const c of this.groups.get(order[i]!)?.children ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          order.push(c);
        }
      }
    }
    return includeSelf ? order : order.slice(1);
  }

  ancestors(group: string): Set<string> {
    const out = new Set<string>();
    const todo = [...(this.groups.get(group)?.parents ?? [])];
    while (todo.length > 0) {
      const g = todo.pop()!;
      if (out.has(g)) continue;
      out.add(g);
      todo.push(...(this.groups.get(g)?.parents ?? []));
    }
    return out;
  }

  /** The direct groups of a host plus all their ancestors. */
  hostGroups(host: string): string[] {
    const h = this.getHost(host);
    if (!h) return [];
    const out = new Set<string>();
    for (const g of h.groups) {
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return [...out];
  }

  /** Distance from `all` along the longest parent chain (all = 0); deeper groups override shallower ones. */
  depth(group: string): number {
    this.freshCaches();
    const cached = this.depthCache.get(group);
    if (cached !== undefined) return cached;
    const parents = this.groups.get(group)?.parents ?? [];
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => this.depth(p)));
    this.depthCache.set(group, d);
    return d;
  }

  /** Ansible's sort_groups: by depth, then ansible_group_priority, then name (later ones win). */
  sortGroups(names: string[]): string[] {
    return [...names].sort((a, b) => {
      const d = this.depth(a) - this.depth(b);
      if (d !== 0) return d;
      const p = (this.groups.get(a)?.priority ?? 1) - (this.groups.get(b)?.priority ?? 1);
      if (p !== 0) return p;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }

  private changed(): void {
    this.structureVersion++;
  }

  private freshCaches(): void {
    if (this.cacheVersion !== this.structureVersion) {
      this.hostsCache.clear();
      this.depthCache.clear();
      this.cacheVersion = this.structureVersion;
    }
  }
}

/** Set a key on a vars object without ever touching Object.prototype (a key may be "__proto__"). */
export function setVar(vars: Vars, key: string, value: unknown): void {
  Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Append to the last contribution when it has the same label, so the order of sources is kept. */
function contribute(list: VarContribution[], label: string, key: string, value: unknown): void {
  let last = list[list.length - 1];
  if (!last || last.label !== label) {
    last = { label, vars: {} };
    list.push(last);
  }
  setVar(last.vars, key, value);
}

/** Python's int() as Ansible applies it to ansible_group_priority (None is ignored). */
function toPriority(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return parseInt(value, 10);
  throw new TsibleError(
    'inventory',
    `ansible_group_priority must be an integer, got: ${JSON.stringify(value)}`,
  );
}
