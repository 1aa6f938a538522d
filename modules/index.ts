// The module registry: look modules up by short or fully qualified name.
import type { ModuleDef, ParamSpecs } from '../src/core/module.js';
import { apt } from './apt.js';
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

// Registered loosely typed: callers check arguments with checkParams before plan() sees them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDef<ParamSpecs, any>;

const MODULES: Record<string, AnyModule> = {
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
};

/** Collections whose modules resolve to the same short names (what roles write in practice). */
const COLLECTIONS = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'];

/** A module by name: `copy`, `ansible.builtin.copy`, `community.general.x`, ... */
export function lookupModule(name: string): AnyModule | undefined {
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
