// Bind Python-style positional and keyword arguments to named parameters.
import { fail } from '../fault.js';
import type { Kwargs } from './values.js';

/**
 * Align args/kwargs to `names`; missing ones are undefined. Raises Python's TypeErrors for unknown or
 * duplicate keywords, too many positionals, and missing required parameters (the first `required`).
 */
export function bindArgs(
  fname: string,
  names: readonly string[],
  args: unknown[],
  kw: Kwargs,
  required = 0,
): unknown[] {
  if (args.length > names.length) {
    fail(
      `${fname}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${args.length} given)`,
    );
  }
  const out: unknown[] = names.map((_, i) => args[i]);
  for (const [k, v] of Object.entries(kw)) {
    const i = names.indexOf(k);
    if (i < 0) fail(`${fname}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) fail(`${fname}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) fail(`${fname}() missing required argument: '${names[i]}'`);
  }
  return out;
}
