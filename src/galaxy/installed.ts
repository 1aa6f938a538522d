// What is installed in a roles directory: Ansible's meta/.galaxy_install_info, our .tsible_install.json, roles path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, setting, type ConfigFile } from '../config/config.js';
import { loadYaml } from '../core/yaml.js';
import { GALAXY_INSTALL_INFO, INSTALL_RECORD } from './content-hash.js';

/** Our record of an install (next to Ansible's .galaxy_install_info, which only has a version and a date). */
export interface InstallRecord {
  src: string;
  version: string;
  commit: string;
  contentHash: string;
  installedAt: string;
  /** Per-file digests at install time (see digestTree), so that `verify` can name the changed files. */
  files?: Record<string, string>;
  dependencyOf?: string;
}

export function readInstallRecord(roleDir: string): InstallRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(roleDir, INSTALL_RECORD), 'utf8')) as Partial<InstallRecord>;
    if (typeof r.commit !== 'string' || typeof r.src !== 'string') return undefined;
    return {
      src: r.src,
      version: typeof r.version === 'string' ? r.version : '',
      commit: r.commit,
      contentHash: typeof r.contentHash === 'string' ? r.contentHash : '',
      installedAt: typeof r.installedAt === 'string' ? r.installedAt : '',
      files: r.files && typeof r.files === 'object' ? r.files : undefined,
      dependencyOf: typeof r.dependencyOf === 'string' ? r.dependencyOf : undefined,
    };
  } catch {
    return undefined;
  }
}

export interface GalaxyInfo {
  version: string;
  installDate?: string;
}

/** meta/.galaxy_install_info as written by ansible-galaxy or by us; undefined when absent or unreadable. */
export function readGalaxyInfo(roleDir: string): GalaxyInfo | undefined {
  const file = join(roleDir, GALAXY_INSTALL_INFO);
  if (!existsSync(file)) return undefined;
  try {
    const data = loadYaml(readFileSync(file, 'utf8'), file, { kind: 'command' });
    if (!data || typeof data !== 'object' || Array.isArray(data)) return { version: '' };
    const d = data as Record<string, unknown>;
    const v = d.version;
    return {
      version: v === null || v === undefined ? '' : String(v),
      installDate: d.install_date === undefined ? undefined : String(d.install_date),
    };
  } catch {
    return { version: '' };
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Python's `%c` in the C locale, in UTC, as ansible-galaxy writes install_date: "Sun Nov  2 04:27:02 2026". */
export function ctime(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]!} ${MONTHS[d.getUTCMonth()]!} ${day} ${time} ${d.getUTCFullYear()}`;
}

/** The text of meta/.galaxy_install_info (keys sorted, as PyYAML dumps them). */
export function galaxyInstallInfoText(version: string, date: Date): string {
  return stringify({ install_date: ctime(date), version }, { version: '1.1', singleQuote: true });
}

/** A directory looks like a role when it has tasks/ or meta/main.yml (ansible-galaxy itself wants the latter). */
export function isRoleDir(dir: string): boolean {
  const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
  return (
    isDir(join(dir, 'tasks')) ||
    ['meta/main.yml', 'meta/main.yaml', 'meta/main'].some((m) => existsSync(join(dir, m)))
  );
}

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/**
 * The configured roles path: TSIBLE_ROLES_PATH / ANSIBLE_ROLES_PATH, else `[defaults] roles_path` from
 * tsible.cfg / ansible.cfg, else Ansible's default. Entries are colon-separated; `install` uses the first.
 */
export function configuredRolesPaths(env: NodeJS.ProcessEnv = process.env, cfg?: ConfigFile): string[] {
  const raw = setting(cfg ?? loadConfig(env), 'defaults', 'roles_path', env);
  const list = (raw ?? '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles')
    .split(':')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.map((p) => resolve(expandHome(p)));
}

/** `-p a:b` → its entries, made absolute. */
export function splitRolesPath(value: string): string[] {
  return value
    .split(':')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => resolve(expandHome(p)));
}
