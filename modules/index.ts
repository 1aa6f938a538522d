// The module registry: look modules up by short or fully qualified name.
import type { ModuleDef, ParamSpecs } from '../src/core/module.js';
import { add_host } from './add_host.js';
import { apt } from './apt.js';
import { group_by } from './group_by.js';
import { pause } from './pause.js';
import { assert } from './assert.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { ping } from './ping.js';
import { raw } from './raw.js';
import { service } from './service.js';
import { set_fact } from './set_fact.js';
import { shell } from './shell.js';
import { stat } from './stat.js';
import { systemd } from './systemd.js';
import { template } from './template.js';
import { assemble } from './assemble.js';
import { blockinfile } from './blockinfile.js';
import { fetch } from './fetch.js';
import { file } from './file.js';
import { find } from './find.js';
import { get_url } from './get_url.js';
import { lineinfile } from './lineinfile.js';
import { replace } from './replace.js';
import { slurp } from './slurp.js';
import { tempfile } from './tempfile.js';
import { unarchive } from './unarchive.js';
import { uri } from './uri.js';
import { apt_key } from './apt_key.js';
import { apt_repository } from './apt_repository.js';
import { authorized_key } from './authorized_key.js';
import { cron } from './cron.js';
import { debconf } from './debconf.js';
import { getent } from './getent.js';
import { git } from './git.js';
import { group } from './group.js';
import { hostname } from './hostname.js';
import { include_vars } from './include_vars.js';
import { mount } from './mount.js';
import { package_ } from './package.js';
import { package_facts } from './package_facts.js';
import { reboot } from './reboot.js';
import { script } from './script.js';
import { service_facts } from './service_facts.js';
import { setup } from './setup.js';
import { sysctl } from './sysctl.js';
import { user } from './user.js';
import { wait_for } from './wait_for.js';
import { wait_for_connection } from './wait_for_connection.js';

// Registered loosely typed: callers check arguments with checkParams before plan() sees them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDef<ParamSpecs, any>;

const MODULES: Record<string, AnyModule> = {
  add_host,
  group_by,
  pause,
  apt,
  assert,
  command,
  copy,
  debug,
  fail,
  ping,
  raw,
  service,
  set_fact,
  shell,
  stat,
  systemd,
  systemd_service: systemd,
  template,
  // Files (issue 4).
  assemble,
  blockinfile,
  fetch,
  file,
  find,
  get_url,
  lineinfile,
  replace,
  slurp,
  tempfile,
  unarchive,
  uri,
  // System, packages and commands (issue 4).
  apt_key,
  apt_repository,
  authorized_key,
  cron,
  debconf,
  getent,
  git,
  group,
  hostname,
  include_vars,
  mount,
  package: package_,
  package_facts,
  reboot,
  script,
  service_facts,
  setup,
  sysctl,
  user,
  wait_for,
  wait_for_connection,
};

/** User modules from library/ directories (modules/library.ts): they shadow built-ins, as in Ansible. */
const LIBRARY = new Map<string, AnyModule>();

export function registerLibraryModule(def: AnyModule): void {
  LIBRARY.set(def.name, def);
}

/** A library module by its plain name, `local.<name>` or `ansible.legacy.<name>`. */
function libraryModule(name: string): AnyModule | undefined {
  const short = name.replace(/^(local|ansible\.legacy)\./, '');
  return LIBRARY.get(short);
}

/** Collections whose modules resolve to the same short names (what roles write in practice). */
const COLLECTIONS = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'];

/** A module by name: `copy`, `ansible.builtin.copy`, `community.general.x`, ... */
export function lookupModule(name: string): AnyModule | undefined {
  const lib = libraryModule(name);
  if (lib) return lib;
  if (Object.hasOwn(MODULES, name)) return MODULES[name];
  for (const prefix of COLLECTIONS) {
    if (name.startsWith(prefix)) {
      const short = name.slice(prefix.length);
      return Object.hasOwn(MODULES, short) ? MODULES[short] : undefined;
    }
  }
  return undefined;
}

/** Every registered short name (aliases like systemd_service included), sorted. */
export function listModules(): string[] {
  return Object.keys(MODULES).sort();
}
