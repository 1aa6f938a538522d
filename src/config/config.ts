// tsible.cfg / ansible.cfg: found in Ansible's order, read with `ini`, overridden by TSIBLE_*/ANSIBLE_* env.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'ini';
import { envNames, findSetting } from './keys.js';

export interface ConfigFile {
  path?: string;
  data: Record<string, Record<string, string>>;
}

function candidates(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const out: string[] = [];
  for (const v of [env.TSIBLE_CONFIG, env.ANSIBLE_CONFIG]) {
    if (!v) continue;
    out.push(
      existsSync(v) && statSync(v).isDirectory()
        ? join(v, v === env.TSIBLE_CONFIG ? 'tsible.cfg' : 'ansible.cfg')
        : v,
    );
  }
  const home = homedir();
  out.push(join(cwd, 'tsible.cfg'), join(home, '.tsible.cfg'), '/etc/tsible/tsible.cfg');
  out.push(join(cwd, 'ansible.cfg'), join(home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return out;
}

/** The first config file found (files are not merged, as in Ansible). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ConfigFile {
  for (const p of candidates(env, cwd)) {
    if (!existsSync(p)) continue;
    const data = parse(readFileSync(p, 'utf8')) as Record<string, Record<string, string>>;
    return { path: p, data };
  }
  return { data: {} };
}

/** A setting: TSIBLE_X or ANSIBLE_X env first, then [section] key, then the default. */
export function setting(
  cfg: ConfigFile,
  section: string,
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  // Ansible's own variable names (ANSIBLE_DIFF_ALWAYS, ANSIBLE_HOST_KEY_CHECKING…) and their TSIBLE_ twins.
  const def = findSetting(section, key);
  const names = def ? envNames(def) : [`TSIBLE_${key.toUpperCase()}`, `ANSIBLE_${key.toUpperCase()}`];
  for (const n of names) if (env[n] !== undefined) return env[n];
  const v = cfg.data[section]?.[key];
  return v === undefined ? undefined : String(v).trim();
}

export function boolSetting(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  return ['1', 'true', 'yes', 'on', 'y', 't'].includes(v.toLowerCase());
}
