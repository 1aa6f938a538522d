// The module registry as the documentation sees it: every name, which names are aliases of another module,
// and the fully qualified names the registry accepts. Read at generation time, never written by hand.
import { listModules, lookupModule, type AnyModule } from '../../modules/index.js';
import { loadModuleFile } from '../../modules/library.js';
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { ParamSpec } from '../core/module.js';

export interface ModuleEntry {
  /** The name as registered (`systemd_service`). */
  name: string;
  def: AnyModule;
  /** For a second name of a module: the module's own name (`systemd`). */
  aliasOf?: string;
  /** A custom module from a project's library/ directory, not a built-in one. */
  library?: boolean;
}

/** Collection prefixes checked against the registry: only those lookupModule accepts are used. */
const CANDIDATE_PREFIXES = [
  'ansible.builtin.',
  'ansible.legacy.',
  'ansible.posix.',
  'community.general.',
  'community.crypto.',
  'community.docker.',
  'ansible.netcommon.',
  'ansible.utils.',
];

/** Every registered name, sorted, with aliases marked. */
export function moduleEntries(): ModuleEntry[] {
  return listModules().map((name) => {
    const def = lookupModule(name)!;
    return def.name === name ? { name, def } : { name, def, aliasOf: def.name };
  });
}

/** The module (not alias) entries only. */
export function primaryModules(): ModuleEntry[] {
  return moduleEntries().filter((e) => e.aliasOf === undefined);
}

/** Every spelling of a module name the registry accepts (`copy`, `ansible.builtin.copy`, ...). */
export function acceptedNames(name: string, library = false): string[] {
  if (library) return [name, `local.${name}`, `ansible.legacy.${name}`];
  const def = lookupModule(name);
  if (!def) return [name];
  return [name, ...CANDIDATE_PREFIXES.map((p) => p + name).filter((n) => lookupModule(n) === def)];
}

/**
 * The custom modules of library/ directories (see modules/library.ts), loaded without registering them,
 * so a project's schema can include them. Library modules shadow built-ins of the same name.
 */
export async function libraryEntries(dirs: readonly string[]): Promise<ModuleEntry[]> {
  const out = new Map<string, ModuleEntry>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!['.js', '.mjs', '.ts', '.mts'].includes(extname(f)) || f.endsWith('.d.ts') || f.includes('.test.'))
        continue;
      const name = basename(f, extname(f));
      if (out.has(name)) continue;
      out.set(name, { name, def: await loadModuleFile(join(dir, f)), library: true });
    }
  }
  return [...out.values()];
}

/** Built-in entries with library entries in place of the built-ins they shadow. */
export function withLibrary(builtins: ModuleEntry[], library: ModuleEntry[]): ModuleEntry[] {
  const names = new Set(library.map((e) => e.name));
  return [...builtins.filter((e) => !names.has(e.name)), ...library].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** Parameter names sorted like ansible-doc (alphabetically). */
export function sortedParams(def: AnyModule): [string, ParamSpec][] {
  return Object.entries(def.params as Record<string, ParamSpec>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
}

/** A value as the docs show it: YAML-like scalars, flow lists. */
export function docValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return /^(?:yes|no|true|false|on|off|null|~|)$/i.test(v) ? `'${v}'` : v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(docValue).join(', ')}]`;
  return JSON.stringify(v);
}

/** The type as ansible-doc would name it (`list` with `elements: str` is written `list / elements=str`). */
export function typeText(spec: ParamSpec): string {
  return spec.type === 'list' && spec.elements ? `list / elements=${spec.elements}` : spec.type;
}
