// What filters, tests and lookups can reach while a template renders, and how they are declared.
import type { Vars } from '../../core/types.js';
import { bindArgs } from '../py/args.js';
import type { PyRandom } from '../py/random.js';
import type { Kwargs } from '../py/values.js';

export interface Runtime {
  /** The template context: a lazy view that templates variable values on read. */
  readonly vars: Vars;
  /** Playbook directory: base for relative lookup paths. */
  readonly baseDir: string;
  readonly searchPaths: readonly string[];
  /** Directory of the template file being rendered, if any (searched first). */
  readonly templateDir?: string;
  callFilter(name: string, value: unknown, args: unknown[], kw: Kwargs): unknown;
  callTest(name: string, value: unknown, args: unknown[], kw: Kwargs): boolean;
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
  lookup(name: string, terms: unknown[], kw: Kwargs, wantList: boolean): unknown;
  /** Python-compatible random generator: seeded by `seed` if given, else the Templar's seed or entropy. */
  random(seed?: unknown): PyRandom;
  /** Render a template file with the current variables plus `extra` (the template lookup). */
  renderFile(path: string, extra?: Vars): unknown;
  warn(message: string): void;
}

export type PluginFn<R> = (rt: Runtime, value: unknown, args: unknown[], kw: Kwargs, name: string) => R;

export interface FilterSpec {
  fn: PluginFn<unknown>;
  /** Accepts an undefined input (default, mandatory...) instead of failing on it. */
  undefinedOk?: boolean;
}

export interface TestSpec {
  fn: PluginFn<boolean>;
  undefinedOk?: boolean;
}

export type LookupFn = (rt: Runtime, terms: unknown[], kw: Kwargs) => unknown[];

interface DefOptions {
  required?: number;
  undefinedOk?: boolean;
}

/** Declare a filter with Python-style named parameters (after the input value). */
export function filter(
  params: readonly string[],
  impl: (value: unknown, a: unknown[], rt: Runtime) => unknown,
  opts: DefOptions = {},
): FilterSpec {
  return {
    undefinedOk: opts.undefinedOk,
    fn: (rt, value, args, kw, name) => impl(value, bindArgs(name, params, args, kw, opts.required), rt),
  };
}

/** Declare a test with Python-style named parameters (after the tested value). */
export function test(
  params: readonly string[],
  impl: (value: unknown, a: unknown[], rt: Runtime) => boolean,
  opts: DefOptions = {},
): TestSpec {
  return {
    undefinedOk: opts.undefinedOk,
    fn: (rt, value, args, kw, name) => impl(value, bindArgs(name, params, args, kw, opts.required), rt),
  };
}

/** Ansible's fully qualified names resolve to the builtins. */
export function shortName(name: string): string {
  return name.replace(/^ansible\.(?:builtin|legacy)\./, '');
}
